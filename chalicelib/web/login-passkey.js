/* The login page: "Sign in with a passkey" under the password form, and the
 * passkeys the browser offers in the username field's autofill (conditional
 * mediation, autocomplete="username webauthn") where the browser supports it.
 * No username is asked: the passkey says who it is. The challenge is bound to
 * the clinic and the tab, so a new one is fetched whenever the tab changes. */
import { api, problemText, waitText } from "./api.js";
import { $, busy, say } from "./dom.js";
import { clinicPath, state } from "./login-page.js";
import { autofillSupported, ceremonyProblem, credentialJson, requestOptions, supported } from "./passkey-codec.js";
import { signedIn } from "./login-mfa.js";

var box = $("passkey-signin");
var button = $("passkey-submit");
var error = $("passkey-error");
var pending = null;   // the autofill request waiting, to abort when the person clicks the button

function problem(r) {
  switch (r.status === 0 ? "network" : r.error) {
    case "invalid_credentials":
      return "That passkey did not work here. Check that you are on the right tab (Staff or Patient), " +
        "or sign in with your password.";
    case "too_many_attempts":
      return "Too many unsuccessful attempts. For your security, please wait " + waitText(r.retryAfter) +
        " before trying again, or ask your clinic's administrator to unlock it.";
    case "portal_access_disabled":
      return r.message;
    default:
      return problemText(r);
  }
}

async function options() {
  return api("POST", clinicPath("/login/passkey/options"), { login_type: state.loginType.toLowerCase() });
}

async function finish(credential, clinicId, loginType) {
  var r = await api("POST", "/api/clinics/" + encodeURIComponent(clinicId) + "/login/passkey",
                    { credential: credentialJson(credential) });
  if (r.ok) {
    signedIn(r.data, clinicId, loginType);
    return true;
  }
  say(error, problem(r));
  return false;
}

function stopAutofill() {
  if (pending) { pending.abort(); pending = null; }
}

/* The browser's autofill offers the passkeys; picking one signs in. */
async function startAutofill() {
  stopAutofill();
  if (!state.clinic || !(await autofillSupported())) { return; }
  var clinicId = state.clinic.clinic_id;
  var loginType = state.loginType;
  var r = await options();
  if (!r.ok || state.loginType !== loginType || !state.clinic || state.clinic.clinic_id !== clinicId) { return; }
  var controller = new AbortController();
  pending = controller;
  var credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(r.data.publicKey),
                                                   mediation: "conditional", signal: controller.signal });
  } catch (e) {
    return;   // aborted (the button, another tab) or nothing chosen
  }
  if (pending !== controller) { return; }
  pending = null;
  if (!(await finish(credential, clinicId, loginType))) { startAutofill(); }
}

button.addEventListener("click", async function () {
  if (!state.clinic || state.submitting) { return; }
  stopAutofill();
  say(error, "");
  busy(button, true, "Waiting for your passkey…");
  var clinicId = state.clinic.clinic_id;
  var loginType = state.loginType;
  var r = await options();
  if (!r.ok) {
    busy(button, false);
    say(error, problem(r));
    return;
  }
  var credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(r.data.publicKey) });
  } catch (e) {
    busy(button, false);
    say(error, ceremonyProblem(e) || "");
    startAutofill();
    return;
  }
  var done = await finish(credential, clinicId, loginType);
  busy(button, false);
  if (!done) { startAutofill(); }
});

if (supported()) {
  box.hidden = false;
  document.addEventListener("portal:login-tab", function () {
    say(error, "");
    startAutofill();
  });
}
