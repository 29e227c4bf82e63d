/* The signed-in person on a staff page: start the page (sign-in, permission,
 * tools navigation, clinic name), and the redirects any answer may call for. */
import { api, clinicName, loginUrl, problemText, remember, remembered } from "./api.js";
import { $, say } from "./dom.js";
import { fill } from "./staff-links.js";
import { signedOut, watchSession } from "./session-watch.js";

export const state = { me: null, clinicId: null };

export function toLogin(loginType) {
  const clinic = state.clinicId || remembered().clinicId;
  window.location.replace(loginUrl(clinic, loginType || "Staff"));
}

/* Not signed in any more (`r` the 401): to the login page, which says why and
 * brings the person back to this page afterwards. */
export function toLoginAndBack(r, loginType) {
  signedOut(r, loginType || (state.me && state.me.principal.kind === "patient" ? "Patient" : "Staff"),
            state.clinicId || remembered().clinicId);
}

/* Redirects for an answer that means "not signed in any more" or "change your
 * password first". Returns true when the page is leaving. */
export function leaving(r) {
  if (r.status === 401) {
    toLoginAndBack(r);
    return true;
  }
  if (r.status === 403 && r.error === "password_change_required") {
    window.location.replace("/home");
    return true;
  }
  if (r.status === 403 && r.error === "mfa_enrolment_required") {
    window.location.replace("/two-factor");
    return true;
  }
  return false;
}

export function clinicPath(suffix) {
  return "/api/clinics/" + encodeURIComponent(state.clinicId) + (suffix || "");
}

/* The clinic's name in the page header. */
export async function showClinicName(clinicId, into) {
  const clinic = await clinicName(clinicId);
  if (clinic) {
    $("header-clinic").textContent = clinic.name;
    if (into) { into(clinic); }
  }
}

/* GET /api/me; on 401 back to the login page. Resolves with the answer's data,
 * or null when the page has been handled (leaving, or the error is shown). */
export async function whoAmI(loginType) {
  const r = await api("GET", "/api/me");
  if (r.status === 401) {
    toLoginAndBack(r, loginType && loginType());
    return null;
  }
  if (!r.ok || !r.data || !r.data.principal) {
    $("loading").hidden = true;
    say($("page-error"), problemText(r) + " (Reload the page to try again.)");
    return null;
  }
  state.me = r.data;
  state.clinicId = r.data.principal.clinic_id;
  watchSession(r.data);
  return r.data;
}

function showNoPermission(principal) {
  $("loading").hidden = true;
  if (principal.kind !== "staff") {
    $("no-permission-text").textContent = "This page is for clinic staff. Your portal account can't open it.";
  }
  document.title = "Not available · Clinic Portal";
  $("no-permission").hidden = false;
}

/* A page of one's own account (staff or patient): /api/me, or null when the page
 * has been handled (login; a pending password change goes home first). The clinic
 * and login tab are remembered for the next login. */
export async function ownAccountPage(loginType) {
  const me = await whoAmI(loginType);
  if (!me) { return null; }
  if (me.password_change_required) {
    window.location.replace("/home");
    return null;
  }
  remember(me.principal.clinic_id, me.principal.kind === "patient" ? "Patient" : "Staff");
  return me;
}

/* Start a staff page: resolves with /api/me when the person may use it
 * (opts.permission), or null when the page has been handled (login, no permission). */
export async function start(opts) {
  const me = await whoAmI();
  if (!me) { return null; }
  const principal = me.principal;
  if (me.password_change_required) {
    window.location.replace("/home");
    return null;
  }
  if (me.mfa_enrolment_required) {
    window.location.replace("/two-factor");
    return null;
  }
  remember(principal.clinic_id, principal.kind === "patient" ? "Patient" : "Staff");
  showClinicName(principal.clinic_id);
  const nav = $("tool-nav");
  fill(nav, principal, { home: true, short: true, current: opts.current });
  nav.hidden = false;
  const held = principal.kind === "staff" ? principal.permissions || [] : [];
  if (held.indexOf(opts.permission) < 0) {
    showNoPermission(principal);
    return null;
  }
  $("loading").hidden = true;
  $("content").hidden = false;
  return me;
}
