/* User Management: the clinic's patient portal accounts, filtered by status,
 * a page at a time, with each account's actions. A row is one login's access to
 * one patient (an access grant): Disable access ends only that patient's access;
 * Disable login, Reset password and Force password change act on the login as a
 * whole, whatever patients it holds. /portal-accounts?status=... */
import { api, problemText, queryParams } from "./api.js";
import { accessLabel, sectionList } from "./config.js";
import { $, busy, clear, h, say, setUrl } from "./dom.js";
import { recordRow } from "./record-actions.js";
import { clinicPath, leaving, start, state as session } from "./session.js";
import { canAudit, signInActivityHref } from "./staff-links.js";
import { INVITATION, badges, day, fullName, statusBadge, when } from "./words.js";

const PAGE = "/portal-accounts";
const FILTERS = ["enabled", "disabled", "invited", "all"];
const FILTER_WORDS = { enabled: "enabled", disabled: "disabled", invited: "invited", all: "" };

const el = {
  filterForm: $("filter-form"),
  filters: Array.from(document.querySelectorAll("input[name=status]")),
  q: $("q"),
  listStatus: $("list-status"),
  listError: $("list-error"),
  list: $("accounts"),
  more: $("more")
};

const state = { status: "all", q: "", cursor: null, loading: 0 };

function currentFilter() {
  const checked = el.filters.find((input) => input.checked);
  return checked ? checked.value : "all";
}

function showUrl() {
  const params = new URLSearchParams();
  if (state.status !== "all") { params.set("status", state.status); }
  if (state.q) { params.set("q", state.q); }
  const query = params.toString();
  setUrl(PAGE + (query ? "?" + query : ""));
}

// ------------------------------------------------------------ one account

function invitationFact(a) {
  if (!a.invitation_status) { return "None"; }
  let text = INVITATION[a.invitation_status] || a.invitation_status;
  if (a.status === "invited" && a.invitation_expires_at && a.invitation_status !== "failed") {
    text += " (link works until " + when(a.invitation_expires_at) + ")";
  }
  return text;
}

function loginFact(a) {
  const login = a.login || {};
  const status = login.status === "disabled" ? "Disabled (no access to any patient)"
    : login.status === "invited" ? "Invited" : "Enabled";
  const n = login.grant_count || 1;
  return status + (n > 1 ? " \u00b7 access for " + n + " patients" : "");
}

/* A Disable/Enable login button: the login as a whole, then the row as it is now. */
function loginButton(row, a, text, className, suffix, busyText, message) {
  row.button(text, className, async (b) => {
    busy(b, true, busyText);
    const r = await api("POST", clinicPath("/portal-logins/" + encodeURIComponent(a.login.login_id) + suffix));
    if (leaving(r)) { return; }
    const again = r.ok ? await api("GET", clinicPath("/portal-accounts/" + encodeURIComponent(a.account_id))) : r;
    if (leaving(again)) { return; }
    if (!(again.ok && again.data && again.data.account)) {
      busy(b, false);
      say(row.error, problemText(again));
      return;
    }
    const account = again.data.account;
    if (!("locked_until" in account)) {
      // The login's own reply says whether it is locked now (unlock: null); else keep what was shown.
      const login = (r.data && r.data.login) || {};
      account.locked_until = "locked_until" in login ? login.locked_until : a.locked_until;
    }
    const node = renderAccount(account, message);
    if (row.item.parentNode) { row.item.parentNode.replaceChild(node, row.item); }
    const note = node.querySelector("[role=status]");
    note.setAttribute("tabindex", "-1");
    note.focus();
  });
}

function renderAccount(a, message, problem) {
  const headingId = "account-" + a.account_id;
  const row = recordRow({
    record: a,
    key: "account",
    path: (suffix) => clinicPath("/portal-accounts/" + encodeURIComponent(a.account_id) + (suffix || "")),
    headingId,
    title: fullName(a) || a.username,
    badge: badges(statusBadge(a), a),
    sub: a.username,
    facts: [["Patient", (a.patient.first_name || "") + " " + (a.patient.last_name || "") +
               " (" + a.patient.patient_id + ")"],
            ["Access type", accessLabel(a.access_type)],
            ["Access ends", a.expires_on ? (a.status === "expired" ? "Ended " : "On ") + day(a.expires_on)
                                         : "No end date"],
            ["Login", loginFact(a)],
            ["Last login", when(a.last_login_at)],
            ["Passkeys", a.login && a.login.passkey_count ? a.login.passkey_count + (a.login.passkey_count === 1
              ? " passkey" : " passkeys") : "None"],
            ["Invitation", invitationFact(a)],
            ["Permissions", sectionList(a.permissions)],
            ["Password change", a.force_password_change ? "Required at next login" : "Not required"]],
    dataset: { accountId: a.account_id, username: a.username },
    message,
    problem,
    gone: "This account no longer exists. Reload the list.",
    render: renderAccount
  });

  row.actions.appendChild(h("a", { className: "button button--secondary", text: "Edit", "aria-describedby": headingId,
    href: "/portal-accounts/setup?account_id=" + encodeURIComponent(a.account_id) }));

  const post = (busyText, suffix, done) => (b) => row.change(b, busyText, "POST", suffix, undefined, done);
  if (a.grant_status === "disabled") {
    row.button("Enable access", "button--secondary", post("Enabling…", "/enable",
      "Access to this patient's records is enabled again."));
  } else {
    row.button("Disable access", "button--outline-danger", post("Disabling…", "/disable",
      "Access to this patient's records is disabled. Their login and any other patients they act for " +
      "are not affected."));
  }
  if (a.login && a.login.status === "disabled") {
    loginButton(row, a, "Enable login", "button--secondary", "/enable", "Enabling…", a.login.grant_count > 1
      ? "The login is enabled again. It can open its other patients too."
      : "The login is enabled again. They can log in again.");
  } else if (a.login) {
    loginButton(row, a, "Disable login", "button--outline-danger", "/disable", "Disabling…",
      "The login is disabled: they can't log in, and none of the patients they act for can be opened.");
  }
  if (a.locked_until && a.login) {
    loginButton(row, a, "Unlock", "button--secondary", "/unlock", "Unlocking…",
      "Unlocked. They can log in again now.");
  }
  if (a.login && a.login.mfa_enabled) {
    loginButton(row, a, "Reset two-factor", "button--secondary", "/reset-2fa", "Resetting…",
      "Two-factor authentication was reset. They were signed out and emailed, and can set it up again " +
      "after logging in.");
  }
  if (a.login && a.login.passkey_count) {
    loginButton(row, a, "Remove all passkeys", "button--outline-danger", "/remove-passkeys", "Removing…",
      "Every passkey of this login was removed and they were emailed. They sign in with their password and " +
      "can add a passkey again.");
  }
  if (a.login ? a.login.status === "active" : a.status === "active") {
    row.button("Force password change", "button--secondary", post("Saving…", "/force-password-change",
      "They will have to choose a new password at their next login."));
  }
  const invited = a.login ? a.login.status === "invited" : a.status === "invited";
  if (!invited) {
    row.resetPasswordButton(a.username, fullName(a) || a.username);
  }
  if (invited) {
    row.button("Resend invitation", "button--secondary", post("Sending…", "/resend-invitation", (acc) =>
      (acc.invitation_status === "failed"
        ? "The email could not be sent this time either. Try again later."
        : "A new invitation email was sent to " + acc.username + ". The earlier link no longer works.")));
  }
  if (canAudit(session.me && session.me.principal)) {
    row.actions.appendChild(h("a", { className: "button button--secondary", text: "Sign-in activity",
      href: signInActivityHref(a.username), "aria-describedby": headingId }));
  }
  return row.item;
}

// ------------------------------------------------------------ the list

function countText(more) {
  const n = el.list.children.length;
  const word = FILTER_WORDS[state.status];
  const what = n === 1 ? (word ? "1 " + word + " account" : "1 account")
                       : n + (word ? " " + word : "") + " accounts";
  if (n === 0) {
    return state.q ? "No " + (word ? word + " " : "") + "accounts match \u201c" + state.q + "\u201d."
                   : "No " + (word ? word + " " : "") + "accounts.";
  }
  return "Showing " + what + (state.q ? " matching \u201c" + state.q + "\u201d" : "") +
    (more ? ". There are more: select More to see them." : ".");
}

async function load(more) {
  if (!more) {
    state.status = currentFilter();
    state.q = el.q.value.trim();
    state.cursor = null;
    showUrl();
  }
  const params = new URLSearchParams();
  params.set("status", state.status);
  if (state.q) { params.set("q", state.q); }
  if (more && state.cursor) { params.set("cursor", state.cursor); }
  state.loading += 1;
  const ticket = state.loading;
  say(el.listError, "");
  if (more) {
    busy(el.more, true, "Loading…");
  } else {
    el.list.setAttribute("aria-busy", "true");
  }
  const r = await api("GET", clinicPath("/portal-accounts?" + params.toString()));
  if (ticket !== state.loading) { return; } // a newer filter won
  busy(el.more, false);
  el.list.removeAttribute("aria-busy");
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.listError, r.error === "invalid_cursor"
      ? "The list changed while you were paging. Showing it again from the start."
      : problemText(r));
    if (r.error === "invalid_cursor") { load(false); }
    return;
  }
  if (!more) { clear(el.list); }
  let firstNew = null;
  r.data.items.forEach((a) => {
    const node = renderAccount(a);
    if (!firstNew) { firstNew = node; }
    el.list.appendChild(node);
  });
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  el.listStatus.textContent = countText(Boolean(r.data.next_cursor));
  if (more && firstNew) {
    const heading = firstNew.querySelector("h3");
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

el.filters.forEach((input) => input.addEventListener("change", () => load(false)));
el.filterForm.addEventListener("submit", (event) => {
  event.preventDefault();
  load(false);
});
el.more.addEventListener("click", () => {
  if (!el.more.disabled) { load(true); }
});

start({ permission: "portal_accounts.manage", current: PAGE }).then((me) => {
  if (!me) { return; }
  const params = queryParams();
  const wanted = FILTERS.indexOf(params.status) >= 0 ? params.status : "all";
  el.filters.forEach((input) => { input.checked = input.value === wanted; });
  el.q.value = params.q || "";
  load(false);
});
