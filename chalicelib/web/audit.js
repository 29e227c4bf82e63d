/* The audit log (staff with audit.view): filters (person, event kind, from/to
 * dates in UTC), the events newest first a page at a time, each in plain words
 * (the server's `description`), and a CSV export of the current filters.
 * /audit?person=...&kind=...&from=...&to=... opens it filtered (the staff and
 * User Management rows link here for a person's sign-in activity). */
import { api, problemText, queryParams } from "./api.js";
import { config, pattern } from "./config.js";
import { $, busy, clear, h, invalid, say, setUrl } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";

const PAGE = "/audit";
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PATIENT_ID = pattern("PATIENT_ID_RE");
const MAX_EMPTY_PAGES = 5; // a filtered page may come back empty with a cursor: keep reading a little

const el = {
  form: $("filter-form"),
  person: $("person"),
  patient: $("patient"),
  kind: $("kind"),
  from: $("from"),
  to: $("to"),
  filterError: $("filter-error"),
  clear: $("clear-filters"),
  exportLink: $("export"),
  listStatus: $("list-status"),
  listError: $("list-error"),
  table: $("events"),
  body: $("events-body"),
  more: $("more")
};

const state = { filters: {}, cursor: null, loading: 0, shown: 0 };
const KIND_LABELS = {};

config.audit_kinds.forEach((k) => {
  KIND_LABELS[k.id] = k.label;
  el.kind.appendChild(h("option", { value: k.id, text: k.label }));
});

const OUTCOMES = {
  succeeded: "Succeeded",
  failed: "Failed",
  locked: "Refused: locked",
  portal_access_disabled: "Refused: access off",
  sent: "Sent"
};
const BADGES = { succeeded: "active", sent: "active", failed: "failed", locked: "failed",
                 portal_access_disabled: "disabled" };

// ------------------------------------------------------------ filters

function readForm() {
  const out = {};
  const person = el.person.value.trim();
  if (person) { out.person = person; }
  const patient = el.patient.value.trim();
  if (patient) { out.patient = patient; }
  if (el.kind.value) { out.kind = el.kind.value; }
  if (el.from.value) { out.from = el.from.value; }
  if (el.to.value) { out.to = el.to.value; }
  return out;
}

function fillForm(filters) {
  el.person.value = filters.person || "";
  el.patient.value = filters.patient || "";
  el.kind.value = KIND_LABELS[filters.kind] ? filters.kind : "";
  el.from.value = DATE.test(filters.from || "") ? filters.from : "";
  el.to.value = DATE.test(filters.to || "") ? filters.to : "";
}

/* A problem the page can name without asking the server, or "". */
function checkFilters(filters) {
  [el.patient, el.from, el.to].forEach((c) => invalid(c, false));
  if (filters.patient && !PATIENT_ID.test(filters.patient)) {
    invalid(el.patient, true);
    return "That is not a patient ID. A patient ID is letters and digits, as on the patient's record (e.g. P1001).";
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    invalid(el.to, true);
    return "The “To” date is before the “From” date. Choose a “To” date on or after it.";
  }
  return "";
}

function query(filters, cursor) {
  const params = new URLSearchParams();
  Object.keys(filters).forEach((name) => params.set(name, filters[name]));
  if (cursor) { params.set("cursor", cursor); }
  return params.toString();
}

function describeFilters(filters) {
  const parts = [];
  if (filters.kind) { parts.push("“" + KIND_LABELS[filters.kind] + "”"); }
  if (filters.person) { parts.push("involving " + filters.person); }
  if (filters.patient) { parts.push("about patient " + filters.patient); }
  if (filters.from && filters.to) {
    parts.push(filters.from === filters.to ? "on " + filters.from : "from " + filters.from + " to " + filters.to);
  } else if (filters.from) {
    parts.push("from " + filters.from);
  } else if (filters.to) {
    parts.push("up to " + filters.to);
  }
  return parts.join(" ");
}

// ------------------------------------------------------------ one event

function timeText(iso) {
  // "2026-11-22T03:15:05.501Z" -> "2026-11-22 03:15:05"
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso || "");
  return m ? m[1] + " " + m[2] : iso || "";
}

function whoText(actor) {
  if (!actor || !actor.username) { return "—"; }
  return actor.name ? actor.name + " (" + actor.username + ")" : actor.username;
}

function cell(label, children) {
  return h("td", { role: "cell", dataset: { label } }, children);
}

function renderEvent(e) {
  const outcome = e.outcome
    ? h("span", { className: "badge badge--" + (BADGES[e.outcome] || "neutral"),
                  text: OUTCOMES[e.outcome] || e.outcome.replace(/_/g, " ") })
    : h("span", { text: "—" });
  return h("tr", { role: "row", dataset: { kind: e.kind, eventId: e.event_id } }, [
    cell("Time (UTC)", [h("time", { datetime: e.at, text: timeText(e.at) })]),
    cell("Who", [whoText(e.actor)]),
    cell("What", [e.description || e.kind]),
    cell("Outcome", [outcome]),
    cell("Source IP", [e.source_ip || "—"])
  ]);
}

// ------------------------------------------------------------ the list

function countText(more) {
  const n = state.shown;
  const what = describeFilters(state.filters);
  if (n === 0) {
    return more ? "No events yet in what was read" + (what ? " for " + what : "") + ". Select Load more to read further."
                : "No events" + (what ? " " + what : "") + ".";
  }
  return "Showing " + n + (n === 1 ? " event" : " events") + (what ? " " + what : "") + ", newest first" +
    (more ? ". There are more: select Load more to see them." : ".");
}

function showUrlAndExport() {
  const q = query(state.filters);
  setUrl(PAGE + (q ? "?" + q : ""));
  el.exportLink.href = clinicPath("/audit/export.csv" + (q ? "?" + q : ""));
}

async function load(more) {
  if (!more) {
    const filters = readForm();
    const problem = checkFilters(filters);
    say(el.filterError, problem);
    if (problem) { (el.patient.getAttribute("aria-invalid") === "true" ? el.patient : el.to).focus(); return; }
    state.filters = filters;
    state.cursor = null;
    state.shown = 0;
    showUrlAndExport();
  }
  state.loading += 1;
  const ticket = state.loading;
  say(el.listError, "");
  if (more) { busy(el.more, true, "Loading…"); } else { el.table.setAttribute("aria-busy", "true"); }
  let r;
  let cursor = more ? state.cursor : null;
  const rows = [];
  for (let i = 0; i < MAX_EMPTY_PAGES; i += 1) {
    r = await api("GET", clinicPath("/audit?" + query(state.filters, cursor)));
    if (ticket !== state.loading) { return; } // newer filters won
    if (!r.ok || !r.data) { break; }
    r.data.items.forEach((e) => rows.push(e));
    cursor = r.data.next_cursor;
    if (rows.length || !cursor) { break; }
  }
  busy(el.more, false);
  el.table.removeAttribute("aria-busy");
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    if (r.error === "invalid_cursor") {
      say(el.listError, "The list changed while you were paging. Showing it again from the start.");
      load(false);
    } else {
      say(el.listError, problemText(r));
    }
    return;
  }
  if (!more) { clear(el.body); }
  let firstNew = null;
  rows.forEach((e) => {
    const row = renderEvent(e);
    if (!firstNew) { firstNew = row; }
    el.body.appendChild(row);
  });
  state.shown += rows.length;
  state.cursor = cursor;
  el.table.hidden = state.shown === 0;
  el.more.hidden = !cursor;
  el.listStatus.textContent = countText(Boolean(cursor));
  if (more && firstNew) {
    const target = firstNew.querySelector("td");
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
}

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  load(false);
});
el.clear.addEventListener("click", () => {
  fillForm({});
  load(false);
  el.person.focus();
});
el.more.addEventListener("click", () => {
  if (!el.more.disabled) { load(true); }
});

start({ permission: "audit.view", current: PAGE }).then((me) => {
  if (!me) { return; }
  fillForm(queryParams());
  load(false);
});
