/* The staff tools, and who may use each: one list for the home page's
 * navigation and the management pages' own navigation. A link is shown only
 * when the signed-in staff member holds its permission (from GET /api/me). */
import { clear, h } from "./dom.js";

export const LINKS = [
  { href: "/inbox", text: "Messages inbox", short: "Inbox", permission: "messages.manage" },
  { href: "/forms-review", text: "Submitted forms", short: "Forms", permission: "forms.review" },
  { href: "/schedule", text: "Schedule", short: "Schedule", permission: "appointments.manage" },
  { href: "/appointment-requests", text: "Appointment requests", short: "Requests",
    permission: "appointments.manage" },
  { href: "/documents", text: "Documents and results", short: "Documents", permission: "documents.manage" },
  { href: "/refill-requests", text: "Refill requests", short: "Refills", permission: "refills.manage" },
  { href: "/statements", text: "Billing statements", short: "Billing", permission: "billing.manage" },
  { href: "/patients", text: "Patients", short: "Patients", permission: "patients.manage" },
  { href: "/portal-accounts/setup", text: "Set up a patient portal account", short: "Account setup",
    permission: "portal_accounts.manage" },
  { href: "/portal-accounts", text: "User Management", short: "User Management",
    permission: "portal_accounts.manage" },
  { href: "/form-templates", text: "Form templates", short: "Form templates", permission: "portal_accounts.manage" },
  { href: "/medications", text: "Medications", short: "Medications", permission: "medications.manage" },
  { href: "/staff", text: "Staff", short: "Staff", permission: "staff.manage" },
  { href: "/settings", text: "Clinic settings", short: "Settings", permission: "clinic.settings" },
  { href: "/integrations", text: "Integrations (EHR keys)", short: "Integrations", permission: "clinic.settings" },
  { href: "/audit", text: "Audit log", short: "Audit log", permission: "audit.view" }
];

/* May this principal open the audit log? (The "Sign-in activity" links.) */
export function canAudit(principal) {
  return Boolean(principal && principal.kind === "staff" &&
                 (principal.permissions || []).indexOf("audit.view") >= 0);
}

/* The audit log filtered to one person's sign-ins. */
export function signInActivityHref(username) {
  return "/audit?" + new URLSearchParams({ person: username, kind: "login" }).toString();
}

/* The links this principal may use (none for patients). */
export function allowed(principal) {
  if (!principal || principal.kind !== "staff") {
    return [];
  }
  const held = principal.permissions || [];
  return LINKS.filter((link) => held.indexOf(link.permission) >= 0);
}

/* Fill a <nav> with the allowed links; returns how many there are.
 * `current` (a path) is marked aria-current="page"; `short` uses the short names. */
export function fill(nav, principal, options) {
  const opts = options || {};
  clear(nav);
  let links = allowed(principal);
  if (opts.home) {
    links = [{ href: "/home", text: "Home", short: "Home" }].concat(links);
  }
  links.forEach((link) => {
    nav.appendChild(h("a", { href: link.href, text: opts.short ? link.short : link.text,
                             "aria-current": opts.current === link.href ? "page" : null }));
  });
  return links.length;
}
