/* Two-factor authentication (/two-factor), reached from home and from Change
 * password; staff and patients alike. Set-up shows a QR code the portal made
 * (an SVG shown as an image: nothing is parsed into the page) and the key as
 * text; a right code turns it on and the recovery codes are shown once. A person
 * whose clinic requires 2FA is sent here right after logging in. */
import { api, problemText, remember, waitText } from "./api.js";
import { $, busy, clear, h, say, showOnly } from "./dom.js";
import { leaving, showClinicName, whoAmI } from "./session.js";

var STEPS = ["status-step", "setup-step", "regen-step", "off-step", "codes-step"].map($);
var me = null;
var status = null;

function show(id, focus) {
  $("loading").hidden = true;
  showOnly(STEPS, $(id));
  if (focus) { $(focus).focus(); }
}

function codeProblem(r) {
  if (r.error === "mfa_code_invalid") {
    return r.message || "That code is not correct. Check your authenticator app and try again.";
  }
  if (r.error === "too_many_attempts") {
    return "Too many unsuccessful attempts. Please wait " + waitText(r.retryAfter) + " before trying again.";
  }
  return problemText(r);
}

async function load(message) {
  var r = await api("GET", "/api/me/mfa");
  if (leaving(r)) { return; }
  if (!r.ok) {
    $("loading").hidden = true;
    say($("page-error"), problemText(r) + " (Reload the page to try again.)");
    return;
  }
  status = r.data;
  var forced = me.mfa_enrolment_required && !status.enabled;
  say($("required-note"), status.required
    ? "Your clinic requires two-factor authentication for your account." +
      (forced ? " Set it up to continue." : "")
    : "");
  $("status-text").textContent = status.enabled
    ? "Two-factor authentication is on. You log in with your password and a code from your authenticator app. " +
      "Recovery codes left: " + status.recovery_codes_left + "."
    : "Two-factor authentication is off. Turn it on so that your password alone is not enough to log in.";
  say($("status-done"), message || "");
  $("setup-start").hidden = status.enabled;
  $("regen-start").hidden = !status.enabled;
  $("off-start").hidden = !status.enabled || status.required;
  $("status-home").hidden = forced;
  $("setup-cancel").hidden = forced;
  $("setup-required").hidden = !forced;
  document.title = "Two-factor authentication · Clinic Portal";
  if (forced && !message) {
    startSetup();
    return;
  }
  show("status-step", message ? null : (status.enabled ? "regen-start" : "setup-start"));
}

async function startSetup() {
  var button = $("setup-start");
  busy(button, true, "Starting…");
  var r = await api("POST", "/api/me/mfa/setup");
  busy(button, false);
  if (leaving(r)) { return; }
  if (!r.ok) {
    show("status-step");
    say($("status-done"), problemText(r));
    return;
  }
  $("setup-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(r.data.qr_svg);
  $("setup-secret").value = r.data.secret.replace(/(.{4})/g, "$1 ").trim();
  $("setup-code").value = "";
  say($("setup-error"), "");
  show("setup-step", "setup-code");
}

function showCodes(codes, lead) {
  var list = $("codes-list");
  clear(list);
  codes.forEach(function (code) { list.appendChild(h("li", { text: code })); });
  var text = "Recovery codes for your " + (me.principal.kind === "patient" ? "patient portal" : "Staff Portal") +
    " account " + me.principal.username + "\nEach works once.\n\n" + codes.join("\n") + "\n";
  $("codes-download").href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  $("codes-copy").onclick = function () {
    navigator.clipboard.writeText(text).then(function () {
      say($("codes-copied"), "Copied.");
    }, function () {
      say($("codes-copied"), "Copying did not work here. Download them or write them down instead.");
    });
  };
  say($("codes-lead"), lead);
  say($("codes-copied"), "");
  $("codes-done").onclick = function (event) {
    event.preventDefault();
    load(lead);
  };
  document.title = "Recovery codes · Clinic Portal";
  show("codes-step", "codes-title");
}

function codeForm(form, input, error, submit, path, done) {
  $(form).addEventListener("submit", async function (event) {
    event.preventDefault();
    var code = $(input).value.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(code)) {
      say($(error), "Enter the 6 digits your authenticator app shows.");
      $(input).focus();
      return;
    }
    busy($(submit), true, "Checking…");
    say($(error), "");
    var r = await api("POST", path, { code: code });
    busy($(submit), false);
    if (leaving(r)) { return; }
    if (!r.ok) {
      say($(error), codeProblem(r));
      $(input).select();
      $(input).focus();
      return;
    }
    done(r.data);
  });
}

codeForm("setup-form", "setup-code", "setup-error", "setup-submit", "/api/me/mfa/confirm", function (data) {
  me.mfa_enrolment_required = false;
  showCodes(data.recovery_codes, "Two-factor authentication is on. We emailed you about it.");
});
codeForm("regen-form", "regen-code", "regen-error", "regen-submit", "/api/me/mfa/recovery-codes", function (data) {
  showCodes(data.recovery_codes, "New recovery codes are ready; the old ones no longer work.");
});

$("off-form").addEventListener("submit", async function (event) {
  event.preventDefault();
  var password = $("off-password").value;
  var code = $("off-code").value.replace(/\s+/g, "");
  if (!password === !code) {
    say($("off-error"), "Enter your password, or a code from your authenticator app (one of them).");
    $("off-password").focus();
    return;
  }
  busy($("off-submit"), true, "Turning off…");
  var r = await api("POST", "/api/me/mfa/disable", password ? { password: password } : { code: code });
  busy($("off-submit"), false);
  if (leaving(r)) { return; }
  if (!r.ok) {
    say($("off-error"), r.error === "mfa_code_invalid" ? "That password or code is not correct." : codeProblem(r));
    return;
  }
  load("Two-factor authentication is off. We emailed you about it.");
});

$("setup-start").addEventListener("click", startSetup);
$("regen-start").addEventListener("click", function () {
  $("regen-code").value = "";
  say($("regen-error"), "");
  show("regen-step", "regen-code");
});
$("off-start").addEventListener("click", function () {
  $("off-password").value = "";
  $("off-code").value = "";
  say($("off-error"), "");
  show("off-step", "off-password");
});
["setup-cancel", "regen-cancel", "off-cancel"].forEach(function (id) {
  $(id).addEventListener("click", function () { show("status-step", "status-title"); });
});

whoAmI(function () { return me && me.principal.kind === "patient" ? "Patient" : "Staff"; }).then(function (data) {
  if (!data) { return; }
  me = data;
  if (me.password_change_required) {
    window.location.replace("/home");
    return;
  }
  remember(me.principal.clinic_id, me.principal.kind === "patient" ? "Patient" : "Staff");
  showClinicName(me.principal.clinic_id);
  $("off-username").value = me.principal.username;
  load();
});
