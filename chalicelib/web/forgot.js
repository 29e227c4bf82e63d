/* Forgot password (/forgot?clinicID=...&LoginType=Staff|Patient), reached from
 * "Forgot password?" on either login tab; staff can also ask for their username.
 * The server answers the same whoever asks, and so does this page: it shows the
 * server's words ("If that username has an account..."), never whether it exists. */
import { api, clinicName, isClinicId, loginUrl, normalLoginType, problemText, queryParams, remembered }
  from "./api.js";
import { $, busy, say, showOnly } from "./dom.js";

var params = queryParams();
var clinicId = params.clinicid && isClinicId(params.clinicid) ? params.clinicid : remembered().clinicId;
var loginType = normalLoginType(params.clinicid ? params.logintype : remembered().loginType);

var TEXT = {
  Staff: {
    lead: "Enter your Staff Portal username. If your account has an email address, we'll email you a link " +
      "to choose a new password. The link works for 30 minutes.",
    label: "Staff username",
    help: "For example: DoeJ"
  },
  Patient: {
    lead: "Enter the username of your patient portal account (usually your email address). We'll email you " +
      "a link to choose a new password. The link works for 30 minutes.",
    label: "Username",
    help: "Usually your email address"
  }
};

function path(suffix) {
  return "/api/clinics/" + encodeURIComponent(clinicId) + suffix;
}

/* One of the two forms: check the field, POST, show the server's answer in words. */
function wire(form, input, submit, error, sent, emptyText, send) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submit.disabled) { return; }
    var value = input.value.trim();
    say(sent, "");
    if (!value) {
      say(error, emptyText);
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    say(error, "");
    busy(submit, true, "Sending…");
    send(value).then(function (r) {
      busy(submit, false);
      if (r.status === 202) {
        say(sent, (r.data && r.data.message) || "If we found an account, an email is on its way.");
        sent.focus();
      } else if (r.status === 400) {
        say(error, r.message || problemText(r));
        input.setAttribute("aria-invalid", "true");
        input.focus();
      } else {
        say(error, r.status === 404 ? "We couldn't find this clinic. Go back to the login page and check the " +
          "Clinic ID." : problemText(r));
      }
    });
  });
}

wire($("password-form"), $("forgot-username"), $("password-submit"), $("password-error"), $("password-sent"),
  loginType === "Staff" ? "Enter your username." : "Enter your username (usually your email address).",
  function (username) {
    return api("POST", path("/password/forgot"), { login_type: loginType.toLowerCase(), username: username });
  });
wire($("username-form"), $("forgot-email"), $("username-submit"), $("username-error"), $("username-sent"),
  "Enter your email address.",
  function (email) { return api("POST", path("/username/forgot"), { email: email }); });

if (!clinicId) {
  showOnly([$("no-clinic"), $("password-card"), $("username-card")], $("no-clinic"));
} else {
  var text = TEXT[loginType];
  $("password-lead").textContent = text.lead;
  $("forgot-username-label").textContent = text.label;
  $("forgot-username-help").textContent = text.help;
  $("forgot-username").setAttribute("inputmode", loginType === "Staff" ? "text" : "email");
  $("back-to-login").href = loginUrl(clinicId, loginType);
  $("back-to-login").textContent = "Back to " + loginType + " Login";
  $("clinic-eyebrow").textContent = loginType + " Login at " + clinicId;
  showOnly([$("no-clinic"), $("password-card"), $("username-card")], $("password-card"));
  $("username-card").hidden = loginType !== "Staff";
  document.title = "Forgot password · Clinic Portal";
  clinicName(clinicId).then(function (clinic) {
    if (!clinic) { return; }
    $("header-clinic").textContent = clinic.name;
    $("clinic-eyebrow").textContent = loginType + " Login at " + clinic.name;
  });
  $("forgot-username").focus();
}
