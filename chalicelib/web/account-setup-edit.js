/* The account setup page: the form as a new account or as an existing one
 * (showing, loading), and changes based on the revision shown, with the
 * conflict when someone else changed the account meanwhile. */
import { api, CONFLICT, problemText } from "./api.js";
import { sectionIds } from "./config.js";
import { clear, say } from "./dom.js";
import { clinicPath, leaving } from "./session.js";
import { INVITATION, statusBadge, when } from "./words.js";
import { accountPath, clearMessages, el, formProblem, showUrl, state } from "./account-setup-page.js";
import { setPermissions, syncForceChange } from "./account-setup-access.js";
import { choosePatient, patientName, showChosenPatient } from "./account-setup-patient.js";
import { loadFormRequests, showFormsSection } from "./account-setup-requests.js";

// ------------------------------------------------------------ new / edit

export function newForm(keepUrl) {
  state.account = null;
  state.patient = null;
  state.filled = null;
  el.form.reset();
  el.username.readOnly = false;
  el.username.value = "";
  el.firstName.value = "";
  el.lastName.value = "";
  el.accessSelf.checked = true;
  el.force.checked = true;
  setPermissions(sectionIds());
  clear(el.credentials);
  clearMessages();
  el.title.textContent = "Set up a patient portal account";
  el.lead.hidden = false;
  clear(el.badge);
  el.facts.hidden = true;
  el.patientBlock.hidden = false;
  el.loadBlock.hidden = false;
  el.usernameHelp.textContent = "The email address the person logs in with. It can't be changed later.";
  el.reset.hidden = true;
  el.resend.hidden = true;
  el.del.hidden = true;
  el.formsSection.hidden = true;
  el.patientQuery.value = "";
  clear(el.patientResults);
  say(el.patientResultsStatus, "");
  say(el.patientError, "");
  el.patientMore.hidden = true;
  showChosenPatient();
  syncForceChange();
  document.title = "Set up a patient portal account · Clinic Portal";
  if (!keepUrl) { showUrl(""); }
}

el.newButton.addEventListener("click", function () {
  newForm();
  el.patientQuery.focus();
});

function invitationText(account) {
  if (account.access_type !== "authorized_rep" && !account.invitation_status) {
    return "None (sign-in details given by the clinic)";
  }
  var text = INVITATION[account.invitation_status] || "None";
  if (account.status === "invited" && account.invitation_expires_at) {
    text += "; the link works until " + when(account.invitation_expires_at);
  }
  return text;
}

/* Show an existing account in the form. */
export function showAccount(account) {
  state.account = account;
  state.patient = account.patient;
  el.username.value = account.username;
  el.username.readOnly = true;
  el.usernameHelp.textContent = "The email address the person logs in with. It can't be changed.";
  el.firstName.value = account.first_name;
  el.lastName.value = account.last_name;
  el.accessSelf.checked = account.access_type === "self";
  el.accessRep.checked = account.access_type === "authorized_rep";
  el.force.checked = Boolean(account.force_password_change);
  setPermissions(account.permissions || []);
  syncForceChange();

  var name = (account.first_name + " " + account.last_name).trim();
  el.title.textContent = "Portal account: " + name;
  el.lead.hidden = true;
  clear(el.badge);
  el.badge.appendChild(statusBadge(account));
  el.facts.hidden = false;
  el.factPatient.textContent = patientName(account.patient) + " (patient ID " + account.patient.patient_id + ")";
  el.factInvitation.textContent = invitationText(account);
  el.factLastLogin.textContent = when(account.last_login_at);
  el.patientBlock.hidden = true;
  el.loadBlock.hidden = true;
  el.reset.hidden = account.status === "invited";
  el.resend.hidden = account.status !== "invited";
  el.del.hidden = false;
  showFormsSection(account);
  document.title = name + " · Patient portal account · Clinic Portal";
  showUrl("?account_id=" + encodeURIComponent(account.account_id));
  if (account.status === "invited" && account.invitation_status === "failed") {
    say(el.invitationFailed, "The invitation email to " + account.username + " could not be sent. " +
      "The account is saved. Select Resend invitation to try again.");
  } else if (account.status === "invited" && account.invitation_status === "cancelled") {
    say(el.invitationFailed, "The invitation link sent to " + account.username + " no longer works: the " +
      "account was changed or disabled after it was sent. Select Resend invitation to send a new one.");
  } else {
    say(el.invitationFailed, "");
  }
}

export function loadAccount(accountId) {
  return api("GET", clinicPath("/portal-accounts/" + encodeURIComponent(accountId))).then(function (r) {
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data.account) {
      showAccount(r.data.account);
      loadFormRequests();
      return;
    }
    newForm();
    formProblem(r.status === 404
      ? "That portal account no longer exists; it may have been deleted. You can set up a new one here."
      : problemText(r), null);
  });
}

export function startWithPatient(patientId) {
  newForm();
  return api("GET", clinicPath("/patients/" + encodeURIComponent(patientId))).then(function (r) {
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data.patient) {
      choosePatient(r.data.patient);
      showUrl("?patient_id=" + encodeURIComponent(patientId));
    } else {
      say(el.patientError, r.status === 404
        ? "No patient with ID " + patientId + " was found at this clinic. Search for the patient instead."
        : problemText(r));
    }
  });
}

/* A change to the account shown, based on the revision shown (If-Match). */
export function change(method, suffix, body) {
  return api(method, accountPath(suffix), body, { revision: state.account.revision });
}

/* Someone else changed the account since it was shown: show it as it is now, and say so. */
export function conflict() {
  var id = state.account.account_id;
  return loadAccount(id).then(function () {
    if (state.account && state.account.account_id === id) {
      formProblem(CONFLICT, null);
      el.formError.setAttribute("tabindex", "-1");
      el.formError.focus();
    }
  });
}

/* A change that failed: a conflict, or the server's words. */
export function changeFailed(r) {
  if (r.conflict) { return conflict(); }
  formProblem(problemText(r), null);
  return Promise.resolve();
}
