/* Billing statements (staff with billing.manage): one patient's statements
 * (/statements?patient=P100), newest first, with their lines; "Record a payment"
 * on one with a balance (sent with the revision shown: If-Match); enter a new
 * statement (one line here; more through the API). Amounts are typed as 120.50
 * and sent as whole cents. */
import { CONFLICT, api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, newId, say, setUrl } from "./dom.js";
import { toCents } from "./money.js";
import { clinicPath, leaving, start } from "./session.js";
import { statementItem } from "./statement-view.js";

const PAGE = "/statements";
const el = {
  find: $("find"), patientId: $("patient-id"), listStatus: $("list-status"), listError: $("list-error"),
  title: $("patient-title"), list: $("statements"), more: $("more"), add: $("add"), addForm: $("add-form"),
  statementDate: $("statement-date"), dueDate: $("due-date"), lineDate: $("line-date"),
  description: $("line-description"), kind: $("line-kind"), amount: $("line-amount"), addError: $("add-error"),
  addSend: $("add-send")
};
const state = { patient: null, cursor: null };

function base() {
  return clinicPath("/billing/" + encodeURIComponent(state.patient) + "/statements");
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

function paymentForm(st) {
  if (st.balance_cents <= 0) { return null; }
  const amountId = newId("pay-amount");
  const dateId = newId("pay-date");
  const amount = h("input", { id: amountId, type: "text", inputmode: "decimal" });
  const date = h("input", { id: dateId, type: "date", value: today() });
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const send = h("button", { type: "button", className: "button button--secondary", text: "Record payment",
                             "aria-label": "Record a payment on the statement of " + st.statement_date });
  send.addEventListener("click", async () => {
    if (send.disabled) { return; }
    const cents = toCents(amount.value);
    if (!cents) { say(error, "Enter the amount received, e.g. 50.00."); amount.focus(); return; }
    busy(send, true, "Recording…");
    const r = await api("POST", base() + "/" + encodeURIComponent(st.statement_id) + "/payments",
                        { amount_cents: cents, received_date: date.value || today() },
                        { headers: { "If-Match": '"' + st.revision + '"' } });
    busy(send, false);
    if (leaving(r)) { return; }
    if (r.ok) {
      await load(false, "Recorded the payment" +
                 ". The balance is now " + r.data.statement.balance_text + ".");
      el.listStatus.focus();
      return;
    }
    if (r.status === 409 && r.data && r.data.error === "conflict") { await load(false, CONFLICT); return; }
    say(error, problemText(r));
  });
  return h("div", { className: "form" }, [
    h("div", { className: "field" }, [h("label", { for: amountId, text: "Payment received (e.g. 50.00)" }), amount]),
    h("div", { className: "field" }, [h("label", { for: dateId, text: "Received on" }), date]),
    error, h("div", { className: "actions" }, [send])
  ]);
}

async function load(more, message) {
  const q = new URLSearchParams();
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  say(el.listError, "");
  const r = await api("GET", base() + (q.toString() ? "?" + q.toString() : ""));
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    clear(el.list);
    el.title.hidden = true;
    el.add.hidden = true;
    say(el.listError, problemText(r));
    return;
  }
  const p = r.data.patient;
  state.patient = p.patient_id;
  setUrl(PAGE + "?" + new URLSearchParams({ patient: p.patient_id }).toString());
  el.title.textContent = "Statements of " + p.first_name + " " + p.last_name + " (patient " + p.patient_id + ")";
  el.title.hidden = false;
  if (!more) { clear(el.list); }
  r.data.items.forEach((st) => el.list.appendChild(statementItem(st, paymentForm(st))));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  say(el.listStatus, (message ? message + " " : "") + (n ? n + (n === 1 ? " statement." : " statements.") :
                                                      "No statements for this patient yet."));
  el.add.hidden = false;
}

el.find.addEventListener("submit", (event) => {
  event.preventDefault();
  const pid = el.patientId.value.trim();
  if (!pid) { say(el.listError, "Enter a patient ID."); el.patientId.focus(); return; }
  state.patient = pid;
  load(false, "");
});
el.more.addEventListener("click", () => load(true, ""));

el.addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.addSend.disabled) { return; }
  const cents = toCents(el.amount.value);
  if (!cents) { say(el.addError, "Enter the line's amount, e.g. 120.50."); el.amount.focus(); return; }
  const line = { service_date: el.lineDate.value, description: el.description.value.trim() };
  line[el.kind.value] = cents;
  busy(el.addSend, true, "Entering…");
  const r = await api("POST", base(), { statement_date: el.statementDate.value, due_date: el.dueDate.value,
                                        lines: [line] });
  busy(el.addSend, false);
  if (leaving(r)) { return; }
  if (r.ok) {
    el.addForm.reset();
    say(el.addError, "");
    await load(false, "Entered a statement with a balance of " + r.data.statement.balance_text + ".");
    el.listStatus.focus();
    return;
  }
  say(el.addError, problemText(r));
});

start({ permission: "billing.manage", current: PAGE }).then((me) => {
  if (!me) { return; }
  const pid = queryParams().patient;
  if (pid) { el.patientId.value = pid; state.patient = pid; load(false, ""); }
});
