/* The login page: the CAPTCHA when the clinic asks for one, either the local
 * stack's "I'm not a robot" tick (a single-use token from the server) or
 * Google reCAPTCHA v2. */
import { api, problemText } from "./api.js";
import { say } from "./dom.js";
import { clinicPath, el, state } from "./login-page.js";

// ------------------------------------------------------------ CAPTCHA

export function clearToken() {
  state.captchaToken = null;
  state.tokenRequest = null;
  if (state.tokenTimer) {
    window.clearTimeout(state.tokenTimer);
    state.tokenTimer = null;
  }
}

/* A token is good for one login attempt: after each attempt ask for a new tick. */
export function resetCaptcha() {
  clearToken();
  el.robot.checked = false;
  el.robot.disabled = false;
  if (state.recaptchaWidget !== null && window.grecaptcha) {
    try { window.grecaptcha.reset(state.recaptchaWidget); } catch (e) { /* widget gone */ }
  }
}

export function captchaRequired() {
  return Boolean(state.clinic && state.clinic.captcha && state.clinic.captcha.required);
}

export function setUpCaptcha(captcha) {
  resetCaptcha();
  el.captcha.hidden = !captcha.required;
  el.captchaLocal.hidden = !(captcha.required && captcha.provider === "local");
  el.captchaGoogle.hidden = !(captcha.required && captcha.provider === "recaptcha");
  if (captcha.required && captcha.provider === "recaptcha") {
    loadRecaptcha();
  }
}

el.robot.addEventListener("change", function () {
  clearToken();
  if (!el.robot.checked || !state.clinic) { return; }
  el.robot.disabled = true;
  var clinicId = state.clinic.clinic_id;
  var request = api("POST", clinicPath("/captcha/local-token")).then(function (r) {
    if (state.tokenRequest !== request || !state.clinic || state.clinic.clinic_id !== clinicId) {
      return; // superseded
    }
    state.tokenRequest = null;
    el.robot.disabled = false;
    if (r.ok && r.data && typeof r.data.token === "string") {
      state.captchaToken = r.data.token;
      var lifetime = Math.max(10, (Number(r.data.expires_in) || 120) - 5);
      state.tokenTimer = window.setTimeout(resetCaptcha, lifetime * 1000);
    } else {
      el.robot.checked = false;
      say(el.loginError, problemText(r));
    }
  });
  state.tokenRequest = request;
});

/* Google reCAPTCHA v2, rendered explicitly once its script calls back. */
window.portalRecaptchaReady = function () {
  state.recaptchaLoading = false;
  if (state.recaptchaWidget !== null || !window.grecaptcha || !state.clinic) { return; }
  state.recaptchaWidget = window.grecaptcha.render(el.captchaGoogle, {
    sitekey: state.clinic.captcha.site_key,
    callback: function (token) { state.captchaToken = token; },
    "expired-callback": function () { state.captchaToken = null; },
    "error-callback": function () { state.captchaToken = null; }
  });
};

function loadRecaptcha() {
  if (state.recaptchaWidget !== null || state.recaptchaLoading) { return; }
  state.recaptchaLoading = true;
  var script = document.createElement("script");
  script.src = "https://www.google.com/recaptcha/api.js?onload=portalRecaptchaReady&render=explicit";
  script.async = true;
  script.addEventListener("error", function () {
    state.recaptchaLoading = false;
    say(el.loginError, "The \"I'm not a robot\" check didn't load. Check your internet connection and reload the page.");
  });
  document.head.appendChild(script);
}
