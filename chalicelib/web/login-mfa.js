/* The login's second step (two-factor authentication on): the password step
 * answered {mfa_required, mfa_token}; the code (or a recovery code) finishes the
 * sign-in. Where a signed-in person goes next: the 2FA set-up when the clinic
 * requires it and they have not set it up, else where they were going. */
import { api, problemText, remember, waitText } from "./api.js";
import { $, busy, say } from "./dom.js";
import { clinicPath, el, state } from "./login-page.js";

var mfa = { token: null, recovery: false, clinicId: null, loginType: null, submitting: false };

export function signedIn(data, clinicId, loginType) {
  if (data && data.mfa_required) {
    askForCode(data.mfa_token, clinicId, loginType);
    return;
  }
  remember(clinicId, loginType);
  window.location.assign(data && data.mfa_enrolment_required ? "/two-factor" : (state.next || "/home"));
}

function askForCode(token, clinicId, loginType) {
  Object.assign(mfa, { token: token, clinicId: clinicId, loginType: loginType, submitting: false });
  useRecovery(false);
  el.loginStep.hidden = true;
  $("mfa-restart").href = "/?clinicID=" + encodeURIComponent(clinicId) + "&LoginType=" + loginType;
  $("mfa-step").hidden = false;
  document.title = "Enter your code · Clinic Portal";
  $("mfa-code").focus();
}

function useRecovery(on) {
  mfa.recovery = on;
  $("mfa-label").textContent = on ? "Recovery code" : "6-digit code";
  $("mfa-code").inputMode = on ? "text" : "numeric";
  $("mfa-code").autocomplete = on ? "off" : "one-time-code";
  $("mfa-lead").textContent = on
    ? "Enter one of the recovery codes you saved when you set up two-factor authentication. Each works once."
    : "Open your authenticator app and enter the 6-digit code it shows for this portal.";
  $("mfa-switch").textContent = on ? "Use a code from the app instead" : "Use a recovery code instead";
  $("mfa-code").value = "";
  say($("mfa-error"), "");
}

function problem(r) {
  switch (r.status === 0 ? "network" : r.error) {
    case "mfa_code_invalid":
      return mfa.recovery ? "That recovery code is not correct, or it was used already." : r.message;
    case "mfa_token_invalid":
      return r.message;
    case "too_many_attempts":
      return "Too many unsuccessful attempts. For your security, please wait " + waitText(r.retryAfter) +
        " before trying again, or ask your clinic's administrator to unlock it.";
    default:
      return problemText(r);
  }
}

$("mfa-switch").addEventListener("click", function () {
  useRecovery(!mfa.recovery);
  $("mfa-code").focus();
});

$("mfa-form").addEventListener("submit", async function (event) {
  event.preventDefault();
  if (mfa.submitting) { return; }
  var value = $("mfa-code").value.trim();
  if (!mfa.recovery && !/^\d{6}$/.test(value.replace(/\s+/g, ""))) {
    say($("mfa-error"), "Enter the 6 digits your authenticator app shows.");
    $("mfa-code").focus();
    return;
  }
  if (mfa.recovery && !value) {
    say($("mfa-error"), "Enter one of your recovery codes.");
    $("mfa-code").focus();
    return;
  }
  mfa.submitting = true;
  busy($("mfa-submit"), true, "Logging in…");
  say($("mfa-error"), "");
  var body = { mfa_token: mfa.token };
  body[mfa.recovery ? "recovery_code" : "code"] = mfa.recovery ? value : value.replace(/\s+/g, "");
  var r = await api("POST", clinicPath("/login/mfa"), body);
  if (r.ok) {
    signedIn(r.data, mfa.clinicId, mfa.loginType);
    return;
  }
  mfa.submitting = false;
  busy($("mfa-submit"), false);
  say($("mfa-error"), problem(r));
  $("mfa-code").select();
  $("mfa-code").focus();
});
