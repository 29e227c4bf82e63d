/* The account setup page: saving the form (a new account, with its sign-in
 * details shown once or its invitation sent; or the changes to one), and
 * reset password, resend invitation and delete. */
import { api, problemText } from "./api.js";
import { showCredentials } from "./credentials.js";
import { busy, clear, confirmStep, say } from "./dom.js";
import { clinicPath, leaving } from "./session.js";
import { when } from "./words.js";
import { clearMessages, el, formProblem, state } from "./account-setup-page.js";
import { accessType, chosenPermissions } from "./account-setup-access.js";
import { showChosenPatient } from "./account-setup-patient.js";
import { loadFormRequests } from "./account-setup-requests.js";
import { change, changeFailed, conflict, newForm, showAccount } from "./account-setup-edit.js";

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
  if (r.error === "username_taken" || r.error === "invalid_email" || r.error === "grant_exists" ||
      /username/.test(r.message || "")) {
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
    if (r.data.access_added) {
      // The username already had a login: it got access for this patient too.
      say(el.status, account.username + " already has a portal login at this clinic. It now also has " +
        "access for this patient: no new password, and an email told them they have access for " +
        "another patient.");
      el.status.focus();
    } else if (r.data.credentials) {
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

