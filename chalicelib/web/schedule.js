/* The Schedule (staff with appointments.manage): a provider's day or week (one Query
 * each), or the whole clinic's day; book, move (the same form), set the status
 * (arrived, completed, no-show) and cancel. A booking over another appointment of the
 * provider is refused unless "Book anyway". Times are UTC. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, confirmStep, h, say, setUrl } from "./dom.js";
import { addDays, clock, dayWords, todayUtc, whereWords } from "./appointment-words.js";
import { appointmentForm } from "./appointment-form.js";
import { clinicPath, leaving, start } from "./session.js";

const PAGE = "/schedule";
const el = {
  provider: $("provider"), view: $("view"), date: $("date"), prev: $("prev"), next: $("next"), today: $("today"),
  book: $("book"), bookForm: $("book-form"), status: $("list-status"), error: $("list-error"), days: $("days"),
  more: $("more")
};
const state = { providers: [], cursor: null, items: [] };
const SETTABLE = [["booked", "Booked"], ["arrived", "Arrived"], ["fulfilled", "Completed"], ["noshow", "No-show"]];

function days() { return el.provider.value ? Number(el.view.value) : 1; }

function query(more) {
  const q = new URLSearchParams({ date: el.date.value, days: String(days()) });
  if (el.provider.value) { q.set("provider", el.provider.value); }
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  return q;
}

function statusControl(a, row) {
  const id = "status-" + a.appointment_id;
  const select = h("select", { id, "aria-label": "Status of " + (a.patient_name || a.patient_id) + " at " + clock(a.start) });
  SETTABLE.forEach(([value, words]) => select.appendChild(h("option", { value, text: words, selected: value === a.status })));
  select.addEventListener("change", async () => {
    const r = await api("POST", clinicPath("/appointments/" + encodeURIComponent(a.appointment_id) + "/status"),
                        { status: select.value, revision: a.revision });
    if (leaving(r)) { return; }
    if (!r.ok) { say(el.error, problemText(r)); await load(false, ""); return; }
    Object.assign(a, r.data.appointment);
    say(el.status, (a.patient_name || a.patient_id) + " at " + clock(a.start) + ": " + a.status_words + ".");
    row.querySelector(".appt-status").textContent = a.status_words;
  });
  return select;
}

function row(a) {
  const who = (a.patient_name || "A patient") + " (" + a.patient_id + ")";
  const actions = h("div", { className: "actions" });
  const panel = h("div");
  const li = h("li", { className: "record", dataset: { appointmentId: a.appointment_id } }, [
    h("div", { className: "record__head" }, [
      h("h3", { className: "appt-when", text: clock(a.start) + "\u2013" + clock(a.end) + " " + who }),
      h("span", { className: "appt-status appt-status--" + a.status, text: a.status_words })
    ]),
    h("p", { className: "record__sub", text: [a.provider_name, whereWords(a), a.reason].filter(Boolean).join(" · ") }),
    a.forced ? h("p", { className: "record__sub", text: "Booked over another appointment." }) : null,
    actions, panel
  ]);
  if (a.status !== "cancelled") {
    actions.appendChild(statusControl(a, li));
    const move = h("button", { type: "button", className: "button button--secondary", text: "Move or change",
                               "aria-label": "Move or change " + who + " at " + clock(a.start) });
    move.addEventListener("click", () => appointmentForm(panel, {
      providers: state.providers, values: a, submitText: "Save changes",
      send: async (body) => {
        const changes = Object.assign({}, body, { revision: a.revision });
        const r = await api("PATCH", clinicPath("/appointments/" + encodeURIComponent(a.appointment_id)), changes);
        return leaving(r) ? null : r;
      },
      done: (r) => { clear(panel); load(false, "Changed: " + who + ", " + dayWords(r.data.appointment.start) + " " +
                                    clock(r.data.appointment.start) + " UTC."); },
      cancel: () => { clear(panel); move.focus(); }
    }));
    const cancel = h("button", { type: "button", className: "button button--secondary", text: "Cancel appointment",
                                 "aria-label": "Cancel " + who + " at " + clock(a.start) });
    cancel.addEventListener("click", () => confirmStep(panel, {
      text: "Cancel " + who + " on " + dayWords(a.start) + " at " + clock(a.start) + " UTC?", yes: "Yes, cancel it",
      returnFocus: cancel,
      onYes: async (yes, close) => {
        busy(yes, true, "Cancelling…");
        const r = await api("POST", clinicPath("/appointments/" + encodeURIComponent(a.appointment_id) + "/cancel"), {});
        busy(yes, false);
        if (leaving(r)) { return; }
        close(true);
        if (!r.ok) { say(el.error, problemText(r)); return; }
        load(false, "Cancelled: " + who + " at " + clock(a.start) + ".");
      }
    }));
    actions.appendChild(move);
    actions.appendChild(cancel);
  }
  return li;
}

function render() {
  clear(el.days);
  const byDay = {};
  state.items.forEach((a) => { (byDay[a.start.slice(0, 10)] = byDay[a.start.slice(0, 10)] || []).push(a); });
  for (let i = 0; i < days(); i += 1) {
    const d = addDays(el.date.value, i);
    const list = h("ul", { className: "record-list" });
    (byDay[d] || []).forEach((a) => list.appendChild(row(a)));
    el.days.appendChild(h("section", { className: "schedule-day" }, [
      h("h2", { text: dayWords(d + "T00:00:00Z") }),
      (byDay[d] || []).length ? list : h("p", { className: "empty", text: "Nothing booked." })
    ]));
  }
}

async function load(more, message) {
  setUrl(PAGE + "?" + query(false).toString());
  say(el.error, "");
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", clinicPath("/appointments?" + query(more).toString()));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return; }
  state.items = more ? state.items.concat(r.data.items) : r.data.items;
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  render();
  const n = state.items.filter((a) => a.status !== "cancelled").length;
  say(el.status, (message ? message + " " : "") + n + (n === 1 ? " appointment." : " appointments."));
}

function shift(n) { el.date.value = addDays(el.date.value || todayUtc(), n * days()); load(false, ""); }

el.prev.addEventListener("click", () => shift(-1));
el.next.addEventListener("click", () => shift(1));
el.today.addEventListener("click", () => { el.date.value = todayUtc(); load(false, ""); });
el.date.addEventListener("change", () => { if (el.date.value) { load(false, ""); } });
el.provider.addEventListener("change", () => { el.view.disabled = !el.provider.value; load(false, ""); });
el.view.addEventListener("change", () => load(false, ""));
el.more.addEventListener("click", () => load(true, ""));
el.book.addEventListener("click", () => {
  el.bookForm.hidden = false;
  appointmentForm(el.bookForm, {
    providers: state.providers, patient: true, submitText: "Book",
    values: { provider: el.provider.value, date: el.date.value, patient_id: queryParams().patient || "" },
    send: async (body) => { const r = await api("POST", clinicPath("/appointments"), body); return leaving(r) ? null : r; },
    done: (r) => {
      const a = r.data.appointment;
      el.bookForm.hidden = true;
      clear(el.bookForm);
      load(false, "Booked " + (a.patient_name || a.patient_id) + " with " + a.provider_name + " on " +
                  dayWords(a.start) + " at " + clock(a.start) + " UTC.").then(() => el.status.focus());
    },
    cancel: () => { el.bookForm.hidden = true; clear(el.bookForm); el.book.focus(); }
  });
});

start({ permission: "appointments.manage", current: PAGE }).then(async (me) => {
  if (!me) { return; }
  const r = await api("GET", clinicPath("/providers"));
  if (leaving(r)) { return; }
  state.providers = (r.ok && r.data) ? r.data.items : [];
  state.providers.forEach((p) => el.provider.appendChild(h("option", { value: p.username, text: p.name })));
  const q = queryParams();
  el.date.value = /^\d{4}-\d{2}-\d{2}$/.test(q.date || "") ? q.date : todayUtc();
  if (q.provider && state.providers.some((p) => p.username === q.provider)) { el.provider.value = q.provider; }
  if (q.days === "7" && el.provider.value) { el.view.value = "7"; }
  el.view.disabled = !el.provider.value;
  await load(false, "");
});
