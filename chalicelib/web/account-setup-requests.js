/* The account setup page: the forms the clinic asks an existing account to
 * fill in (the list, and a new request). */
import { api, problemText } from "./api.js";
import { busy, clear, h, invalid, say } from "./dom.js";
import { clinicPath, leaving } from "./session.js";
import { day, when } from "./words.js";
import { accountPath, el, state } from "./account-setup-page.js";

var REQUEST_STATUS = { open: "Open", submitted: "Submitted", reviewed: "Reviewed", completed: "Completed",
                       cancelled: "Cancelled" };
var templatesLoaded = false;

function formRequestItem(fr) {
  var facts = [REQUEST_STATUS[fr.status] || fr.status];
  if (fr.due_date) { facts.push("due " + day(fr.due_date)); }
  facts.push("requested " + when(fr.created_at) + (fr.requested_by ? " by " + fr.requested_by : ""));
  if (fr.completed_at) { facts.push("submitted " + when(fr.completed_at)); }
  if (fr.reviewed_at) { facts.push("reviewed " + when(fr.reviewed_at)); }
  return h("li", {}, [
    h("strong", { text: fr.form_name }),
    h("p", { text: facts.join(" · ") }),
    fr.note ? h("p", { text: "Note: " + fr.note }) : null
  ]);
}

/* The section for an existing account: the requests made so far, and the form for
 * a new one only when the account has the Forms section (the API refuses the rest
 * with 409 forms_not_permitted); otherwise it says why and what to do. */
export function showFormsSection(account) {
  var permitted = (account.permissions || []).indexOf("forms") >= 0;
  el.formRequestForm.hidden = !permitted;
  document.getElementById("forms-not-permitted").hidden = permitted;
  el.formsSection.hidden = false;
  if (permitted && !templatesLoaded) { loadTemplates(); }
}

/* The clinic's active form templates, as the choices of the Form list. */
function loadTemplates() {
  templatesLoaded = true;
  return api("GET", clinicPath("/form-templates")).then(function (r) {
    if (leaving(r)) { return; }
    if (!r.ok || !r.data) {
      templatesLoaded = false;
      say(el.formRequestError, problemText(r));
      return;
    }
    r.data.items.forEach(function (t) {
      el.formName.appendChild(h("option", { value: t.template_id, text: t.name }));
    });
    if (!r.data.items.length) {
      say(el.formRequestError, "The clinic has no forms yet. Add one on the Form templates page first.");
    }
  });
}

export function loadFormRequests() {
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
  var templateId = el.formName.value;
  if (!templateId) {
    say(el.formRequestError, "Choose the form to request.");
    invalid(el.formName, true);
    el.formName.focus();
    return;
  }
  var body = { template_id: templateId };
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
