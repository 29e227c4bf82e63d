/* Billing for a patient or a representative with `billing` (phone first): the
 * balance due, "Pay now" (the clinic's own payment page, opened with
 * rel=noopener; no card data ever passes through the portal) or "Call the clinic
 * to pay", and the statements with their line items. */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, say } from "./dom.js";
import { sectionPatient } from "./section-patient.js";
import { leaving } from "./session.js";
import { statementItem } from "./statement-view.js";
import { day } from "./words.js";

const el = {
  page: $("billing"), viewing: $("viewing-text"), error: $("error"), amount: $("balance-amount"),
  due: $("balance-due"), pay: $("pay"), list: $("statements"), empty: $("statements-empty"), more: $("more")
};
const state = { patient: null, cursor: null };

function showSummary(s) {
  el.amount.textContent = s.balance_text;
  say(el.due, s.balance_cents > 0 && s.due_date ? "Due by " + day(s.due_date) : (s.balance_cents > 0 ? "" : "Nothing due."));
  clear(el.pay);
  if (s.balance_cents <= 0) { return; }
  if (s.payment_url) {
    el.pay.appendChild(h("a", { className: "button button--primary", href: s.payment_url, target: "_blank",
                                rel: "noopener noreferrer", text: "Pay now" }));
    el.pay.appendChild(h("span", { className: "help", text: " Opens the clinic's payment page in a new tab." }));
  } else {
    el.pay.appendChild(h("span", { text: "Call the clinic to pay." }));
  }
}

async function load(more) {
  const q = new URLSearchParams();
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", "/api/portal/patients/" + encodeURIComponent(state.patient.id) + "/statements" +
                      (q.toString() ? "?" + q.toString() : ""));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return; }
  showSummary(r.data.summary);
  if (!more) { clear(el.list); }
  r.data.items.forEach((st) => el.list.appendChild(statementItem(st)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  el.empty.hidden = el.list.children.length > 0;
}

el.more.addEventListener("click", () => load(true));

sectionPatient("billing", "Billing").then(async (patient) => {
  if (!patient) { return; }
  state.patient = patient;
  el.viewing.textContent = "Statements for " + patient.name + ".";
  el.page.hidden = false;
  await load(false);
});
