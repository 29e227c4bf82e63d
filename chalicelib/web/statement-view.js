/* One statement as a table of its line items (patient and staff pages). */
import { h } from "./dom.js";
import { money } from "./money.js";
import { day } from "./words.js";

export function statementTable(st) {
  const cell = (cents) => h("td", { className: "amount", text: cents ? money(cents, st.currency) : "" });
  const rows = st.lines.map((line) => h("tr", {}, [
    h("td", { text: day(line.service_date) }), h("td", { text: line.description }),
    cell(line.charge_cents), cell(line.payment_cents), cell(line.adjustment_cents)
  ]));
  // On a narrow screen the table scrolls sideways: the region takes the keyboard focus for that.
  return h("div", { className: "lines-wrap", tabindex: "0", role: "region",
                    "aria-label": "Lines of the statement of " + day(st.statement_date) }, [h("table", { className: "lines" }, [
    h("caption", { text: "Statement of " + day(st.statement_date) }),
    h("thead", {}, [h("tr", {}, [
      h("th", { scope: "col", text: "Date" }), h("th", { scope: "col", text: "Description" }),
      h("th", { scope: "col", className: "amount", text: "Charge" }),
      h("th", { scope: "col", className: "amount", text: "Payment" }),
      h("th", { scope: "col", className: "amount", text: "Adjustment" })
    ])]),
    h("tbody", {}, rows)
  ])]);
}

export function statementItem(st, extra) {
  return h("li", { className: "record", dataset: { statementId: st.statement_id } }, [
    h("div", { className: "record__head" }, [h("h3", { text: "Statement of " + day(st.statement_date) })]),
    h("p", { className: "record__sub", text: "Balance " + st.balance_text + " · due " + day(st.due_date) }),
    statementTable(st),
    extra || null
  ]);
}
