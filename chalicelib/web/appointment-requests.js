/* Appointment requests (staff with appointments.manage): the waiting queue, oldest
 * first; book one (the appointment is created and the request closed together) or
 * decline it with a note the patient sees. */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, newId, say } from "./dom.js";
import { clock, dayWords, todayUtc } from "./appointment-words.js";
import { appointmentForm } from "./appointment-form.js";
import { clinicPath, leaving, start } from "./session.js";
import { when } from "./words.js";

const PAGE = "/appointment-requests";
const el = { status: $("status"), listStatus: $("list-status"), error: $("list-error"), list: $("requests"),
             more: $("more") };
const state = { cursor: null, providers: [] };
const WORDS = { waiting: "Waiting", booked: "Booked", declined: "Declined" };

function declineForm(panel, rq, who) {
  clear(panel);
  const id = newId("note");
  const note = h("textarea", { id, rows: "3", maxlength: "500" });
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const send = h("button", { type: "submit", className: "button button--primary", text: "Decline request" });
  const cancel = h("button", { type: "button", className: "button button--quiet", text: "Cancel" });
  const form = h("form", { className: "form", novalidate: true }, [
    h("div", { className: "field" }, [h("label", { for: id, text: "Note to the patient" }), note]),
    error, h("div", { className: "actions" }, [send, cancel])
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { say(error, "Write a short note for the patient."); note.focus(); return; }
    busy(send, true, "Declining…");
    const r = await api("POST", clinicPath("/appointment-requests/" + encodeURIComponent(rq.request_id) + "/decline"),
                        { note: note.value.trim() });
    busy(send, false);
    if (leaving(r)) { return; }
    if (!r.ok) { say(error, problemText(r)); return; }
    load(false, "Declined the request from " + who + ".").then(() => el.listStatus.focus());
  });
  cancel.addEventListener("click", () => clear(panel));
  panel.appendChild(form);
  note.focus();
}

function item(rq) {
  const who = (rq.patient_name || "A patient") + " (" + rq.patient_id + ")";
  const panel = h("div");
  const facts = ["Asked " + when(rq.created_at) + " by " + rq.requested_by, WORDS[rq.status] || rq.status];
  const actions = h("div", { className: "actions" });
  if (rq.status === "waiting") {
    const book = h("button", { type: "button", className: "button button--primary", text: "Book",
                               "aria-label": "Book a time for " + who });
    const decline = h("button", { type: "button", className: "button button--secondary", text: "Decline",
                                  "aria-label": "Decline the request from " + who });
    book.addEventListener("click", () => appointmentForm(panel, {
      providers: state.providers, submitText: "Book this time", values: { date: todayUtc() },
      reasonLabel: "Reason (leave empty to keep the patient's words)",
      send: async (body) => {
        const r = await api("POST", clinicPath("/appointment-requests/" + encodeURIComponent(rq.request_id) + "/book"),
                            body);
        return leaving(r) ? null : r;
      },
      done: (r) => {
        const a = r.data.appointment;
        load(false, "Booked " + who + " with " + a.provider_name + " on " + dayWords(a.start) + " at " +
                    clock(a.start) + " UTC.").then(() => el.listStatus.focus());
      },
      cancel: () => { clear(panel); book.focus(); }
    }));
    decline.addEventListener("click", () => declineForm(panel, rq, who));
    actions.appendChild(book);
    actions.appendChild(decline);
  }
  return h("li", { className: "record", dataset: { requestId: rq.request_id } }, [
    h("div", { className: "record__head" }, [h("h3", { text: who })]),
    h("p", { text: "Reason: " + rq.reason }),
    rq.preferred ? h("p", { className: "record__sub", text: "Preferred: " + rq.preferred }) : null,
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    rq.decline_note ? h("p", { className: "record__sub", text: "Note: " + rq.decline_note }) : null,
    actions, panel
  ]);
}

async function load(more, message) {
  const q = new URLSearchParams({ status: el.status.value });
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  say(el.error, "");
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", clinicPath("/appointment-requests?" + q.toString()));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return; }
  if (!more) { clear(el.list); }
  r.data.items.forEach((rq) => el.list.appendChild(item(rq)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  const empty = el.status.value === "waiting" ? "No requests are waiting." : "No answered requests yet.";
  say(el.listStatus, (message ? message + " " : "") + (n ? "Showing " + n + (n === 1 ? " request." : " requests.") : empty));
}

el.status.addEventListener("change", () => load(false, ""));
el.more.addEventListener("click", () => load(true, ""));

start({ permission: "appointments.manage", current: PAGE }).then(async (me) => {
  if (!me) { return; }
  const r = await api("GET", clinicPath("/providers"));
  if (leaving(r)) { return; }
  state.providers = (r.ok && r.data) ? r.data.items : [];
  await load(false, "");
});
