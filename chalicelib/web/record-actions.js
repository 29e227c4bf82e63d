/* One record in a list (a portal account on User Management, a staff member on
 * Staff) with its actions: disable / enable, reset password (confirm first, new
 * sign-in details shown once), resend invitation, and changes. Every change
 * carries the revision the row shows (If-Match); when someone else changed the
 * record meanwhile, the row says so and shows the current values. */
import { api, CONFLICT, problemText } from "./api.js";
import { busy, confirmStep, fact, h, say } from "./dom.js";
import { showCredentials } from "./credentials.js";
import { leaving } from "./session.js";

/* opts: {
 *   record, key ("account" | "staff": the reply's field), path(suffix): the record's API path,
 *   headingId, title, badge, sub, facts: [[label, value], ...], dataset,
 *   message (a status to show), problem (an alert to show), gone (text for a 404),
 *   render(record, message, problem): a new row for the record
 * } */
export function recordRow(opts) {
  const status = h("p", { className: "notice", role: "status", tabindex: "-1", hidden: !opts.message,
                          text: opts.message || "" });
  const error = h("p", { className: "alert", role: "alert", hidden: !opts.problem, text: opts.problem || "" });
  const panel = h("div", { className: "record-panel" });
  const actions = h("div", { className: "actions actions--compact" });
  const item = h("li", { className: "record", dataset: opts.dataset }, [
    h("div", { className: "record__head" }, [h("h3", { id: opts.headingId, text: opts.title }), opts.badge]),
    h("p", { className: "record__sub", text: opts.sub }),
    h("dl", { className: "facts" }, opts.facts.map((f) => fact(f[0], f[1]))),
    actions,
    status,
    error,
    panel
  ]);

  function replaceWith(record, message, problem) {
    // A reply that did not read the lockout (only lists, unlock and resets do) keeps the one shown.
    if (!("locked_until" in record) && "locked_until" in opts.record) {
      record.locked_until = opts.record.locked_until;
    }
    const node = opts.render(record, message, problem);
    if (item.parentNode) { item.parentNode.replaceChild(node, item); }
    const focusTarget = node.querySelector(problem ? "[role=alert]" : "[role=status]");
    if ((message || problem) && focusTarget) {
      focusTarget.setAttribute("tabindex", "-1");
      focusTarget.focus();
    }
    return node;
  }

  /* Someone else changed the record: show it as it is now, and say so. */
  async function refresh() {
    const r = await api("GET", opts.path(""));
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data[opts.key]) {
      replaceWith(r.data[opts.key], "", CONFLICT);
    } else {
      say(error, r.status === 404 ? opts.gone : CONFLICT + " " + problemText(r));
    }
  }

  function fail(r, b) {
    if (b) { busy(b, false); }
    if (r.conflict) {
      refresh();
      return;
    }
    say(error, r.status === 404 ? opts.gone : problemText(r));
  }

  /* An action button for this record; the handler gets the button. */
  function button(text, className, handler) {
    const b = h("button", { type: "button", className: "button " + className, text,
                            "aria-describedby": opts.headingId });
    b.addEventListener("click", () => {
      if (b.disabled) { return; }
      say(status, "");
      say(error, "");
      handler(b);
    });
    actions.appendChild(b);
    return b;
  }

  /* A change (POST action or PATCH), based on the revision shown; `done` is the
   * status text, or a function of the changed record that returns it. */
  async function change(b, busyText, method, suffix, body, done) {
    busy(b, true, busyText);
    const r = await api(method, opts.path(suffix), body, { revision: opts.record.revision });
    if (leaving(r)) { return null; }
    if (r.ok && r.data && r.data[opts.key]) {
      const record = r.data[opts.key];
      return { reply: r.data, node: replaceWith(record, typeof done === "function" ? done(record) : done) };
    }
    fail(r, b);
    return null;
  }

  /* The Reset password button: a confirm step, then the new details once, in the row. */
  function resetPasswordButton(username, name) {
    const reset = button("Reset password", "button--secondary", () => {
      confirmStep(panel, {
        text: "Reset the password for " + username + "? Their current password stops working at once.",
        yes: "Yes, reset the password",
        returnFocus: reset,
        onYes: async (yes, close) => {
          const done = await change(yes, "Resetting…", "POST", "/reset-password", undefined,
                                    "The password was reset.");
          close(true);
          if (done && done.reply.credentials) {
            showCredentials(done.node.querySelector(".record-panel"), done.reply.credentials, {
              level: "h4", title: "New sign-in details for " + name
            });
          }
        }
      });
    });
    return reset;
  }

  return { item, panel, actions, status, error, button, change, resetPasswordButton };
}
