/* Submitted forms (staff with forms.review): the clinic's forms awaiting review
 * (or reviewed), a page at a time; one form's answers laid out like the form
 * (reading them is written to the access log), and Mark reviewed. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, say, setUrl } from "./dom.js";
import { answersList } from "./form-fields.js";
import { clinicPath, leaving, start } from "./session.js";
import { day, when } from "./words.js";

const PAGE = "/forms-review";
const el = {
  queue: $("queue"), status: $("status"), listStatus: $("list-status"), listError: $("list-error"),
  list: $("forms"), more: $("more"), detail: $("detail"), title: $("detail-title"), facts: $("detail-facts"),
  note: $("detail-note"), answers: $("detail-answers"), error: $("detail-error"), mark: $("mark-reviewed"),
  back: $("detail-back")
};
const state = { cursor: null, current: null };

function who(fr) {
  return (fr.patient_name || "A patient") + (fr.patient_id ? " (patient " + fr.patient_id + ")" : "");
}

function item(fr) {
  const open = h("button", { type: "button", className: "button button--secondary", text: "Read answers",
                             "aria-label": "Read " + fr.form_name + " from " + (fr.patient_name || "a patient") });
  open.addEventListener("click", () => showForm(fr.request_id));
  const facts = ["Submitted " + when(fr.completed_at)];
  if (fr.reviewed_at) { facts.push("reviewed " + when(fr.reviewed_at) + (fr.reviewed_by ? " by " + fr.reviewed_by : "")); }
  return h("li", { className: "record", dataset: { requestId: fr.request_id } }, [
    h("div", { className: "record__head" }, [h("h3", { text: fr.form_name + " \u2014 " + who(fr) })]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    h("div", { className: "actions" }, [open])
  ]);
}

async function load(more, message) {
  const q = new URLSearchParams({ status: el.status.value });
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  say(el.listError, "");
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", clinicPath("/form-submissions?" + q.toString()));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.listError, problemText(r));
    return;
  }
  if (!more) { clear(el.list); }
  r.data.items.forEach((fr) => el.list.appendChild(item(fr)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  const empty = el.status.value === "submitted" ? "No forms are waiting for review." : "No reviewed forms yet.";
  say(el.listStatus, (message ? message + " " : "") + (n ? "Showing " + n + (n === 1 ? " form." : " forms.") : empty));
}

async function showForm(requestId) {
  const r = await api("GET", clinicPath("/form-submissions/" + encodeURIComponent(requestId)));
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.listError, problemText(r));
    return;
  }
  const fr = r.data.form_request;
  state.current = fr;
  setUrl(PAGE + "?" + new URLSearchParams({ request: fr.request_id }).toString());
  el.title.textContent = fr.form_name + " \u2014 " + who(fr);
  const facts = ["Submitted " + when(fr.completed_at) + (fr.submitted_by ? " by " + fr.submitted_by : "")];
  if (fr.due_date) { facts.push("due " + day(fr.due_date)); }
  if (fr.reviewed_at) { facts.push("reviewed " + when(fr.reviewed_at) + " by " + fr.reviewed_by); }
  el.facts.textContent = facts.join(" · ");
  say(el.note, fr.note ? "Note sent with the request: " + fr.note : "");
  clear(el.answers);
  el.answers.appendChild(answersList((fr.template || { fields: [] }).fields, fr.answers));
  say(el.error, "");
  el.mark.hidden = fr.status !== "submitted";
  el.queue.hidden = true;
  el.detail.hidden = false;
  el.title.focus();
}

function backToList(message) {
  setUrl(PAGE);
  el.detail.hidden = true;
  el.queue.hidden = false;
  load(false, message).then(() => { if (message) { el.listStatus.focus(); } });
}

el.mark.addEventListener("click", async () => {
  if (el.mark.disabled || !state.current) { return; }
  busy(el.mark, true, "Marking…");
  const r = await api("POST", clinicPath("/form-submissions/" + encodeURIComponent(state.current.request_id) +
                                         "/mark-reviewed"));
  busy(el.mark, false);
  if (leaving(r)) { return; }
  if (r.ok) {
    backToList("Marked \u201c" + state.current.form_name + "\u201d from " + who(state.current) + " reviewed.");
    return;
  }
  say(el.error, problemText(r));
});
el.back.addEventListener("click", () => backToList(""));
el.status.addEventListener("change", () => load(false, ""));
el.more.addEventListener("click", () => load(true, ""));

start({ permission: "forms.review", current: PAGE }).then((me) => {
  if (!me) { return; }
  const requestId = queryParams().request;
  load(false, "").then(() => { if (requestId) { showForm(requestId); } });
});
