/* The login page: the Clinic ID step, then Staff Login / Patient Login tabs,
 * the CAPTCHA when the clinic asks for one, and the login itself. */
import { api, isClinicId, loginUrl, normalLoginType, problemText, queryParams, remember, remembered, waitText } from "./api.js";
import { $, busy, say, setUrl } from "./dom.js";

var el = {
  loading: $("loading"),
  clinicStep: $("clinic-step"),
  clinicForm: $("clinic-form"),
  clinicInput: $("clinic-id"),
  clinicError: $("clinic-error"),
  clinicSubmit: $("clinic-submit"),
  loginStep: $("login-step"),
  clinicName: $("clinic-name"),
  changeClinic: $("change-clinic"),
  tabs: Array.prototype.slice.call(document.querySelectorAll("[role=tab]")),
  panel: $("login-panel"),
  loginForm: $("login-form"),
  hint: $("login-hint"),
  username: $("username"),
  usernameHelp: $("username-help"),
  password: $("password"),
  captcha: $("captcha"),
  captchaLocal: $("captcha-local"),
  robot: $("robot-check"),
  captchaGoogle: $("captcha-google"),
  loginError: $("login-error"),
  loginSubmit: $("login-submit")
};

var TAB_TEXT = {
  Staff: {
    hint: "For clinic staff. Use the username your clinic set up for you.",
    help: "For example: DoeJ",
    inputmode: "text"
  },
  Patient: {
    hint: "For patients and the people who look after them. Use the email address your portal account was set up with.",
    help: "Usually your email address",
    inputmode: "email"
  }
};

var NOT_FOUND = "We couldn't find that Clinic ID. Check it for typing mistakes, or ask your clinic for the right one.";
var TICK_ROBOT = "Please tick the \"I'm not a robot\" box, then select Log in again.";

var state = {
  clinic: null,          // {clinic_id, name, captcha: {required, provider, site_key}}
  loginType: "Staff",
  submitting: false,
  captchaToken: null,
  tokenRequest: null,    // a pending local-token request
  tokenTimer: null,
  recaptchaWidget: null,
  recaptchaLoading: false
};

function clinicPath(suffix) {
  return "/api/clinics/" + encodeURIComponent(state.clinic.clinic_id) + (suffix || "");
}

// ------------------------------------------------------------ step 1

function showClinicStep(prefill, message) {
  state.clinic = null;
  clearToken();
  el.loading.hidden = true;
  el.loginStep.hidden = true;
  el.clinicStep.hidden = false;
  document.title = "Log in · Clinic Portal";
  if (prefill !== undefined && prefill !== null) {
    el.clinicInput.value = prefill;
  }
  say(el.clinicError, message || "");
  if (message) {
    el.clinicInput.setAttribute("aria-invalid", "true");
  } else {
    el.clinicInput.removeAttribute("aria-invalid");
  }
}

function lookUpClinic(id, loginType, fromForm) {
  var clean = String(id || "").trim();
  if (!clean) {
    showClinicStep("", "Enter your Clinic ID.");
    el.clinicInput.focus();
    return Promise.resolve();
  }
  if (!isClinicId(clean)) {
    showClinicStep(clean, NOT_FOUND);
    el.clinicInput.focus();
    return Promise.resolve();
  }
  busy(el.clinicSubmit, true, "Looking up…");
  return api("GET", "/api/clinics/" + encodeURIComponent(clean)).then(function (r) {
    busy(el.clinicSubmit, false);
    if (r.ok && r.data && r.data.clinic_id) {
      showLoginStep(r.data, loginType, fromForm);
      return;
    }
    if (r.status === 404) {
      setUrl("/");
      showClinicStep(clean, NOT_FOUND);
    } else {
      showClinicStep(clean, problemText(r));
    }
    if (fromForm) {
      el.clinicInput.focus();
    }
  });
}

el.clinicForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (el.clinicSubmit.disabled) { return; }
  lookUpClinic(el.clinicInput.value, state.loginType, true);
});

// ------------------------------------------------------------ step 2

function showLoginStep(clinic, loginType, focusUsername) {
  state.clinic = clinic;
  el.clinicName.textContent = clinic.name;
  el.loading.hidden = true;
  el.clinicStep.hidden = true;
  el.loginStep.hidden = false;
  say(el.clinicError, "");
  say(el.loginError, "");
  el.password.value = "";
  selectTab(normalLoginType(loginType), false);
  setUpCaptcha(clinic.captcha || {});
  if (focusUsername) {
    el.username.focus();
  }
}

el.changeClinic.addEventListener("click", function (event) {
  event.preventDefault();
  var current = state.clinic ? state.clinic.clinic_id : "";
  setUrl("/");
  showClinicStep(current, "");
  el.clinicInput.focus();
  el.clinicInput.select();
});

// ------------------------------------------------------------ tabs

function selectTab(loginType, moveFocus) {
  state.loginType = loginType;
  el.tabs.forEach(function (tab) {
    var selected = tab.dataset.loginType === loginType;
    tab.setAttribute("aria-selected", selected ? "true" : "false");
    tab.tabIndex = selected ? 0 : -1;
    if (selected) {
      el.panel.setAttribute("aria-labelledby", tab.id);
      if (moveFocus) { tab.focus(); }
    }
  });
  var text = TAB_TEXT[loginType];
  el.hint.textContent = text.hint;
  el.usernameHelp.textContent = text.help;
  el.username.setAttribute("inputmode", text.inputmode);
  say(el.loginError, "");
  if (state.clinic) {
    setUrl(loginUrl(state.clinic.clinic_id, loginType));
    document.title = (loginType === "Staff" ? "Staff Login" : "Patient Login") + " · " + state.clinic.name;
  }
}

el.tabs.forEach(function (tab, index) {
  tab.addEventListener("click", function () {
    if (tab.dataset.loginType !== state.loginType) {
      selectTab(tab.dataset.loginType, true);
    }
  });
  tab.addEventListener("keydown", function (event) {
    var next = null;
    var last = el.tabs.length - 1;
    switch (event.key) {
      case "ArrowRight": next = index === last ? 0 : index + 1; break;
      case "ArrowLeft": next = index === 0 ? last : index - 1; break;
      case "Home": next = 0; break;
      case "End": next = last; break;
      default: return;
    }
    event.preventDefault();
    selectTab(el.tabs[next].dataset.loginType, true);
  });
});

// ------------------------------------------------------------ CAPTCHA

function clearToken() {
  state.captchaToken = null;
  state.tokenRequest = null;
  if (state.tokenTimer) {
    window.clearTimeout(state.tokenTimer);
    state.tokenTimer = null;
  }
}

/* A token is good for one login attempt: after each attempt ask for a new tick. */
function resetCaptcha() {
  clearToken();
  el.robot.checked = false;
  el.robot.disabled = false;
  if (state.recaptchaWidget !== null && window.grecaptcha) {
    try { window.grecaptcha.reset(state.recaptchaWidget); } catch (e) { /* widget gone */ }
  }
}

function captchaRequired() {
  return Boolean(state.clinic && state.clinic.captcha && state.clinic.captcha.required);
}

function setUpCaptcha(captcha) {
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
        " before trying again.";
    case "clinic_not_found":
      return "We couldn't find this clinic any more. Select Change clinic and check the Clinic ID.";
    default:
      return problemText(r);
  }
}

function finishFailedAttempt(r) {
  state.submitting = false;
  busy(el.loginSubmit, false);
  resetCaptcha();
  say(el.loginError, loginProblem(r));
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
      remember(clinicId, loginType);
      window.location.assign("/home");
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

// ------------------------------------------------------------ start

var params = queryParams();
if (params.clinicid) {
  state.loginType = normalLoginType(params.logintype);
  lookUpClinic(params.clinicid, state.loginType, false);
} else {
  var last = remembered();
  showClinicStep(last.clinicId || "", "");
}
