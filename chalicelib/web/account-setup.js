/* The Patient Portal Account setup page: find the patient, load their details,
 * create (Self: sign-in details shown once; Authorized representative: an
 * invitation email) or change an account, reset its password, resend its
 * invitation, delete it, and request forms from it.
 *
 *   /portal-accounts/setup                 a new account
 *   /portal-accounts/setup?patient_id=X    a new account for patient X
 *   /portal-accounts/setup?account_id=Y    account Y
 */
import { api, CONFLICT, problemText, queryParams } from "./api.js";
import { config, sectionIds } from "./config.js";
import { showCredentials } from "./credentials.js";
import { $, busy, checkboxes, checkedValues, clear, confirmStep, h, invalid, say, sayProblem, setUrl } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";
import { INVITATION, day, fullName, statusBadge, when } from "./words.js";
var PAGE = "/portal-accounts/setup";

var el = {
  title: $("page-title"),
  lead: $("page-lead"),
  badge: $("account-badge"),
  facts: $("account-facts"),
  factPatient: $("fact-patient"),
  factInvitation: $("fact-invitation"),
  factLastLogin: $("fact-last-login"),
  status: $("form-status"),
  invitationFailed: $("invitation-failed"),
  credentials: $("credentials-area"),
  patientBlock: $("patient-block"),
  patientChosen: $("patient-chosen"),
  patientChosenText: $("patient-chosen-text"),
  patientChange: $("patient-change"),
  patientForm: $("patient-form"),
  patientQuery: $("patient-query"),
  patientSearch: $("patient-search"),
  patientError: $("patient-error"),
  patientResultsStatus: $("patient-results-status"),
  patientResults: $("patient-results"),
  patientMore: $("patient-more"),
  form: $("account-form"),
  loadBlock: $("load-block"),
  loadPatient: $("load-patient"),
  username: $("username"),
  usernameHelp: $("username-help"),
  firstName: $("first-name"),
  lastName: $("last-name"),
  accessSelf: $("access-self"),
  accessRep: $("access-rep"),
  force: $("force-change"),
  forceHelp: $("force-change-help"),
  permissionChoices: $("permission-choices"),
  permissionsAll: $("permissions-all"),
  permissionsNone: $("permissions-none"),
  formError: $("form-error"),
  save: $("save"),
  newButton: $("new"),
  reset: $("reset-password"),
  resend: $("resend"),
  del: $("delete"),
  confirmArea: $("confirm-area"),
  formsSection: $("forms-section"),
  formsLoadError: $("forms-load-error"),
  formsEmpty: $("forms-empty"),
  formsList: $("forms-list"),
  formRequestForm: $("form-request-form"),
  formName: $("form-name"),
  formNote: $("form-note"),
  formDue: $("form-due"),
  formRequestError: $("form-request-error"),
  formRequestStatus: $("form-request-status"),
  formRequestSubmit: $("form-request-submit")
};

var state = {
  account: null,     // the account being edited (null: a new one)
  patient: null,     // {patient_id, first_name, last_name, email?, date_of_birth?}
  search: { q: "", cursor: null },
  busy: false
};

// ------------------------------------------------------------ permission checkboxes

var permissionBoxes = checkboxes(el.permissionChoices, "permission", config.sections, [], "permissions");

function setPermissions(ids) {
  permissionBoxes.forEach(function (box) { box.checked = ids.indexOf(box.value) >= 0; });
}

function chosenPermissions() {
  return checkedValues(permissionBoxes);
}

el.permissionsAll.addEventListener("click", function () {
  setPermissions(sectionIds());
});
el.permissionsNone.addEventListener("click", function () { setPermissions([]); });

// ------------------------------------------------------------ access type

function accessType() {
  return el.accessRep.checked ? "authorized_rep" : "self";
}

/* The forced change only means something for an account with a password: not
 * for a representative being invited, nor for an account still invited. */
function syncForceChange() {
  var invitingRep = !state.account && accessType() === "authorized_rep";
  var invited = Boolean(state.account) && state.account.status === "invited";
  el.force.disabled = invitingRep || invited;
  if (invitingRep) {
    el.force.checked = false;
  }
  if (invitingRep || invited) {
    el.forceHelp.textContent = "Not needed: the person chooses their own password from the invitation email.";
  } else {
    el.forceHelp.textContent = "Recommended: the person replaces the temporary password with one only they know.";
  }
}

function onAccessChange() {
  if (!state.account) {
    // A new account starts from its type's default: Self opens every section,
    // a representative none until staff choose.
    if (accessType() === "self") {
      setPermissions(sectionIds());
      el.force.checked = true;
    } else {
      setPermissions([]);
    }
  }
  syncForceChange();
}

el.accessSelf.addEventListener("change", onAccessChange);
el.accessRep.addEventListener("change", onAccessChange);

// ------------------------------------------------------------ messages

function clearMessages() {
  say(el.status, "");
  say(el.formError, "");
  say(el.invitationFailed, "");
  clear(el.confirmArea);
  [el.username, el.firstName, el.lastName, el.patientQuery].forEach(function (c) { invalid(c, false); });
}

function formProblem(text, control) {
  sayProblem(el.formError, text, control);
}

function showUrl(query) {
  setUrl(PAGE + (query || ""));
}

// ------------------------------------------------------------ patient picker

function patientName(p) {
  var first = p.first_name || "";
  var last = p.last_name || "";
  return (first + " " + last).trim() || p.patient_id;
}

function showChosenPatient() {
  var p = state.patient;
  el.patientChosen.hidden = !p;
  el.patientForm.hidden = Boolean(p);
  el.patientChange.hidden = Boolean(state.account);
  el.loadPatient.disabled = !p;
  if (p) {
    el.patientChosenText.textContent = patientName(p) + " (patient ID " + p.patient_id + ")";
  }
}

function choosePatient(p) {
  state.patient = p;
  clear(el.patientResults);
  say(el.patientResultsStatus, "");
  el.patientMore.hidden = true;
  showChosenPatient();
  el.loadPatient.focus();
}

el.patientChange.addEventListener("click", function () {
  state.patient = null;
  showChosenPatient();
  el.patientQuery.focus();
});

function resultItem(p) {
  var meta = ["ID " + p.patient_id];
  if (p.date_of_birth) { meta.push("born " + day(p.date_of_birth)); }
  if (p.email) { meta.push(p.email); }
  var button = h("button", { type: "button" }, [
    h("strong", { text: (p.last_name || "") + ", " + (p.first_name || "") }),
    h("span", { className: "meta", text: meta.join(" · ") })
  ]);
  button.addEventListener("click", function () { choosePatient(p); });
  return h("li", {}, [button]);
}

function searchPatients(more) {
  var q = more ? state.search.q : el.patientQuery.value.trim();
  var params = new URLSearchParams();
  if (q) { params.set("q", q); }
  if (more && state.search.cursor) { params.set("cursor", state.search.cursor); }
  var button = more ? el.patientMore : el.patientSearch;
  busy(button, true, more ? "Loading…" : "Searching…");
  say(el.patientError, "");
  var query = params.toString();
  return api("GET", clinicPath("/patients" + (query ? "?" + query : ""))).then(function (r) {
    busy(button, false);
    if (leaving(r)) { return; }
    if (!r.ok || !r.data) {
      say(el.patientError, problemText(r));
      return;
    }
    if (!more) {
      clear(el.patientResults);
      state.search.q = q;
    }
    r.data.items.forEach(function (p) { el.patientResults.appendChild(resultItem(p)); });
    state.search.cursor = r.data.next_cursor;
    el.patientMore.hidden = !r.data.next_cursor;
    var count = el.patientResults.children.length;
    say(el.patientResultsStatus, count === 0
      ? "No patients match \u201c" + q + "\u201d. Check the spelling, or search by patient ID."
      : count === 1 ? "1 patient found. Select the patient to continue."
      : count + " patients found. Select the patient to continue.");
  });
}

el.patientForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (!el.patientSearch.disabled) { searchPatients(false); }
});
el.patientMore.addEventListener("click", function () { searchPatients(true); });

// The wand: fill names and username from the patient's record.
el.loadPatient.addEventListener("click", function () {
  if (!state.patient || el.loadPatient.disabled) { return; }
  var id = state.patient.patient_id;
  busy(el.loadPatient, true);
  say(el.formError, "");
  api("GET", clinicPath("/patients/" + encodeURIComponent(id))).then(function (r) {
    busy(el.loadPatient, false);
    if (leaving(r)) { return; }
    if (!r.ok || !r.data || !r.data.patient) {
      formProblem(problemText(r), null);
      return;
    }
    var p = r.data.patient;
    state.patient = p;
    showChosenPatient();
    el.firstName.value = p.first_name || "";
    el.lastName.value = p.last_name || "";
    invalid(el.firstName, false);
    invalid(el.lastName, false);
    if (!el.username.readOnly) {
      el.username.value = p.email || "";
      invalid(el.username, false);
    }
    if (p.email || el.username.readOnly) {
      say(el.status, "Filled in from " + patientName(p) + "'s record.");
    } else {
      say(el.status, "Filled in from " + patientName(p) + "'s record. There is no email address on file: type the username (email) yourself.");
      el.username.focus();
    }
  });
});

// ------------------------------------------------------------ new / edit

function newForm(keepUrl) {
  state.account = null;
  state.patient = null;
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
function showAccount(account) {
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
  el.formsSection.hidden = false;
  document.title = name + " · Patient portal account · Clinic Portal";
  showUrl("?account_id=" + encodeURIComponent(account.account_id));
  if (account.status === "invited" && account.invitation_status === "failed") {
    say(el.invitationFailed, "The invitation email to " + account.username + " could not be sent. " +
      "The account is saved. Select Resend invitation to try again.");
  } else {
    say(el.invitationFailed, "");
  }
}

function loadAccount(accountId) {
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

function startWithPatient(patientId) {
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

// ------------------------------------------------------------ save

function invitationSentText(account, again) {
  var text = (again ? "A new invitation email was sent to " : "An invitation email was sent to ") +
    account.username + ". It has a link to choose a password";
  if (account.invitation_expires_at) {
    text += ", which works until " + when(account.invitation_expires_at);
  }
  text += ".";
  if (again) { text += " The earlier link no longer works."; }
  return text;
}

function saveProblem(r) {
  var message = problemText(r);
  var control = null;
  if (r.error === "username_taken" || r.error === "invalid_email" || /username/.test(r.message || "")) {
    control = el.username;
  } else if (/first_name/.test(r.message || "")) {
    control = el.firstName;
    message = message.replace("first_name", "First name");
  } else if (/last_name/.test(r.message || "")) {
    control = el.lastName;
    message = message.replace("last_name", "Last name");
  } else if (r.error === "patient_not_found") {
    state.patient = null;
    showChosenPatient();
    control = el.patientQuery;
  }
  if (r.error === "invalid_email") {
    message = "Enter the username as an email address, for example name@example.com.";
  }
  formProblem(message, control);
}

function create() {
  var type = accessType();
  var body = {
    patient_id: state.patient.patient_id,
    username: el.username.value.trim(),
    first_name: el.firstName.value.trim(),
    last_name: el.lastName.value.trim(),
    access_type: type,
    permissions: chosenPermissions()
  };
  if (type === "self") {
    body.force_password_change = el.force.checked;
  }
  return api("POST", clinicPath("/portal-accounts"), body).then(function (r) {
    if (leaving(r)) { return; }
    if (!(r.ok && r.data && r.data.account)) {
      saveProblem(r);
      return;
    }
    var account = r.data.account;
    showAccount(account);
    loadFormRequests();
    if (r.data.credentials) {
      say(el.status, "The account for " + account.username + " is set up.");
      showCredentials(el.credentials, r.data.credentials, {
        title: "Sign-in details for " + account.first_name + " " + account.last_name
      });
    } else if (account.invitation_status === "failed") {
      say(el.status, "The account for " + account.username + " is saved.");
      el.resend.focus();
    } else {
      say(el.status, "The account is saved. " + invitationSentText(account, false));
      el.status.focus();
    }
  });
}

function accountPath(suffix) {
  return clinicPath("/portal-accounts/" + encodeURIComponent(state.account.account_id) + (suffix || ""));
}

/* A change to the account shown, based on the revision shown (If-Match). */
function change(method, suffix, body) {
  return api(method, accountPath(suffix), body, { revision: state.account.revision });
}

/* Someone else changed the account since it was shown: show it as it is now, and say so. */
function conflict() {
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
function changeFailed(r) {
  if (r.conflict) { return conflict(); }
  formProblem(problemText(r), null);
  return Promise.resolve();
}

function sameList(a, b) {
  return a.slice().sort().join(",") === b.slice().sort().join(",");
}

function update() {
  var a = state.account;
  var changes = {};
  var first = el.firstName.value.trim();
  var last = el.lastName.value.trim();
  if (first !== a.first_name) { changes.first_name = first; }
  if (last !== a.last_name) { changes.last_name = last; }
  if (accessType() !== a.access_type) { changes.access_type = accessType(); }
  if (!sameList(chosenPermissions(), a.permissions || [])) { changes.permissions = chosenPermissions(); }
  if (!el.force.disabled && el.force.checked !== Boolean(a.force_password_change)) {
    changes.force_password_change = el.force.checked;
  }
  if (!Object.keys(changes).length) {
    say(el.status, "Nothing to save: nothing has changed.");
    return Promise.resolve();
  }
  return change("PATCH", "", changes)
    .then(function (r) {
      if (leaving(r)) { return; }
      if (r.conflict) { return conflict(); }
      if (r.ok && r.data && r.data.account) {
        showAccount(r.data.account);
        say(el.status, "Changes saved.");
        return;
      }
      if (r.status === 404) {
        formProblem("This account no longer exists; it may have been deleted. Select New to start again.", null);
        return;
      }
      saveProblem(r);
    });
}

el.form.addEventListener("submit", function (event) {
  event.preventDefault();
  if (state.busy) { return; }
  clearMessages();
  if (!state.account && !state.patient) {
    formProblem("Choose the patient first: search for them above and select their name.", el.patientQuery);
    return;
  }
  if (!state.account && !el.username.value.trim()) {
    formProblem("Enter the username (an email address).", el.username);
    return;
  }
  if (!el.firstName.value.trim()) {
    formProblem("Enter the first name.", el.firstName);
    return;
  }
  if (!el.lastName.value.trim()) {
    formProblem("Enter the last name.", el.lastName);
    return;
  }
  if (!state.account) {
    clear(el.credentials);
  }
  state.busy = true;
  busy(el.save, true, "Saving…");
  (state.account ? update() : create()).then(function () {
    state.busy = false;
    busy(el.save, false);
  });
});

// ------------------------------------------------------------ reset / resend / delete

/* A change that needs a confirm step first (reset password, delete): `succeeded(r)`
 * says whether the answer is a success, `done(r, account)` shows it. */
function confirmedChange(trigger, opts) {
  trigger.addEventListener("click", function () {
    if (!state.account) { return; }
    clearMessages();
    var account = state.account;
    confirmStep(el.confirmArea, {
      text: opts.text(account),
      yes: opts.yes,
      returnFocus: trigger,
      onYes: function (button, close) {
        busy(button, true, opts.busy);
        change(opts.method, opts.suffix).then(function (r) {
          if (leaving(r)) { return; }
          close(true);
          if (opts.succeeded(r)) {
            opts.done(r, account);
          } else {
            changeFailed(r);
          }
        });
      }
    });
  });
}

confirmedChange(el.reset, {
  text: function (account) {
    return "Reset the password for " + account.username + "? Their current password stops working at " +
      "once, and they will have to choose a new one when they next log in.";
  },
  yes: "Yes, reset the password",
  busy: "Resetting…",
  method: "POST",
  suffix: "/reset-password",
  succeeded: function (r) { return Boolean(r.ok && r.data && r.data.credentials); },
  done: function (r, account) {
    showAccount(r.data.account);
    say(el.status, "The password for " + account.username + " was reset.");
    showCredentials(el.credentials, r.data.credentials, {
      title: "New sign-in details for " + r.data.account.first_name + " " + r.data.account.last_name
    });
  }
});

el.resend.addEventListener("click", function () {
  if (!state.account || el.resend.disabled) { return; }
  clearMessages();
  busy(el.resend, true, "Sending…");
  change("POST", "/resend-invitation").then(function (r) {
    busy(el.resend, false);
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data.account) {
      showAccount(r.data.account);
      if (r.data.account.invitation_status !== "failed") {
        say(el.status, invitationSentText(r.data.account, true));
      }
    } else {
      changeFailed(r);
    }
  });
});

confirmedChange(el.del, {
  text: function (account) {
    return "Delete the portal account " + account.username + "? They won't be able to log in any more, " +
      "and this can't be undone.";
  },
  yes: "Yes, delete the account",
  busy: "Deleting…",
  method: "DELETE",
  suffix: "",
  succeeded: function (r) { return r.ok || r.status === 404; },
  done: function (r, account) {
    newForm();
    say(el.status, "The portal account " + account.username + " was deleted.");
    el.status.focus();
  }
});

// ------------------------------------------------------------ form requests

var REQUEST_STATUS = { open: "Open", completed: "Completed", cancelled: "Cancelled" };

function formRequestItem(fr) {
  var facts = [REQUEST_STATUS[fr.status] || fr.status];
  if (fr.due_date) { facts.push("due " + day(fr.due_date)); }
  facts.push("requested " + when(fr.created_at) + (fr.requested_by ? " by " + fr.requested_by : ""));
  if (fr.completed_at) { facts.push("completed " + when(fr.completed_at)); }
  return h("li", {}, [
    h("strong", { text: fr.form_name }),
    h("p", { text: facts.join(" · ") }),
    fr.note ? h("p", { text: "Note: " + fr.note }) : null
  ]);
}

function loadFormRequests() {
  if (!state.account) { return Promise.resolve(); }
  var accountId = state.account.account_id;
  say(el.formsLoadError, "");
  return api("GET", accountPath("/form-requests")).then(function (r) {
    if (leaving(r) || !state.account || state.account.account_id !== accountId) { return; }
    clear(el.formsList);
    if (!r.ok || !r.data) {
      say(el.formsLoadError, problemText(r));
      return;
    }
    r.data.items.forEach(function (fr) { el.formsList.appendChild(formRequestItem(fr)); });
    el.formsEmpty.hidden = r.data.items.length > 0;
    el.formsList.hidden = r.data.items.length === 0;
  });
}

el.formRequestForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (!state.account || el.formRequestSubmit.disabled) { return; }
  say(el.formRequestError, "");
  say(el.formRequestStatus, "");
  invalid(el.formName, false);
  invalid(el.formDue, false);
  var name = el.formName.value.trim();
  if (!name) {
    say(el.formRequestError, "Enter the form's name.");
    invalid(el.formName, true);
    el.formName.focus();
    return;
  }
  var body = { form_name: name };
  if (el.formNote.value.trim()) { body.note = el.formNote.value.trim(); }
  if (el.formDue.value) { body.due_date = el.formDue.value; }
  busy(el.formRequestSubmit, true, "Requesting…");
  api("POST", accountPath("/form-requests"), body).then(function (r) {
    busy(el.formRequestSubmit, false);
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data.form_request) {
      el.formRequestForm.reset();
      el.formsEmpty.hidden = true;
      el.formsList.hidden = false;
      el.formsList.insertBefore(formRequestItem(r.data.form_request), el.formsList.firstChild);
      say(el.formRequestStatus, "Requested \u201c" + r.data.form_request.form_name + "\u201d.");
      return;
    }
    say(el.formRequestError, problemText(r));
    if (/due_date/.test(r.message || "")) {
      invalid(el.formDue, true);
      el.formDue.focus();
    }
  });
});

// ------------------------------------------------------------ start

start({ permission: "portal_accounts.manage", current: PAGE }).then(function (me) {
  if (!me) { return; }
  var params = queryParams();
  if (params.account_id) {
    newForm(true);
    loadAccount(params.account_id);
  } else if (params.patient_id) {
    startWithPatient(params.patient_id);
  } else {
    newForm();
  }
});
