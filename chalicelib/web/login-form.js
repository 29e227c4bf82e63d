/* The login page: logging in (the form, the plain-words problems, the CAPTCHA
 * token used once), and a form usable again after the back/forward cache. */
import { api, problemText, waitText } from "./api.js";
import { busy, say } from "./dom.js";
import { clinicPath, el, state } from "./login-page.js";
import { captchaRequired, clearToken, resetCaptcha, setUpCaptcha } from "./login-captcha.js";
import { signedIn } from "./login-mfa.js";

var TICK_ROBOT = "Please tick the \"I'm not a robot\" box, then select Log in again.";

// ------------------------------------------------------------ logging in

function loginProblem(r) {
  switch (r.status === 0 ? "network" : r.error) {
    case "invalid_credentials":
      return r.message || "Incorrect username or password. Staff: use the Staff Login tab. Patients: use the Patient Login tab.";
    case "portal_access_disabled":
      return r.message || "Your portal access is turned off. Ask your clinic's administrator to turn it on.";
    case "captcha_invalid":
      return TICK_ROBOT;
    case "too_many_attempts":
      return "Too many unsuccessful attempts. For your security, please wait " + waitText(r.retryAfter) +
        " before trying again, or ask your clinic's administrator to unlock it.";
    case "clinic_not_found":
      return "We couldn't find this clinic any more. Select Change clinic and check the Clinic ID.";
    default:
      return problemText(r);
  }
}

/* Adaptive CAPTCHA: after a few failed attempts the server asks for the check
 * ("captcha_required": true) even when the clinic does not require it always. */
function showCaptchaIfAsked(r) {
  if (!(r.data && r.data.captcha_required === true) || !state.clinic || captchaRequired()) { return false; }
  state.clinic.captcha = Object.assign({}, state.clinic.captcha, { required: true });
  setUpCaptcha(state.clinic.captcha);
  return true;
}

function finishFailedAttempt(r) {
  state.submitting = false;
  busy(el.loginSubmit, false);
  resetCaptcha();
  var asked = showCaptchaIfAsked(r);
  say(el.loginError, loginProblem(r) + (asked && r.error === "invalid_credentials"
    ? " Before you try again, tick the \"I'm not a robot\" box." : ""));
  if (r.error === "invalid_credentials") {
    el.password.value = "";
    el.password.focus();
  } else if (r.error === "captcha_invalid" && !el.captchaLocal.hidden) {
    el.robot.focus();
  }
}

el.loginForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (state.submitting || !state.clinic) { return; }
  var username = el.username.value.trim();
  var password = el.password.value;
  if (!username) {
    say(el.loginError, "Enter your username.");
    el.username.focus();
    return;
  }
  if (!password) {
    say(el.loginError, "Enter your password.");
    el.password.focus();
    return;
  }
  state.submitting = true;
  busy(el.loginSubmit, true, "Logging in…");
  say(el.loginError, "");

  var loginType = state.loginType;
  var clinicId = state.clinic.clinic_id;
  Promise.resolve(state.tokenRequest).then(function () {
    var body = { login_type: loginType.toLowerCase(), username: username, password: password };
    if (captchaRequired() && state.captchaToken) {
      body.captcha_token = state.captchaToken;
    }
    clearToken(); // single use, whatever happens next
    return api("POST", clinicPath("/login"), body);
  }).then(function (r) {
    if (r.ok) {
      signedIn(r.data, clinicId, loginType);   // or the second step (login-mfa.js)
      return;
    }
    finishFailedAttempt(r);
  });
});

// Coming back through the back/forward cache: make the form usable again.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    state.submitting = false;
    busy(el.loginSubmit, false);
    el.password.value = "";
    resetCaptcha();
  }
});

