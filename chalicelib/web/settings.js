/* Clinic settings (administrators): CAPTCHA, lockout, sessions, password
 * policy and invitation lifetime. Only changed settings are sent; the server
 * checks every value and its message is shown next to the field it names. */
(function () {
  "use strict";

  var P = window.Portal;
  var M = window.Manage;
  var $ = function (id) { return document.getElementById(id); };

  var NUMBERS = ["lockout_threshold", "lockout_minutes", "ip_failure_limit", "idle_timeout_minutes",
                 "absolute_timeout_hours", "password_min_length", "password_min_classes", "invitation_hours"];

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

  function labelFor(name) {
    var label = document.querySelector("label[for='" + name + "']");
    return label ? label.textContent.trim() : name;
  }

  function clearInvalid() {
    NUMBERS.concat(["captcha_required"]).forEach(function (name) { M.invalid($(name), false); });
  }

  function fill(settings) {
    saved = settings;
    el.captcha.checked = Boolean(settings.captcha_required);
    NUMBERS.forEach(function (name) { $(name).value = String(settings[name]); });
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
    return out;
  }

  /* "settings.lockout_threshold must be ..." → "Failed attempts before lockout must be ...". */
  function explain(r) {
    var message = M.problem(r);
    var match = /settings\.([a-z_]+)/.exec(r.message || "");
    if (match && $(match[1])) {
      return { text: message.replace(match[0], labelFor(match[1])), control: $(match[1]) };
    }
    return { text: message, control: null };
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!saved || el.save.disabled) { return; }
    P.say(el.error, "");
    P.say(el.status, "");
    clearInvalid();
    var body = changes();
    if (!Object.keys(body).length) {
      P.say(el.status, "Nothing to save: no setting has changed.");
      return;
    }
    P.busy(el.save, true, "Saving…");
    P.api("PATCH", M.clinicPath("/settings"), body).then(function (r) {
      P.busy(el.save, false);
      if (M.leaving(r)) { return; }
      if (r.ok && r.data && r.data.settings) {
        fill(r.data.settings);
        var n = Object.keys(body).length;
        P.say(el.status, n === 1 ? "Setting saved." : n + " settings saved.");
        el.status.focus();
        return;
      }
      var problem = explain(r);
      P.say(el.error, problem.text + (r.status === 400 ? " Nothing was changed." : ""));
      if (problem.control) {
        M.invalid(problem.control, true);
        problem.control.setAttribute("aria-errormessage", "settings-error");
        problem.control.focus();
      }
    });
  });

  el.undo.addEventListener("click", function () {
    if (!saved) { return; }
    fill(saved);
    P.say(el.error, "");
    P.say(el.status, "Changes undone.");
  });

  M.start({ permission: "clinic.settings", current: "/settings" }).then(function (me) {
    if (!me) { return; }
    P.api("GET", M.clinicPath("/settings")).then(function (r) {
      if (M.leaving(r)) { return; }
      if (r.ok && r.data && r.data.settings) {
        el.clinicName.textContent = r.data.name;
        fill(r.data.settings);
      } else {
        el.form.hidden = true;
        P.say($("page-error"), M.problem(r) + " (Reload the page to try again.)");
      }
    });
  });
}());
