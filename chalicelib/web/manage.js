/* Shared by the staff management pages (portal account setup, User Management,
 * staff, clinic settings): who is signed in and what they may do, the tools
 * navigation, a safe DOM builder, a confirm step, and the panel that shows new
 * sign-in details once. Builds on portal.js (window.Portal). No inline code. */
(function () {
  "use strict";

  var P = window.Portal;
  var $ = function (id) { return document.getElementById(id); };

  var SECTIONS = [
    { id: "appointments", label: "Appointments" },
    { id: "visit_summaries", label: "Visit summaries" },
    { id: "test_results", label: "Test results" },
    { id: "messages", label: "Messages" },
    { id: "refills", label: "Prescription refills" },
    { id: "billing", label: "Billing" },
    { id: "forms", label: "Forms" }
  ];
  var ACCESS = { self: "Self", authorized_rep: "Authorized representative" };
  var STATUS = { active: "Enabled", disabled: "Disabled", invited: "Invited" };
  var INVITATION = {
    pending: "Being sent",
    sent: "Email sent",
    failed: "Email not sent",
    expired: "Link expired",
    accepted: "Accepted"
  };
  var ROLES = [
    { id: "admin", label: "Administrator", help: "Manages staff, clinic settings and portal accounts" },
    { id: "front_desk", label: "Front desk", help: "Sets up and manages patient portal accounts" },
    { id: "clinician", label: "Clinician", help: "No management tools" }
  ];

  var state = { me: null, clinicId: null };

  /* ------------------------------------------------------------ DOM */

  /* h("p", {className: "x", text: "..."}, [children]): never parses HTML. */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") {
        node.textContent = value;
      } else if (key === "className") {
        node.className = value;
      } else if (key === "dataset") {
        Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
      } else if (key === "hidden" || key === "disabled" || key === "checked" || key === "readOnly") {
        node[key] = Boolean(value);
      } else {
        node.setAttribute(key, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node && node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  var uid = 0;
  function newId(prefix) {
    uid += 1;
    return (prefix || "id") + "-" + uid;
  }

  /* Mark a control invalid (or not) for assistive technology and the eye. */
  function invalid(control, on) {
    if (!control) { return; }
    if (on) {
      control.setAttribute("aria-invalid", "true");
    } else {
      control.removeAttribute("aria-invalid");
    }
  }

  /* ------------------------------------------------------------ words */

  function when(iso) {
    if (!iso) { return "Never"; }
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return iso; }
    try {
      return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return date.toLocaleString();
    }
  }

  function day(isoDate) {
    if (!isoDate) { return ""; }
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
    if (!parts) { return isoDate; }
    var date = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    try {
      return date.toLocaleDateString(undefined, { dateStyle: "medium" });
    } catch (e) {
      return isoDate;
    }
  }

  function sectionLabel(id) {
    for (var i = 0; i < SECTIONS.length; i += 1) {
      if (SECTIONS[i].id === id) { return SECTIONS[i].label; }
    }
    return id;
  }

  function sectionList(ids) {
    if (!ids || !ids.length) { return "None"; }
    return ids.map(sectionLabel).join(", ");
  }

  function roleLabel(id) {
    for (var i = 0; i < ROLES.length; i += 1) {
      if (ROLES[i].id === id) { return ROLES[i].label; }
    }
    return id;
  }

  function badge(kind, text) {
    return h("span", { className: "badge badge--" + kind, text: text });
  }

  /* ------------------------------------------------------------ the signed-in person */

  function toLogin() {
    var clinic = state.clinicId || P.remembered().clinicId;
    window.location.replace(P.loginUrl(clinic, "Staff"));
  }

  /* Redirects for an answer that means "not signed in any more" or "change your
   * password first". Returns true when the page is leaving. */
  function leaving(r) {
    if (r.status === 401) {
      toLogin();
      return true;
    }
    if (r.status === 403 && r.error === "password_change_required") {
      window.location.replace("/home");
      return true;
    }
    return false;
  }

  function problem(r) {
    return P.problemText(r);
  }

  function clinicPath(suffix) {
    return "/api/clinics/" + encodeURIComponent(state.clinicId) + (suffix || "");
  }

  function showClinicName(clinicId) {
    var header = $("header-clinic");
    P.api("GET", "/api/clinics/" + encodeURIComponent(clinicId)).then(function (r) {
      if (r.ok && r.data && r.data.name && header) {
        header.textContent = r.data.name;
        state.clinicName = r.data.name;
      }
    });
  }

  function showNoPermission(principal) {
    $("loading").hidden = true;
    var section = $("no-permission");
    var text = $("no-permission-text");
    if (principal.kind !== "staff") {
      text.textContent = "This page is for clinic staff. Your portal account can't open it.";
    }
    document.title = "Not available · Clinic Portal";
    section.hidden = false;
  }

  /* Start a staff page: resolves with /api/me when the person may use it
   * (opts.permission), or null when the page has been handled (login, no permission). */
  function start(opts) {
    return P.api("GET", "/api/me").then(function (r) {
      if (r.status === 401) {
        toLogin();
        return null;
      }
      if (!r.ok || !r.data || !r.data.principal) {
        $("loading").hidden = true;
        P.say($("page-error"), problem(r) + " (Reload the page to try again.)");
        return null;
      }
      var me = r.data;
      var principal = me.principal;
      state.me = me;
      state.clinicId = principal.clinic_id;
      if (me.password_change_required) {
        window.location.replace("/home");
        return null;
      }
      P.remember(principal.clinic_id, principal.kind === "patient" ? "Patient" : "Staff");
      showClinicName(principal.clinic_id);
      var nav = $("tool-nav");
      if (nav && window.StaffLinks) {
        window.StaffLinks.fill(nav, principal, { home: true, short: true, current: opts.current });
        nav.hidden = false;
      }
      var held = principal.kind === "staff" ? principal.permissions || [] : [];
      if (held.indexOf(opts.permission) < 0) {
        showNoPermission(principal);
        return null;
      }
      $("loading").hidden = true;
      $("content").hidden = false;
      return me;
    });
  }

  /* ------------------------------------------------------------ confirm step */

  /* An inline "are you sure?" in `container`. opts: {text, yes, onYes(button, close), returnFocus}. */
  function confirmStep(container, opts) {
    clear(container);
    var textId = newId("confirm");
    var yes = h("button", { type: "button", className: "button button--danger", text: opts.yes });
    var no = h("button", { type: "button", className: "button button--secondary", text: "Cancel" });
    var box = h("div", { className: "confirm", role: "group", tabindex: "-1", "aria-labelledby": textId }, [
      h("p", { id: textId, text: opts.text }),
      h("div", { className: "actions" }, [yes, no])
    ]);
    function close(keepFocus) {
      if (box.parentNode) { box.parentNode.removeChild(box); }
      if (!keepFocus && opts.returnFocus) { opts.returnFocus.focus(); }
    }
    no.addEventListener("click", function () { close(false); });
    yes.addEventListener("click", function () {
      if (yes.disabled) { return; }
      opts.onYes(yes, close);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(false); }
    });
    container.appendChild(box);
    box.focus();
    return { close: close, box: box };
  }

  /* ------------------------------------------------------------ sign-in details, shown once */

  function selectText(node) {
    try {
      var range = document.createRange();
      range.selectNodeContents(node);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    } catch (e) {
      return false;
    }
  }

  /* Show new sign-in details once, in `container`: the ready-to-paste message and a
   * Copy button. They live only in this panel: never stored, never in the address,
   * gone on Close, on leaving the page and on reload. */
  function showCredentials(container, credentials, opts) {
    var o = opts || {};
    clear(container);
    var headingId = newId("credentials");
    var status = h("p", { className: "notice", role: "status", hidden: true });
    var text = h("pre", { className: "credentials__text", tabindex: "0",
                          "aria-label": "Sign-in details for " + credentials.username,
                          text: credentials.message });
    var copy = h("button", { type: "button", className: "button button--primary", text: "Copy" });
    var close = h("button", { type: "button", className: "button button--secondary", text: "Close" });
    var panel = h("section", { className: "credentials", tabindex: "-1", "aria-labelledby": headingId,
                               "data-credentials": "" }, [
      h(o.level || "h2", { id: headingId, text: o.title || "Sign-in details" }),
      h("p", { className: "warning", text: "Shown only this once. Copy it now and pass it on privately: " +
        "once you close it or leave this page it can't be shown again (Reset password makes a new one)." }),
      h("dl", { className: "credentials__facts" }, [
        h("div", {}, [h("dt", { text: "Username" }), h("dd", { text: credentials.username })]),
        h("div", {}, [h("dt", { text: "Temporary password" }),
                      h("dd", { className: "credentials__password", text: credentials.temporary_password })])
      ]),
      h("p", { text: "The message to pass on:" }),
      text,
      h("div", { className: "actions" }, [copy, close]),
      status
    ]);

    function copied() {
      P.say(status, "Copied. Paste it into a message or letter for " + credentials.username + ".");
    }
    function fallback() {
      var selected = selectText(text);
      var ok = false;
      if (selected) {
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      }
      if (ok) {
        copied();
      } else {
        P.say(status, "Your browser didn't allow copying. The message is selected: press Ctrl+C " +
          "(Command+C on a Mac), or touch and hold it and choose Copy.");
      }
    }
    copy.addEventListener("click", function () {
      if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
        navigator.clipboard.writeText(credentials.message).then(copied, fallback);
      } else {
        fallback();
      }
    });
    close.addEventListener("click", function () {
      clear(container);
      if (o.onClose) { o.onClose(); }
    });
    container.appendChild(panel);
    panel.focus();
    return panel;
  }

  /* Nothing shown once may outlive the page (back/forward cache included). */
  window.addEventListener("pagehide", function () {
    var panels = document.querySelectorAll("[data-credentials]");
    Array.prototype.forEach.call(panels, function (panel) {
      if (panel.parentNode) { panel.parentNode.removeChild(panel); }
    });
  });

  window.Manage = {
    SECTIONS: SECTIONS,
    ACCESS: ACCESS,
    STATUS: STATUS,
    INVITATION: INVITATION,
    ROLES: ROLES,
    h: h,
    clear: clear,
    newId: newId,
    invalid: invalid,
    when: when,
    day: day,
    sectionLabel: sectionLabel,
    sectionList: sectionList,
    roleLabel: roleLabel,
    badge: badge,
    start: start,
    leaving: leaving,
    problem: problem,
    clinicPath: clinicPath,
    state: state,
    confirmStep: confirmStep,
    showCredentials: showCredentials,
    toLogin: toLogin
  };
}());
