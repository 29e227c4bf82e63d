/* Shared helpers for the portal's pages: JSON calls to the API, plain-words
 * error text, the clinic remembered for this tab, and small DOM helpers.
 * No inline code anywhere (the pages run under a strict Content-Security-Policy). */
(function () {
  "use strict";

  var CLINIC_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
  var STORE_CLINIC = "portal.clinicID";
  var STORE_LOGIN_TYPE = "portal.loginType";

  /* Call the JSON API. Always resolves (never throws) with
   * {ok, status, data, error, message, retryAfter, networkError}. */
  function api(method, path, body) {
    var init = {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      var retry = parseInt(response.headers.get("Retry-After") || "", 10);
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        return {
          ok: response.ok,
          status: response.status,
          data: data,
          error: data && typeof data.error === "string" ? data.error : null,
          message: data && typeof data.message === "string" ? data.message : null,
          retryAfter: isNaN(retry) ? null : retry,
          networkError: false
        };
      });
    }, function () {
      return { ok: false, status: 0, data: null, error: null, message: null,
               retryAfter: null, networkError: true };
    });
  }

  /* "about 15 minutes" from a Retry-After in seconds. */
  function waitText(seconds) {
    if (seconds === null || seconds === undefined || seconds <= 0) {
      return "a few minutes";
    }
    if (seconds < 90) {
      return "about a minute";
    }
    var minutes = Math.ceil(seconds / 60);
    if (minutes < 120) {
      return "about " + minutes + " minutes";
    }
    return "about " + Math.round(minutes / 60) + " hours";
  }

  var TRY_AGAIN = "We couldn't reach the portal just now. Check your internet connection and try again in a moment.";

  /* Text for a failure that has no more specific handling on the page. */
  function problemText(result) {
    if (result.networkError || result.status === 0 || result.status >= 500) {
      return TRY_AGAIN;
    }
    if (result.status === 429) {
      return "There have been too many attempts. Please wait " + waitText(result.retryAfter) +
        " and then try again.";
    }
    return result.message || TRY_AGAIN;
  }

  /* Query parameters, names matched case-insensitively (first one wins). */
  function queryParams() {
    var out = {};
    new URLSearchParams(window.location.search).forEach(function (value, name) {
      var key = name.toLowerCase();
      if (!(key in out)) {
        out[key] = value;
      }
    });
    return out;
  }

  function normalLoginType(value) {
    return String(value || "").toLowerCase() === "patient" ? "Patient" : "Staff";
  }

  function loginUrl(clinicId, loginType) {
    if (!clinicId) {
      return "/";
    }
    var params = new URLSearchParams();
    params.set("clinicID", clinicId);
    params.set("LoginType", normalLoginType(loginType));
    return "/?" + params.toString();
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function remember(clinicId, loginType) {
    var s = storage();
    if (!s) { return; }
    try {
      s.setItem(STORE_CLINIC, clinicId);
      s.setItem(STORE_LOGIN_TYPE, normalLoginType(loginType));
    } catch (e) { /* private mode: not remembering is fine */ }
  }

  function remembered() {
    var s = storage();
    var id = null;
    var type = null;
    if (s) {
      try {
        id = s.getItem(STORE_CLINIC);
        type = s.getItem(STORE_LOGIN_TYPE);
      } catch (e) { id = null; }
    }
    return { clinicId: id && CLINIC_ID_RE.test(id) ? id : null, loginType: normalLoginType(type) };
  }

  /* Show a message in an alert/status element, or hide it when text is empty. */
  function say(el, text) {
    if (!el) { return; }
    el.textContent = text || "";
    el.hidden = !text;
  }

  function busy(button, isBusy, busyLabel) {
    if (!button) { return; }
    if (isBusy) {
      if (!button.dataset.label) { button.dataset.label = button.textContent; }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      if (busyLabel) { button.textContent = busyLabel; }
    } else {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      if (button.dataset.label) { button.textContent = button.dataset.label; }
    }
  }

  window.Portal = {
    CLINIC_ID_RE: CLINIC_ID_RE,
    TRY_AGAIN: TRY_AGAIN,
    api: api,
    waitText: waitText,
    problemText: problemText,
    queryParams: queryParams,
    normalLoginType: normalLoginType,
    loginUrl: loginUrl,
    remember: remember,
    remembered: remembered,
    say: say,
    busy: busy
  };
}());
