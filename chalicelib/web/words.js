/* How the staff pages put records into words: dates, statuses, badges. */
import { h } from "./dom.js";

export const STATUS = { active: "Enabled", disabled: "Disabled", invited: "Invited", expired: "Expired" };
export const INVITATION = {
  pending: "Being sent",
  sent: "Email sent",
  failed: "Email not sent",
  expired: "Link expired",
  cancelled: "Link cancelled by a change; resend it",
  accepted: "Accepted"
};

export function when(iso) {
  if (!iso) { return "Never"; }
  const date = new Date(iso);
  if (isNaN(date.getTime())) { return iso; }
  try {
    return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  } catch (e) {
    return date.toLocaleString();
  }
}

export function day(isoDate) {
  if (!isoDate) { return ""; }
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parts) { return isoDate; }
  const date = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
  try {
    return date.toLocaleDateString(undefined, { dateStyle: "medium" });
  } catch (e) {
    return isoDate;
  }
}

export function badge(kind, text) {
  return h("span", { className: "badge badge--" + kind, text });
}

/* An account's status badge: an invitation whose email failed shows as such. */
export function statusBadge(record) {
  const kind = record.status === "invited" && record.invitation_status === "failed" ? "failed" : record.status;
  return badge(kind, STATUS[record.status] || record.status);
}

/* "Locked until 10:42": when a login lockout ends, in the viewer's local time
 * (with the date when that is not today). */
export function lockedText(iso) {
  const date = new Date(iso);
  if (isNaN(date.getTime())) { return "Locked"; }
  const today = new Date().toDateString() === date.toDateString();
  let text;
  try {
    text = today ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
      : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  } catch (e) {
    text = date.toLocaleString();
  }
  return "Locked until " + text;
}

/* A record's status badge, and "Locked until ..." beside it while its login is locked. */
export function badges(statusNode, record) {
  if (!record.locked_until) { return statusNode; }
  return h("span", { className: "badges" }, [statusNode, badge("locked", lockedText(record.locked_until))]);
}

export function fullName(record) {
  return ((record.first_name || "") + " " + (record.last_name || "")).trim();
}

/* The clinic's password rules in words, shown under a new-password field before
 * the first attempt (the invitation page and a forced change on the home page). */
export function passwordRules(policy) {
  let text = "Use at least " + policy.min_length + " characters";
  if (policy.min_classes > 0) {
    text += ", with at least " + policy.min_classes +
      " of these kinds: lowercase letters, capital letters, digits, symbols";
  }
  return text + ". A few unrelated words together make a strong password that's easy to remember. " +
    "Don't reuse a password from another site, and don't include your name, your username, " +
    "or the clinic's name or Clinic ID.";
}
