/* The JSON API client, plain-words error text, and the clinic remembered for
 * this tab. Errors come as {"error": code, "message": sentence}. */
import { pattern } from "./config.js";

const CLINIC_ID_RE = pattern("CLINIC_ID_RE");
const STORE_CLINIC = "portal.clinicID";
const STORE_LOGIN_TYPE = "portal.loginType";

export const TRY_AGAIN = "We couldn't reach the portal just now. Check your internet connection and try again in a moment.";
export const CONFLICT = "Someone else changed this record since you opened it. The current values are shown; " +
  "check them and save again.";

export function isClinicId(value) {
  return CLINIC_ID_RE.test(value);
}

/* Call the JSON API. Always resolves (never throws) with
 * {ok, status, data, error, message, retryAfter, networkError, conflict, notModified, etag}.
 * options.revision: the record revision the change is based on (sent as If-Match).
 * options.etag: the ETag of the last answer (sent as If-None-Match; unchanged: 304, notModified).
 * options.headers: more request headers.
 * options.background: a page's own refresh, not the person's activity: sent with
 * X-Portal-Background: 1 (the server does not keep the session alive for it) and not
 * announced as activity to the idle watch (session-watch.js). */
export async function api(method, path, body, options) {
  const init = {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Accept": "application/json" }
  };
  if (body !== undefined && body !== null) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  Object.assign(init.headers, (options && options.headers) || {});
  const revision = options && options.revision;
  if (revision !== undefined && revision !== null) {
    init.headers["If-Match"] = "\"" + revision + "\"";
  }
  const background = Boolean(options && options.background);
  if (background) {
    init.headers["X-Portal-Background"] = "1";
  }
  if (options && options.etag) {
    init.headers["If-None-Match"] = options.etag;
  }
  let response;
  let text;
  const sentAt = Date.now() / 1000;
  try {
    response = await fetch(path, init);
    text = await response.text();
  } catch (e) {
    return { ok: false, status: 0, data: null, error: null, message: null,
             retryAfter: null, networkError: true, conflict: false, notModified: false, etag: null };
  }
  const retry = parseInt(response.headers.get("Retry-After") || "", 10);
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  const error = data && typeof data.error === "string" ? data.error : null;
  // For the session's idle watch (session-watch.js): every answer restarts its count
  // (not a background poll's: the server did not count it as activity either).
  if (!background) {
    window.dispatchEvent(new CustomEvent("portal:api", { detail: { status: response.status, data, sentAt } }));
  }
  return {
    ok: response.ok,
    status: response.status,
    data,
    error,
    message: data && typeof data.message === "string" ? data.message : null,
    retryAfter: isNaN(retry) ? null : retry,
    networkError: false,
    conflict: response.status === 409 && error === "conflict",
    notModified: response.status === 304,
    etag: response.headers.get("ETag")
  };
}

/* "about 15 minutes" from a Retry-After in seconds. */
export function waitText(seconds) {
  if (seconds === null || seconds === undefined || seconds <= 0) {
    return "a few minutes";
  }
  if (seconds < 90) {
    return "about a minute";
  }
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) {
    return "about " + minutes + " minutes";
  }
  return "about " + Math.round(minutes / 60) + " hours";
}

/* Text for a failure that has no more specific handling on the page. */
export function problemText(result) {
  if (result.networkError || result.status === 0 || result.status >= 500) {
    return TRY_AGAIN;
  }
  if (result.status === 429) {
    return "There have been too many attempts. Please wait " + waitText(result.retryAfter) +
      " and then try again.";
  }
  if (result.conflict) {
    return CONFLICT;
  }
  return result.message || TRY_AGAIN;
}

/* Query parameters, names matched case-insensitively (first one wins). */
export function queryParams() {
  const out = {};
  new URLSearchParams(window.location.search).forEach((value, name) => {
    const key = name.toLowerCase();
    if (!(key in out)) {
      out[key] = value;
    }
  });
  return out;
}

export function normalLoginType(value) {
  return String(value || "").toLowerCase() === "patient" ? "Patient" : "Staff";
}

export function loginUrl(clinicId, loginType) {
  if (!clinicId) {
    return "/";
  }
  const params = new URLSearchParams();
  params.set("clinicID", clinicId);
  params.set("LoginType", normalLoginType(loginType));
  return "/?" + params.toString();
}

function storage() {
  try { return window.sessionStorage; } catch (e) { return null; }
}

export function remember(clinicId, loginType) {
  const s = storage();
  if (!s) { return; }
  try {
    s.setItem(STORE_CLINIC, clinicId);
    s.setItem(STORE_LOGIN_TYPE, normalLoginType(loginType));
  } catch (e) { /* private mode: not remembering is fine */ }
}

export function remembered() {
  const s = storage();
  let id = null;
  let type = null;
  if (s) {
    try {
      id = s.getItem(STORE_CLINIC);
      type = s.getItem(STORE_LOGIN_TYPE);
    } catch (e) { id = null; }
  }
  return { clinicId: id && CLINIC_ID_RE.test(id) ? id : null, loginType: normalLoginType(type) };
}

/* The clinic's display name (null when it can't be had). */
export async function clinicName(clinicId) {
  const r = await api("GET", "/api/clinics/" + encodeURIComponent(clinicId));
  return r.ok && r.data && r.data.name ? r.data : null;
}
