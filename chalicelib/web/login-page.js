/* The login page: its elements and what it is showing, shared by the
 * login-*.js modules (login.js starts the page). */
import { $ } from "./dom.js";

export var el = {
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
  loginSubmit: $("login-submit"),
  forgotLink: $("forgot-link"),
  forgotNote: $("forgot-note")
};

export var state = {
  clinic: null,          // {clinic_id, name, captcha: {required, provider, site_key}}
  loginType: "Staff",
  submitting: false,
  captchaToken: null,
  tokenRequest: null,    // a pending local-token request
  tokenTimer: null,
  recaptchaWidget: null,
  recaptchaLoading: false,
  next: null             // where to go after logging in (login.js: a path of this portal only)
};

/* The API path of the clinic shown. */
export function clinicPath(suffix) {
  return "/api/clinics/" + encodeURIComponent(state.clinic.clinic_id) + (suffix || "");
}

