/* The session's idle timeout, seen from the page: a warning a couple of minutes
 * before it ends with a "Stay signed in" button (a signed-in request, which
 * restarts the count), and, when a request meets the ended session, the way to
 * the login page that says why and comes back here afterwards.
 *
 * The server writes a session's last use at most every minute (a quarter of a
 * shorter timeout), so after a request the page only knows the session lasts at
 * least `idle - that interval` more; /api/me says exactly (session_expires_in). */
import { api, loginUrl, remembered } from "./api.js";
import { h } from "./dom.js";

const SIGNED_OUT = "portal.signedOut";
const WARN_BEFORE_S = 120;

const watch = { idleS: 0, touchS: 0, endsAt: 0, timer: null, banner: null, leaving: false };

function nowS() { return Date.now() / 1000; }

function aboutText(seconds) {
  if (seconds < 90) { return "in less than a minute"; }
  return "in about " + Math.round(seconds / 60) + " minutes";
}

function hideWarning() {
  if (watch.banner) { watch.banner.hidden = true; }
  document.body.style.paddingBottom = "";
}

function showWarning() {
  if (!watch.banner) {
    // Not a dialog and no focus move: the person may be typing in a field. The
    // text is an alert, so screen readers announce it when it is filled in.
    const stay = h("button", { type: "button", className: "button button--primary", text: "Stay signed in" });
    stay.addEventListener("click", () => {
      if (stay.disabled) { return; }
      stay.disabled = true;
      api("GET", "/api/me").then((r) => {  // observed below like any request
        stay.disabled = false;
        if (r.ok) { hideWarning(); }
      });
    });
    watch.banner = h("section", { className: "session-warning", "aria-labelledby": "session-warning-title" }, [
      h("h2", { id: "session-warning-title", className: "session-warning__title", text: "Still there?" }),
      h("p", { id: "session-warning-text", className: "session-warning__text", role: "alert" }),
      stay
    ]);
    document.body.appendChild(watch.banner);
  }
  watch.banner.hidden = false;
  // Room below the page, so what the warning covers can be scrolled above it.
  document.body.style.paddingBottom = (watch.banner.offsetHeight + 24) + "px";
  const left = Math.max(0, watch.endsAt - nowS());
  document.getElementById("session-warning-text").textContent =
    "For your security you will be signed out " + aboutText(left) + " because nothing has been sent " +
    "for a while. Anything you have typed but not saved would be lost.";
}

function schedule() {
  if (watch.timer) { window.clearTimeout(watch.timer); }
  if (!watch.idleS) { return; }
  const warnBefore = Math.min(WARN_BEFORE_S, watch.idleS / 2);
  const wait = Math.max(0, (watch.endsAt - warnBefore - nowS()) * 1000);
  watch.timer = window.setTimeout(showWarning, wait);
}

/* Start watching, from /api/me's answer (idle_timeout_minutes, session_expires_in). */
export function watchSession(me) {
  if (!me || !me.idle_timeout_minutes) { return; }
  watch.idleS = me.idle_timeout_minutes * 60;
  watch.touchS = Math.max(1, Math.min(60, Math.floor(watch.idleS / 4)));
  watch.endsAt = nowS() + (typeof me.session_expires_in === "number" ? me.session_expires_in : watch.idleS);
  schedule();
}

/* Every answer of the API (api.js announces them): a signed-in one restarts the count. */
window.addEventListener("portal:api", (event) => {
  const d = event.detail;
  if (!watch.idleS || d.status === 0 || d.status === 401) { return; }
  if (d.data && typeof d.data.session_expires_in === "number") {
    watch.endsAt = d.sentAt + d.data.session_expires_in;  // exact: /api/me
  } else {
    watch.endsAt = Math.max(watch.endsAt, d.sentAt + watch.idleS - watch.touchS);  // at least this long
  }
  hideWarning();
  schedule();
});

/* A same-origin path of this portal to come back to after logging in, or null.
 * Only a relative path ("/staff?x=1"): never another site, never "//host". */
export function safeReturnPath(value) {
  if (typeof value !== "string" || value.length > 2000 || value.charAt(0) !== "/" ||
      /^\/[\/\\]/.test(value) || /[\u0000-\u001f\\]/.test(value)) {
    return null;
  }
  let url;
  try { url = new URL(value, window.location.origin); } catch (e) { return null; }
  if (url.origin !== window.location.origin || url.pathname === "/") { return null; }
  return url.pathname + url.search;
}

/* Off to the login page: with why (an ended session's message, shown there) and
 * this page to come back to. */
export function signedOut(r, loginType, clinicId) {
  if (watch.leaving) { return; }
  watch.leaving = true;
  if (r && r.error === "session_expired" && r.message) {
    try { window.sessionStorage.setItem(SIGNED_OUT, r.message); } catch (e) { /* not remembering is fine */ }
  }
  const known = remembered();
  let target = loginUrl(clinicId || known.clinicId, loginType || known.loginType);
  const back = safeReturnPath(window.location.pathname + window.location.search);
  if (back) {
    target += (target.indexOf("?") >= 0 ? "&" : "?") + "next=" + encodeURIComponent(back);
  }
  window.location.replace(target);
}

/* The login page: why the last session ended (once), or null. */
export function signedOutMessage() {
  try {
    const message = window.sessionStorage.getItem(SIGNED_OUT);
    window.sessionStorage.removeItem(SIGNED_OUT);
    return message;
  } catch (e) {
    return null;
  }
}
