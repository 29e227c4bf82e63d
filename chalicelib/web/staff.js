/* Staff management (administrators): the clinic's staff accounts, adding one
 * (sign-in details shown once), roles, Staff Portal access, disable / enable
 * and password resets. */
(function () {
  "use strict";

  var P = window.Portal;
  var M = window.Manage;
  var h = M.h;
  var $ = function (id) { return document.getElementById(id); };
  var PAGE = "/staff";

  var el = {
    listStatus: $("list-status"),
    listError: $("list-error"),
    list: $("staff-list"),
    more: $("more"),
    addForm: $("add-form"),
    username: $("new-username"),
    firstName: $("new-first-name"),
    lastName: $("new-last-name"),
    email: $("new-email"),
    roles: $("new-roles"),
    portalAccess: $("new-portal-access"),
    addError: $("add-error"),
    addStatus: $("add-status"),
    addCredentials: $("add-credentials"),
    addSubmit: $("add-submit")
  };

  var state = { me: null, cursor: null };

  function roleChoices(container, prefix, chosen) {
    return M.ROLES.map(function (role) {
      var input = h("input", { type: "checkbox", value: role.id, id: prefix + "-" + role.id,
                               checked: chosen.indexOf(role.id) >= 0 });
      container.appendChild(h("label", { className: "choice" }, [
        input, h("span", {}, [role.label, h("small", { text: role.help })])
      ]));
      return input;
    });
  }

  function checkedValues(boxes) {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }

  function isMe(s) {
    return state.me && s.username.toLowerCase() === state.me.principal.username.toLowerCase();
  }

  function staffPath(s, suffix) {
    return M.clinicPath("/staff/" + encodeURIComponent(s.username) + (suffix || ""));
  }

  // ------------------------------------------------------------ one staff member

  function fact(label, value) {
    return h("div", {}, [h("dt", { text: label }), h("dd", { text: value })]);
  }

  var uid = 0;

  function renderStaff(s, message) {
    uid += 1;
    var headingId = "staff-" + uid;
    var name = (s.first_name + " " + s.last_name).trim();
    var status = h("p", { className: "notice", role: "status", tabindex: "-1", hidden: !message, text: message || "" });
    var error = h("p", { className: "alert", role: "alert", hidden: true });
    var panel = h("div", { className: "record-panel" });
    var actions = h("div", { className: "actions actions--compact" });
    var sub = s.username + (s.email ? " · " + s.email : "") + (isMe(s) ? " · This is you" : "");
    var item = h("li", { className: "record", dataset: { username: s.username } }, [
      h("div", { className: "record__head" }, [
        h("h3", { id: headingId, text: name }),
        M.badge(s.status, M.STATUS[s.status] || s.status)
      ]),
      h("p", { className: "record__sub", text: sub }),
      h("dl", { className: "facts" }, [
        fact("Roles", s.roles.map(M.roleLabel).join(", ")),
        fact("Staff Portal access", s.portal_access ? "On" : "Off"),
        fact("Last login", M.when(s.last_login_at))
      ]),
      actions,
      status,
      error,
      panel
    ]);

    function replaceWith(fresh, text) {
      var node = renderStaff(fresh, text);
      item.parentNode.replaceChild(node, item);
      var note = node.querySelector("[role=status]");
      if (text && note) { note.focus(); }
      return node;
    }

    function fail(r, b) {
      if (b) { P.busy(b, false); }
      P.say(error, r.status === 404 ? "This staff member no longer exists. Reload the page." : M.problem(r));
    }

    function button(text, className, handler) {
      var b = h("button", { type: "button", className: "button " + className, text: text,
                            "aria-describedby": headingId });
      b.addEventListener("click", function () {
        if (b.disabled) { return; }
        P.say(status, "");
        P.say(error, "");
        handler(b);
      });
      actions.appendChild(b);
      return b;
    }

    function post(b, busyText, suffix, doneText) {
      P.busy(b, true, busyText);
      P.api("POST", staffPath(s, suffix)).then(function (r) {
        if (M.leaving(r)) { return; }
        if (r.ok && r.data && r.data.staff) {
          replaceWith(r.data.staff, doneText);
        } else {
          fail(r, b);
        }
      });
    }

    function patch(b, busyText, changes, doneText) {
      P.busy(b, true, busyText);
      return P.api("PATCH", staffPath(s), changes).then(function (r) {
        if (M.leaving(r)) { return; }
        if (r.ok && r.data && r.data.staff) {
          replaceWith(r.data.staff, doneText);
        } else {
          fail(r, b);
        }
      });
    }

    var rolesButton = button("Change roles", "button--secondary", function () {
      M.clear(panel);
      var legendId = M.newId("roles");
      var grid = h("div", { className: "choices-grid" });
      var boxes = roleChoices(grid, "roles-" + uid, s.roles);
      var save = h("button", { type: "submit", className: "button button--primary", text: "Save roles" });
      var cancel = h("button", { type: "button", className: "button button--secondary", text: "Cancel" });
      var form = h("form", { className: "form", novalidate: true, "aria-labelledby": legendId }, [
        h("fieldset", {}, [h("legend", { id: legendId, text: "Roles for " + name }), grid]),
        h("div", { className: "actions" }, [save, cancel])
      ]);
      cancel.addEventListener("click", function () { M.clear(panel); rolesButton.focus(); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (save.disabled) { return; }
        var roles = checkedValues(boxes);
        if (!roles.length) {
          P.say(error, "Choose at least one role.");
          return;
        }
        P.say(error, "");
        patch(save, "Saving…", { roles: roles }, "Roles saved.");
      });
      panel.appendChild(form);
      boxes[0].focus();
    });

    if (!isMe(s)) {
      button(s.portal_access ? "Turn Staff Portal access off" : "Turn Staff Portal access on",
        "button--secondary", function (b) {
          patch(b, "Saving…", { portal_access: !s.portal_access },
            s.portal_access ? "Staff Portal access is off. They can't log in until it is turned on again."
                            : "Staff Portal access is on.");
        });
      if (s.status === "disabled") {
        button("Enable", "button--secondary", function (b) {
          post(b, "Enabling…", "/enable", "Enabled.");
        });
      } else {
        button("Disable", "button--outline-danger", function (b) {
          post(b, "Disabling…", "/disable", "Disabled. They can't log in until enabled again.");
        });
      }
      var reset = button("Reset password", "button--secondary", function () {
        M.confirmStep(panel, {
          text: "Reset the password for " + s.username + "? Their current password stops working at once.",
          yes: "Yes, reset the password",
          returnFocus: reset,
          onYes: function (yes, close) {
            P.busy(yes, true, "Resetting…");
            P.api("POST", staffPath(s, "/reset-password")).then(function (r) {
              if (M.leaving(r)) { return; }
              close(true);
              if (r.ok && r.data && r.data.credentials) {
                var node = replaceWith(r.data.staff, "The password was reset.");
                M.showCredentials(node.querySelector(".record-panel"), r.data.credentials, {
                  level: "h4", title: "New sign-in details for " + name
                });
              } else {
                fail(r, null);
              }
            });
          }
        });
      });
    }
    return item;
  }

  // ------------------------------------------------------------ the list

  function load(more) {
    var path = "/staff" + (more && state.cursor ? "?cursor=" + encodeURIComponent(state.cursor) : "");
    if (more) { P.busy(el.more, true, "Loading…"); }
    P.say(el.listError, "");
    return P.api("GET", M.clinicPath(path)).then(function (r) {
      P.busy(el.more, false);
      if (M.leaving(r)) { return; }
      if (!r.ok || !r.data) {
        P.say(el.listError, M.problem(r));
        return;
      }
      if (!more) { M.clear(el.list); }
      r.data.items.forEach(function (s) { el.list.appendChild(renderStaff(s)); });
      state.cursor = r.data.next_cursor;
      el.more.hidden = !r.data.next_cursor;
      var n = el.list.children.length;
      el.listStatus.textContent = (n === 1 ? "1 staff member" : n + " staff members") +
        (r.data.next_cursor ? " shown. Select More to see the rest." : ".");
    });
  }

  el.more.addEventListener("click", function () {
    if (!el.more.disabled) { load(true); }
  });

  // ------------------------------------------------------------ add a staff member

  var newRoleBoxes = roleChoices(el.roles, "new-role", []);

  function addProblem(text, control) {
    P.say(el.addError, text);
    if (control) {
      M.invalid(control, true);
      control.focus();
    }
  }

  el.addForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (el.addSubmit.disabled) { return; }
    P.say(el.addError, "");
    P.say(el.addStatus, "");
    [el.username, el.firstName, el.lastName, el.email].forEach(function (c) { M.invalid(c, false); });
    var body = {
      username: el.username.value.trim(),
      first_name: el.firstName.value.trim(),
      last_name: el.lastName.value.trim(),
      roles: checkedValues(newRoleBoxes),
      portal_access: el.portalAccess.checked
    };
    if (el.email.value.trim()) { body.email = el.email.value.trim(); }
    if (!body.username) { return addProblem("Enter a username.", el.username); }
    if (!body.first_name) { return addProblem("Enter the first name.", el.firstName); }
    if (!body.last_name) { return addProblem("Enter the last name.", el.lastName); }
    if (!body.roles.length) { return addProblem("Choose at least one role.", newRoleBoxes[0]); }
    M.clear(el.addCredentials);
    P.busy(el.addSubmit, true, "Adding…");
    P.api("POST", M.clinicPath("/staff"), body).then(function (r) {
      P.busy(el.addSubmit, false);
      if (M.leaving(r)) { return; }
      if (r.ok && r.data && r.data.staff) {
        var s = r.data.staff;
        el.addForm.reset();
        el.portalAccess.checked = true;
        P.say(el.addStatus, (s.first_name + " " + s.last_name).trim() + " (" + s.username + ") was added.");
        if (r.data.credentials) {
          M.showCredentials(el.addCredentials, r.data.credentials, {
            title: "Sign-in details for " + s.username
          });
        } else {
          el.addStatus.focus();
        }
        load(false);
        return;
      }
      var message = r.message || "";
      var control = null;
      if (r.error === "username_taken" || /username/i.test(message)) {
        control = el.username;
      } else if (r.error === "invalid_email" || /email/.test(message)) {
        control = el.email;
      } else if (/roles/.test(message)) {
        control = newRoleBoxes[0];
      }
      addProblem(M.problem(r), control);
    });
  });

  M.start({ permission: "staff.manage", current: PAGE }).then(function (me) {
    if (!me) { return; }
    state.me = me;
    load(false);
  });
}());
