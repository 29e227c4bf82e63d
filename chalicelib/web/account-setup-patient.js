/* The account setup page: the patient the account is for (search, pick,
 * change) and the wand that fills names and username from their record. */
import { api, problemText } from "./api.js";
import { busy, clear, h, invalid, say } from "./dom.js";
import { clinicPath, leaving } from "./session.js";
import { day } from "./words.js";
import { accessType } from "./account-setup-access.js";
import { el, formProblem, state } from "./account-setup-page.js";

// ------------------------------------------------------------ patient picker

export function patientName(p) {
  var first = p.first_name || "";
  var last = p.last_name || "";
  return (first + " " + last).trim() || p.patient_id;
}

export function showChosenPatient() {
  var p = state.patient;
  el.patientChosen.hidden = !p;
  el.patientForm.hidden = Boolean(p);
  el.patientChange.hidden = Boolean(state.account);
  el.loadPatient.disabled = !p;
  if (p) {
    el.patientChosenText.textContent = patientName(p) + " (patient ID " + p.patient_id + ")";
  }
}

export function choosePatient(p) {
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
    if (accessType() === "authorized_rep") {
      // The representative is someone else: their own name and email, never the patient's.
      state.filled = null;
      say(el.status, "Loaded " + patientName(p) + "'s record. This account is for an authorized representative: type the representative's own name and email.");
      (el.username.readOnly ? el.firstName : el.username).focus();
      return;
    }
    el.firstName.value = p.first_name || "";
    el.lastName.value = p.last_name || "";
    invalid(el.firstName, false);
    invalid(el.lastName, false);
    if (!el.username.readOnly) {
      el.username.value = p.email || "";
      invalid(el.username, false);
    }
    state.filled = { first: el.firstName.value, last: el.lastName.value, username: el.username.value };
    if (p.email || el.username.readOnly) {
      say(el.status, "Filled in from " + patientName(p) + "'s record.");
    } else {
      say(el.status, "Filled in from " + patientName(p) + "'s record. There is no email address on file: type the username (email) yourself.");
      el.username.focus();
    }
  });
});
