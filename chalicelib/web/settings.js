/* Clinic settings (administrators): CAPTCHA, lockout, sessions, password
 * policy and invitation lifetime. Only changed settings are sent; the server
 * checks every value and its message is shown next to the field it names. */
import { api, CONFLICT, problemText } from "./api.js";
import { $, busy, invalid, say } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";
import { fillMfa, mfaChanges } from "./settings-mfa.js";

var NUMBERS = ["captcha_after_failures", "lockout_threshold", "lockout_minutes", "ip_failure_limit", "idle_timeout_minutes",
               "absolute_timeout_hours", "password_min_length", "password_min_classes", "invitation_hours",
               "cancellation_window_hours"];

var el = {
  form: $("settings-form"),
  captcha: $("captcha_required"),
  clinicName: $("clinic-name"),
  error: $("settings-error"),
  status: $("settings-status"),
  save: $("settings-save"),
  undo: $("settings-undo")
};

var saved = null; // the settings as the server last reported them
var revision = null; // and their revision (sent as If-Match with a change)

function labelFor(name) {
  var label = document.querySelector("label[for='" + name + "']");
  return label ? label.textContent.trim() : name;
}

function clearInvalid() {
  NUMBERS.concat(["captcha_required", "message_topics", "payment_url", "currency"]).forEach(function (name) { invalid($(name), false); });
}

/* The revision of a settings reply (on the reply, or inside its settings). */
function revisionOf(data) {
  if (data.revision !== undefined) { return data.revision; }
  return data.settings.revision !== undefined ? data.settings.revision : null;
}

function fill(settings, data) {
  saved = settings;
  if (data) { revision = revisionOf(data); }
  el.captcha.checked = Boolean(settings.captcha_required);
  NUMBERS.forEach(function (name) { $(name).value = String(settings[name]); });
  fillMfa(settings);
  $("message_topics").value = (settings.message_topics || []).join("\n");
  $("payment_url").value = settings.payment_url || "";
  $("currency").value = settings.currency || "USD";
  clearInvalid();
}

function changes() {
  var out = {};
  if (el.captcha.checked !== Boolean(saved.captcha_required)) {
    out.captcha_required = el.captcha.checked;
  }
  NUMBERS.forEach(function (name) {
    var raw = $(name).value.trim();
    var value = /^\d{1,9}$/.test(raw) ? parseInt(raw, 10) : raw; // anything else: the server explains
    if (value !== saved[name]) {
      out[name] = value;
    }
  });
  mfaChanges(saved, out);
  var topics = $("message_topics").value.split("\n").map(function (t) { return t.trim(); })
    .filter(function (t) { return t; });
  if (topics.join("\n") !== (saved.message_topics || []).join("\n")) {
    out.message_topics = topics;
  }
  var url = $("payment_url").value.trim();
  if (url !== (saved.payment_url || "")) {
    out.payment_url = url || null;
  }
  if ($("currency").value !== (saved.currency || "USD")) {
    out.currency = $("currency").value;
  }
  return out;
}

/* "settings.lockout_threshold must be ..." → "Failed attempts before lockout must be ...". */
function explain(r) {
  var message = problemText(r);
  var match = /settings\.([a-z_]+)/.exec(r.message || "");
  if (match && $(match[1])) {
    return { text: message.replace(match[0], labelFor(match[1])), control: $(match[1]) };
  }
  return { text: message, control: null };
}

el.form.addEventListener("submit", function (event) {
  event.preventDefault();
  if (!saved || el.save.disabled) { return; }
  say(el.error, "");
  say(el.status, "");
  clearInvalid();
  var body = changes();
  if (!Object.keys(body).length) {
    say(el.status, "Nothing to save: no setting has changed.");
    return;
  }
  busy(el.save, true, "Saving…");
  api("PATCH", clinicPath("/settings"), body, { revision: revision }).then(function (r) {
    busy(el.save, false);
    if (leaving(r)) { return; }
    if (r.conflict) {
      loadSettings(CONFLICT);
      return;
    }
    if (r.ok && r.data && r.data.settings) {
      fill(r.data.settings, r.data);
      var n = Object.keys(body).length;
      say(el.status, n === 1 ? "Setting saved." : n + " settings saved.");
      el.status.focus();
      return;
    }
    var problem = explain(r);
    say(el.error, problem.text + (r.status === 400 ? " Nothing was changed." : ""));
    if (problem.control) {
      invalid(problem.control, true);
      problem.control.setAttribute("aria-errormessage", "settings-error");
      problem.control.focus();
    }
  });
});

el.undo.addEventListener("click", function () {
  if (!saved) { return; }
  fill(saved);
  say(el.error, "");
  say(el.status, "Changes undone.");
});

/* Show the settings as they are now; `problem`: why they were read again. */
function loadSettings(problem) {
  return api("GET", clinicPath("/settings")).then(function (r) {
    if (leaving(r)) { return; }
    if (r.ok && r.data && r.data.settings) {
      el.clinicName.textContent = r.data.name;
      fill(r.data.settings, r.data);
      if (problem) {
        say(el.error, problem);
        el.error.setAttribute("tabindex", "-1");
        el.error.focus();
      }
    } else {
      el.form.hidden = true;
      say($("page-error"), problemText(r) + " (Reload the page to try again.)");
    }
  });
}

start({ permission: "clinic.settings", current: "/settings" }).then(function (me) {
  if (me) { loadSettings(""); }
});
