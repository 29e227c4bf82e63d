/* The login page: the Clinic ID step, then Staff Login / Patient Login tabs,
 * the CAPTCHA when the clinic asks for one, and the login itself.
 *
 * The parts, each its own module: login-page.js (elements, state),
 * login-steps.js (Clinic ID step, login step, tabs), login-captcha.js (the
 * CAPTCHA), login-form.js (logging in). */
import { normalLoginType, queryParams, remembered } from "./api.js";
import { state } from "./login-page.js";
import { lookUpClinic, showClinicStep } from "./login-steps.js";
import "./login-form.js";

// ------------------------------------------------------------ start

var params = queryParams();
if (params.clinicid) {
  state.loginType = normalLoginType(params.logintype);
  lookUpClinic(params.clinicid, state.loginType, false);
} else {
  var last = remembered();
  showClinicStep(last.clinicId || "", "");
}
