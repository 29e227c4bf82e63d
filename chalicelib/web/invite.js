/* The invitation page, /invite?token=...: the person an account was set up for
 * chooses their password. The token is read once, then removed from the address
 * bar (and so from history and bookmarks); it only ever travels in request bodies. */
import { api, isClinicId, loginUrl, normalLoginType, problemText, queryParams, remember, remembered } from "./api.js";
import { $, busy, say, setUrl, showOnly } from "./dom.js";
import { passwordRules } from "./words.js";

var el = {
  loading: $("loading"),
  headerClinic: $("header-clinic"),
  problemStep: $("problem-step"),
  problemTitle: $("problem-title"),
  problemText: $("problem-text"),
  retry: $("retry"),
  inviteStep: $("invite-step"),
  clinic: $("invite-clinic"),
  username: $("invite-username"),
  clinicId: $("invite-clinic-id"),
  usernameField: $("invite-username-field"),
  form: $("invite-form"),
  newPassword: $("new-password"),
  confirmPassword: $("confirm-password"),
  policyHelp: $("new-password-help"),
  error: $("invite-error"),
  submit: $("invite-submit"),
  doneStep: $("done-step"),
  doneText: $("done-text"),
  loginLink: $("login-link")
};

var ASK_AGAIN = "Ask your clinic to send you a new invitation.";
var params = queryParams();
var token = params.token || "";
var invitation = null;
// The link names its clinic and login tab (not secret): once the token is used up
// the server no longer knows whose it was, and the page still leads to the right login.
var linkClinic = params.clinicid && isClinicId(params.clinicid) ? params.clinicid : remembered().clinicId;
var linkType = params.clinicid && isClinicId(params.clinicid) ? normalLoginType(params.logintype)
  : remembered().loginType;

// The token must not stay in the address bar, history or a bookmark.
setUrl("/invite");

/* Where someone who already chose a password goes: the clinic's login (the tab the
 * invitation was for), or the Clinic ID step when the clinic isn't known. */
function showLoginWay() {
  var link = $("problem-login");
  if (linkClinic) {
    link.href = loginUrl(linkClinic, linkType);
    link.textContent = "Go to " + linkType + " Login at " + linkClinic;
  } else {
    link.href = "/";
    link.textContent = "Go to the login page (enter your Clinic ID)";
  }
}

function showProblem(title, text, canRetry) {
  el.retry.hidden = !canRetry;
  showLoginWay();
  el.problemTitle.textContent = title;
  el.problemText.textContent = text;
  document.title = title + " · Clinic Portal";
  showOnly([el.problemStep, el.inviteStep, el.doneStep], el.problemStep);
}

function loginType() {
  return invitation && invitation.login_type === "staff" ? "Staff" : "Patient";
}

function showInvitation(inv) {
  invitation = inv;
  el.clinic.textContent = inv.clinic_name;
  el.headerClinic.textContent = inv.clinic_name;
  el.username.textContent = inv.username;
  el.usernameField.value = inv.username;
  el.clinicId.textContent = inv.clinic_id;
  if (inv.first_name) {
    $("invite-lead").textContent = "Hello " + inv.first_name + ". Choose a password for your portal " +
      "account. You will use it with the username below every time you log in.";
  }
  el.policyHelp.textContent = passwordRules(inv.password_policy);
  document.title = "Choose your password · " + inv.clinic_name;
  showOnly([el.problemStep, el.inviteStep, el.doneStep], el.inviteStep);
  el.newPassword.focus();
}

function showDone() {
  var type = loginType();
  remember(invitation.clinic_id, type);
  el.doneText.textContent = "You can now log in to " + invitation.clinic_name + " on the " + type +
    " Login tab with your username, " + invitation.username + ", and the password you just chose.";
  el.loginLink.href = loginUrl(invitation.clinic_id, type);
  el.loginLink.textContent = "Go to " + type + " Login";
  document.title = "Your password is set · " + invitation.clinic_name;
  showOnly([el.problemStep, el.inviteStep, el.doneStep], el.doneStep);
  el.loginLink.focus();
}

function problem(text, field) {
  say(el.error, text);
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

el.form.addEventListener("submit", function (event) {
  event.preventDefault();
  if (el.submit.disabled || !invitation) { return; }
  el.newPassword.removeAttribute("aria-invalid");
  el.confirmPassword.removeAttribute("aria-invalid");
  var password = el.newPassword.value;
  if (!password) {
    return problem("Enter a new password.", el.newPassword);
  }
  if (password !== el.confirmPassword.value) {
    el.confirmPassword.value = "";
    return problem("The two passwords don't match. Please type the new password again.", el.confirmPassword);
  }
  say(el.error, "");
  busy(el.submit, true, "Saving…");
  api("POST", "/api/invitations/accept", { token: token, password: password }).then(function (r) {
    busy(el.submit, false);
    if (r.ok) {
      el.form.reset();
      token = "";
      showDone();
      return;
    }
    if (r.error === "password_policy") {
      // The server's own words: they say exactly what to change. The link still works.
      el.confirmPassword.value = "";
      problem(r.message || "Please choose a stronger password.", el.newPassword);
    } else if (r.error === "token_invalid") {
      token = "";
      showProblem("This link no longer works", r.message || ASK_AGAIN, false);
    } else {
      problem(problemText(r), null);
    }
  });
});

function lookUp() {
  busy(el.retry, true, "Checking…");
  return api("POST", "/api/invitations/lookup", { token: token }).then(function (r) {
    busy(el.retry, false);
    if (r.ok && r.data && r.data.invitation) {
      showInvitation(r.data.invitation);
    } else if (r.error === "token_invalid" || r.status === 400) {
      token = "";
      showProblem("This link no longer works", r.message || ASK_AGAIN, false);
    } else {
      // Keep the token in memory: Try again works without the address.
      showProblem("We couldn't check your link", problemText(r), true);
    }
  });
}

el.retry.addEventListener("click", function () {
  if (!el.retry.disabled && token) { lookUp(); }
});

if (!token) {
  showProblem("This link is incomplete",
    "The address is missing part of the link. Open the link from your invitation email again; " +
    "if it still doesn't work, " + ASK_AGAIN.charAt(0).toLowerCase() + ASK_AGAIN.slice(1), false);
} else {
  lookUp();
}
