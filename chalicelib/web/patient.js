/* A patient's page, /patients/{patient_id}: their demographics (edited by
 * staff with patients.manage, based on the revision shown: when someone else
 * changed the record meanwhile, the page says so and shows the current values)
 * and their patient portal access: the logins holding an access grant for them
 * (Self and authorized representatives; User Management's rows filtered by
 * patient) with access type, status, when the access ends and last login, each
 * opening its account page, and "Set up portal account" (the setup form with
 * this patient chosen) - the path clinic staff know from Patient Demographics
 * -> Patient Portal Account. */
import { api, CONFLICT, problemText, queryParams } from "./api.js";
import { accessLabel } from "./config.js";
import { $, busy, clear, fact, h, say, setUrl } from "./dom.js";
import { addressText, patientFields, patientName } from "./patient-form.js";
import { clinicPath, leaving, start, state as session } from "./session.js";
import { day, fullName, statusBadge, when } from "./words.js";

const el = {
  title: $("page-title"),
  status: $("patient-status"),
  error: $("patient-error"),
  facts: $("patient-facts"),
  edit: $("edit"),
  form: $("edit-form"),
  fields: $("edit-fields"),
  editError: $("edit-error"),
  save: $("save"),
  cancel: $("cancel"),
  access: $("portal-access"),
  setup: $("setup-link"),
  accessStatus: $("access-status"),
  accessError: $("access-error"),
  accessList: $("access-list"),
  accessMore: $("access-more"),
  activity: $("record-activity")
};

const patientId = decodeURIComponent(window.location.pathname.replace(/^\/patients\//, ""));
const state = { patient: null, form: null, cursor: null };

function path(suffix) {
  return clinicPath("/patients/" + encodeURIComponent(state.patient ? state.patient.patient_id : patientId) +
                    (suffix || ""));
}

function holds(permission) {
  const p = session.me && session.me.principal;
  return Boolean(p && (p.permissions || []).indexOf(permission) >= 0);
}

// ------------------------------------------------------------ demographics

function show(p) {
  state.patient = p;
  el.title.textContent = patientName(p);
  document.title = patientName(p) + " · Clinic Portal";
  clear(el.facts);
  [["Patient ID", p.patient_id],
   ["Date of birth", p.date_of_birth ? day(p.date_of_birth) : "Not recorded"],
   ["Email", p.email || "None"],
   ["Phone", p.phone || "None"],
   ["Address", addressText(p)]].forEach((f) => el.facts.appendChild(fact(f[0], f[1])));
  if (p.withdrawn_at) {
    // Withdrawn by the clinic's EHR (integration API): portal access is the staff's call.
    el.facts.appendChild(fact("Withdrawn by the EHR", when(p.withdrawn_at) +
                              ". Portal access is unchanged: review it below."));
  }
  el.setup.href = "/portal-accounts/setup?patient_id=" + encodeURIComponent(p.patient_id);
  el.setup.setAttribute("aria-label", "Set up portal account for " + patientName(p));
}

function openForm(problem) {
  clear(el.fields);
  state.form = patientFields(el.fields, "edit", state.patient);
  say(el.editError, problem || "");
  el.form.hidden = false;
  el.edit.hidden = true;
  if (problem) {
    el.editError.focus();
  } else {
    state.form.controls.first_name.focus();
  }
}

function closeForm() {
  el.form.hidden = true;
  el.edit.hidden = false;
  clear(el.fields);
  state.form = null;
}

el.edit.addEventListener("click", () => {
  say(el.status, "");
  openForm();
});
el.cancel.addEventListener("click", () => {
  closeForm();
  el.edit.focus();
});

/* Someone else changed the record: show it as it is now, and say so. */
async function refreshAfterConflict() {
  const r = await api("GET", path(""));
  if (leaving(r)) { return; }
  if (r.ok && r.data && r.data.patient) {
    show(r.data.patient);
    openForm(CONFLICT);
  } else {
    say(el.editError, problemText(r));
  }
}

el.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.save.disabled || !state.form) { return; }
  say(el.editError, "");
  state.form.clear();
  if (state.form.missing(el.editError)) { return; }
  const body = state.form.body(true);
  if (!Object.keys(body).length) {
    closeForm();
    say(el.status, "Nothing was changed.");
    el.status.focus();
    return;
  }
  busy(el.save, true, "Saving…");
  const r = await api("PATCH", path(""), body, { revision: state.patient.revision });
  busy(el.save, false);
  if (leaving(r)) { return; }
  if (r.ok && r.data && r.data.patient) {
    show(r.data.patient);
    closeForm();
    say(el.status, "Details saved.");
    el.status.focus();
    return;
  }
  if (r.conflict) {
    refreshAfterConflict();
    return;
  }
  if (r.status === 400 && r.message) {
    state.form.problem(el.editError, r.message);
    return;
  }
  say(el.editError, r.status === 404 ? "This patient is no longer on the clinic's records." : problemText(r));
});

// ------------------------------------------------------------ portal access

function renderAccount(a) {
  const headingId = "account-" + a.account_id;
  const item = h("li", { className: "record", dataset: { accountId: a.account_id } }, [
    h("div", { className: "record__head" }, [
      h("h3", { id: headingId, text: fullName(a) || a.username }), statusBadge(a)
    ]),
    h("p", { className: "record__sub", text: a.username }),
    h("dl", { className: "facts" }, [fact("Access type", accessLabel(a.access_type))]
      .concat(a.expires_on ? [fact("Access ends", day(a.expires_on))] : [])
      .concat([fact("Last login", when(a.last_login_at))])),
    h("div", { className: "actions actions--compact" }, [
      h("a", { className: "button button--secondary", text: "Open account", "aria-describedby": headingId,
               href: "/portal-accounts/setup?account_id=" + encodeURIComponent(a.account_id) }),
      h("a", { className: "button button--secondary", text: "User Management", "aria-describedby": headingId,
               href: "/portal-accounts?" + new URLSearchParams({ q: a.username }).toString() })
    ])
  ]);
  return item;
}

async function loadAccess(more) {
  const params = new URLSearchParams({ patient_id: state.patient.patient_id });
  if (more && state.cursor) { params.set("cursor", state.cursor); }
  if (more) { busy(el.accessMore, true, "Loading…"); }
  say(el.accessError, "");
  const r = await api("GET", clinicPath("/portal-accounts?" + params.toString()));
  busy(el.accessMore, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.accessError, problemText(r));
    return;
  }
  if (!more) { clear(el.accessList); }
  r.data.items.forEach((a) => el.accessList.appendChild(renderAccount(a)));
  state.cursor = r.data.next_cursor;
  el.accessMore.hidden = !r.data.next_cursor;
  const n = el.accessList.children.length;
  el.accessStatus.textContent = n === 0
    ? "No portal account yet. Select Set up portal account to give the patient or a representative access."
    : (n === 1 ? "1 portal account" : n + " portal accounts") + (r.data.next_cursor ? " shown." : ".");
}

el.accessMore.addEventListener("click", () => {
  if (!el.accessMore.disabled) { loadAccess(true); }
});

// ------------------------------------------------------------ start

async function load() {
  const r = await api("GET", path(""));
  if (leaving(r)) { return; }
  if (!r.ok || !r.data || !r.data.patient) {
    el.title.textContent = r.status === 404 ? "Patient not found" : "Patient";
    say(el.error, r.status === 404
      ? "No patient with ID " + patientId + " is on the clinic's records. Find the patient in the list."
      : problemText(r));
    el.edit.hidden = true;
    el.access.hidden = true;
    return;
  }
  show(r.data.patient);
  el.edit.hidden = false;  // only now: a form opened before the record arrived would be empty
  if (holds("audit.view")) {  // who viewed and changed this patient's records (the access log)
    el.activity.href = "/audit?" + new URLSearchParams({ patient: r.data.patient.patient_id }).toString();
    el.activity.hidden = false;
  }
  if (queryParams().added) {
    say(el.status, patientName(r.data.patient) + " was added (patient ID " + r.data.patient.patient_id + ").");
    setUrl(window.location.pathname);
    el.status.focus();
  }
  if (holds("portal_accounts.manage")) {
    loadAccess(false);
  } else {
    el.access.hidden = true;
  }
}

start({ permission: "patients.manage", current: "/patients" }).then((me) => {
  if (me) { load(); }
});
