/* The Forms section for a patient or a representative (phone first): the forms to
 * fill in and those submitted, for one patient (/forms?patient=P101), and one form
 * (/forms?patient=P101&request=<id>): the questions, a draft saved on request,
 * and Submit. Answers are checked here as the server checks them; the server's
 * answer to a bad one names the field, shown at that field. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, say, setUrl, showOnly } from "./dom.js";
import { answersList, fillableForm } from "./form-fields.js";
import { leaving, ownAccountPage } from "./session.js";
import { day, when } from "./words.js";

const el = {
  list: $("list-step"), viewing: $("viewing-text"), listStatus: $("list-status"), listError: $("list-error"),
  openList: $("open-list"), openEmpty: $("open-empty"), openMore: $("open-more"),
  doneList: $("done-list"), doneEmpty: $("done-empty"), doneMore: $("done-more"),
  fill: $("fill-step"), title: $("fill-title"), description: $("fill-description"), facts: $("fill-facts"),
  note: $("fill-note"), status: $("fill-status"), form: $("fill-form"), fields: $("fill-fields"),
  error: $("fill-error"), submit: $("fill-submit"), save: $("fill-save"), answers: $("fill-answers")
};
const state = { patient: null, name: "", cursors: { open: null, submitted: null }, request: null, form: null };
const STATUS = { submitted: "Submitted", reviewed: "Reviewed by the clinic", completed: "Submitted" };

function base() {
  return "/api/portal/patients/" + encodeURIComponent(state.patient) + "/form-requests";
}

function pageUrl(requestId) {
  const q = new URLSearchParams({ patient: state.patient });
  if (requestId) { q.set("request", requestId); }
  return "/forms?" + q.toString();
}

function item(fr, open) {
  const facts = [];
  if (fr.due_date) { facts.push("Due " + day(fr.due_date)); }
  facts.push(open ? "Asked " + when(fr.created_at) : (STATUS[fr.status] || fr.status) + " " + when(fr.completed_at));
  if (open && fr.draft_saved_at) { facts.push("Draft saved " + when(fr.draft_saved_at)); }
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [
      h("h3", {}, [h("a", { href: pageUrl(fr.request_id), text: fr.form_name })])
    ]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    fr.note ? h("p", { className: "record__sub", text: "Note from the clinic: " + fr.note }) : null
  ]);
}

async function loadList(status, more) {
  const list = status === "open" ? el.openList : el.doneList;
  const empty = status === "open" ? el.openEmpty : el.doneEmpty;
  const moreButton = status === "open" ? el.openMore : el.doneMore;
  const q = new URLSearchParams({ status });
  if (more && state.cursors[status]) { q.set("cursor", state.cursors[status]); }
  if (more) { busy(moreButton, true, "Loading…"); }
  const r = await api("GET", base() + "?" + q.toString());
  busy(moreButton, false);
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    say(el.listError, problemText(r));
    return false;
  }
  if (!more) { clear(list); }
  r.data.items.forEach((fr) => list.appendChild(item(fr, status === "open")));
  state.cursors[status] = r.data.next_cursor;
  moreButton.hidden = !r.data.next_cursor;
  empty.hidden = list.children.length > 0;
  return true;
}

async function showList(message) {
  setUrl(pageUrl(null));
  document.title = "Forms · Clinic Portal";
  say(el.listError, "");
  say(el.listStatus, message || "");
  if (await loadList("open", false)) { await loadList("submitted", false); }
  showOnly([el.list, el.fill], el.list);
}

async function showRequest(requestId) {
  const r = await api("GET", base() + "/" + encodeURIComponent(requestId));
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    await showList(r.status === 404 ? "That form is no longer available." : problemText(r));
    return;
  }
  const fr = r.data.form_request;
  const template = fr.template || { name: fr.form_name, description: null, fields: [] };
  state.request = fr;
  setUrl(pageUrl(fr.request_id));
  document.title = fr.form_name + " · Clinic Portal";
  el.title.textContent = fr.form_name;
  say(el.description, template.description || "");
  say(el.note, fr.note ? "Note from the clinic: " + fr.note : "");
  const facts = ["For " + state.name];
  if (fr.due_date) { facts.push("due " + day(fr.due_date)); }
  el.facts.textContent = facts.join(" · ");
  say(el.status, "");
  say(el.error, "");
  const open = fr.status === "open";
  el.form.hidden = !open;
  el.answers.hidden = open;
  clear(el.answers);
  if (open) {
    state.form = fillableForm(el.fields, template.fields, fr.draft);
    if (fr.draft_saved_at) { say(el.status, "Your draft from " + when(fr.draft_saved_at) + " is filled in."); }
  } else {
    el.answers.appendChild(h("p", { className: "notice", text: (STATUS[fr.status] || fr.status) + " " +
                                    when(fr.completed_at) + ". These are your answers." }));
    el.answers.appendChild(answersList(template.fields, fr.answers));
    el.answers.appendChild(h("a", { className: "button button--quiet", href: pageUrl(null), text: "Back to forms" }));
  }
  showOnly([el.list, el.fill], el.fill);
  el.title.focus();
}

async function send(action) {
  if (el.submit.disabled || el.save.disabled) { return; }
  say(el.error, "");
  say(el.status, "");
  const complete = action === "submit";
  if (state.form.check(complete)) {
    say(el.error, "Please check the answer marked below.");
    return;
  }
  const button = complete ? el.submit : el.save;
  busy(button, true, complete ? "Submitting…" : "Saving…");
  const path = base() + "/" + encodeURIComponent(state.request.request_id) + "/" + action;
  const r = await api(complete ? "POST" : "PUT", path, { answers: state.form.answers() });
  busy(button, false);
  if (leaving(r)) { return; }
  if (r.ok && r.data) {
    if (complete) {
      await showList("Thank you. \u201c" + state.request.form_name + "\u201d was sent to the clinic.");
      el.listStatus.focus();
      return;
    }
    say(el.status, "Draft saved " + when(r.data.form_request.draft_saved_at) + ". You can finish it later.");
    return;
  }
  const field = r.data && r.data.field;
  if (field && state.form.show(field, r.message || problemText(r))) {
    say(el.error, "Please check the answer marked below.");
    return;
  }
  say(el.error, problemText(r));
}

el.form.addEventListener("submit", (event) => { event.preventDefault(); send("submit"); });
el.save.addEventListener("click", () => send("draft"));
el.openMore.addEventListener("click", () => loadList("open", true));
el.doneMore.addEventListener("click", () => loadList("submitted", true));
el.listStatus.setAttribute("tabindex", "-1");

/* Whose forms: ?patient=, else the patient this session views, else the first with Forms. */
async function choosePatient(me) {
  const r = await api("GET", "/api/portal/patients");
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    showOnly([el.list, el.fill], null);
    say($("page-error"), problemText(r));
    return false;
  }
  const withForms = r.data.items.filter((g) => (g.permissions || []).indexOf("forms") >= 0);
  const wanted = queryParams().patient || me.principal.patient_id;
  const grant = withForms.find((g) => g.patient_id === wanted) || withForms[0];
  if (!grant) {
    showOnly([el.list, el.fill], null);
    say($("page-error"), "Your portal account doesn't have the Forms section for this patient. " +
        "Ask the clinic if you need it.");
    return false;
  }
  state.patient = grant.patient_id;
  state.name = ((grant.first_name || "") + " " + (grant.last_name || "")).trim() || grant.patient_id;
  el.viewing.textContent = "Forms for " + state.name + ".";
  return true;
}

ownAccountPage("Patient").then(async (me) => {
  if (!me) { return; }
  if (me.principal.kind !== "patient") {
    showOnly([el.list, el.fill], null);
    say($("page-error"), "This page is for patients. Staff see submitted forms on the Submitted forms page.");
    return;
  }
  if (!(await choosePatient(me))) { return; }
  const requestId = queryParams().request;
  if (requestId) { await showRequest(requestId); } else { await showList(""); }
});
