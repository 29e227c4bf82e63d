/* The login page: the Clinic ID step, then Staff Login / Patient Login tabs,
 * the CAPTCHA when the clinic asks for one, and the login itself.
 *
 * The parts, each its own module: login-page.js (elements, state),
 * login-steps.js (Clinic ID step, login step, tabs), login-captcha.js (the
 * CAPTCHA), login-form.js (logging in), login-passkey.js (signing in with a passkey). */
import { normalLoginType, queryParams, remembered } from "./api.js";
import { state } from "./login-page.js";
import { lookUpClinic, showClinicStep } from "./login-steps.js";
import { safeReturnPath, signedOutMessage } from "./session-watch.js";
import { say, setUrl } from "./dom.js";
import "./login-form.js";
import "./login-passkey.js";

// ------------------------------------------------------------ start

var params = queryParams();
// Where to go after logging in: the page a session ended on (a path of this portal only).
state.next = safeReturnPath(params.next);
// Why the last session ended, said once (session-watch.js left it for this tab).
say(document.getElementById("login-notice"), signedOutMessage() || "");
if (params.clinicid) {
  state.loginType = normalLoginType(params.logintype);
  lookUpClinic(params.clinicid, state.loginType, false);
} else {
  if (params.next) { setUrl("/"); }  // kept in state.next; the address stays the plain login page
  var last = remembered();
  showClinicStep(last.clinicId || "", "");
}
