/* Refill requests (staff with refills.manage): the clinic's queue, oldest first (or
 * the answered ones), each with a note field, Approve and Deny. */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, newId, say } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";
import { when } from "./words.js";

const PAGE = "/refill-requests";
const el = { status: $("status"), listStatus: $("list-status"), listError: $("list-error"), list: $("requests"),
             more: $("more") };
const state = { cursor: null };
const STATUS = { requested: "Waiting", approved: "Approved", denied: "Denied" };

function who(q) {
  return (q.patient_name || "A patient") + " (patient " + q.patient_id + ")";
}

function item(q) {
  const facts = ["Asked " + when(q.created_at) + " by " + q.requested_by, "Pharmacy: " + q.pharmacy];
  if (q.decided_at) { facts.push(STATUS[q.status] + " " + when(q.decided_at) + " by " + q.decided_by); }
  const children = [
    h("div", { className: "record__head" }, [h("h3", { text: q.medication_name + (q.dose ? " " + q.dose : "") +
                                                       " \u2014 " + who(q) })]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    q.note ? h("p", { className: "record__sub", text: "Patient's note: " + q.note }) : null,
    q.staff_note ? h("p", { className: "record__sub", text: "Clinic's note: " + q.staff_note }) : null
  ];
  if (q.status === "requested") {
    const id = newId("note");
    const note = h("textarea", { id, rows: "2", maxlength: "2000" });
    const error = h("p", { className: "alert", role: "alert", hidden: true });
    const approve = h("button", { type: "button", className: "button button--primary", text: "Approve",
                                  "aria-label": "Approve " + q.medication_name + " for " + who(q) });
    const deny = h("button", { type: "button", className: "button button--secondary", text: "Deny",
                               "aria-label": "Deny " + q.medication_name + " for " + who(q) });
    const decide = async (action, button) => {
      if (approve.disabled || deny.disabled) { return; }
      if (action === "deny" && !note.value.trim()) {
        say(error, "Say why in the note before denying: the patient reads it.");
        note.setAttribute("aria-invalid", "true");
        note.focus();
        return;
      }
      note.removeAttribute("aria-invalid");
      busy(button, true, action === "approve" ? "Approving…" : "Denying…");
      const r = await api("POST", clinicPath(PAGE + "/" + encodeURIComponent(q.request_id) + "/" + action),
                          { note: note.value.trim() || null });
      busy(button, false);
      if (leaving(r)) { return; }
      if (r.ok) {
        await load(false, (action === "approve" ? "Approved " : "Denied ") + q.medication_name + " for " + who(q) + ".");
        el.listStatus.focus();
        return;
      }
      say(error, problemText(r));
    };
    approve.addEventListener("click", () => decide("approve", approve));
    deny.addEventListener("click", () => decide("deny", deny));
    children.push(h("div", { className: "field" }, [h("label", { for: id, text: "Note for the patient (needed to deny)" }), note]));
    children.push(error);
    children.push(h("div", { className: "actions" }, [approve, deny]));
  }
  return h("li", { className: "record", dataset: { requestId: q.request_id } }, children);
}

async function load(more, message) {
  const q = new URLSearchParams({ status: el.status.value });
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  say(el.listError, "");
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", clinicPath(PAGE + "?" + q.toString()));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.listError, problemText(r)); return; }
  if (!more) { clear(el.list); }
  r.data.items.forEach((x) => el.list.appendChild(item(x)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  const empty = el.status.value === "requested" ? "No refill requests are waiting." : "No answered requests yet.";
  say(el.listStatus, (message ? message + " " : "") + (n ? "Showing " + n + (n === 1 ? " request." : " requests.") : empty));
}

el.status.addEventListener("change", () => load(false, ""));
el.more.addEventListener("click", () => load(true, ""));

start({ permission: "refills.manage", current: PAGE }).then((me) => {
  if (me) { load(false, ""); }
});
