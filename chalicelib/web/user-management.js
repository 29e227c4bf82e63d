/* User Management: the clinic's patient portal accounts, filtered by status,
 * a page at a time, with each account's actions. /portal-accounts?status=... */
(function () {
  "use strict";

  var P = window.Portal;
  var M = window.Manage;
  var h = M.h;
  var $ = function (id) { return document.getElementById(id); };
  var PAGE = "/portal-accounts";
  var FILTERS = ["enabled", "disabled", "invited", "all"];
  var FILTER_WORDS = { enabled: "enabled", disabled: "disabled", invited: "invited", all: "" };

  var el = {
    filterForm: $("filter-form"),
    filters: Array.prototype.slice.call(document.querySelectorAll("input[name=status]")),
    q: $("q"),
    search: $("search"),
    listStatus: $("list-status"),
    listError: $("list-error"),
    list: $("accounts"),
    more: $("more")
  };

  var state = { status: "all", q: "", cursor: null, loading: 0 };

  function currentFilter() {
    for (var i = 0; i < el.filters.length; i += 1) {
      if (el.filters[i].checked) { return el.filters[i].value; }
    }
    return "all";
  }

  function setUrl() {
    var params = new URLSearchParams();
    if (state.status !== "all") { params.set("status", state.status); }
    if (state.q) { params.set("q", state.q); }
    var query = params.toString();
    try { window.history.replaceState(null, "", PAGE + (query ? "?" + query : "")); } catch (e) { /* fine */ }
  }

  // ------------------------------------------------------------ one account

  function fact(label, value) {
    return h("div", {}, [h("dt", { text: label }), h("dd", { text: value })]);
  }

  function invitationFact(a) {
    if (!a.invitation_status) { return "None"; }
    var text = M.INVITATION[a.invitation_status] || a.invitation_status;
    if (a.status === "invited" && a.invitation_expires_at && a.invitation_status !== "failed") {
      text += " (link works until " + M.when(a.invitation_expires_at) + ")";
    }
    return text;
  }

  function accountPath(a, suffix) {
    return M.clinicPath("/portal-accounts/" + encodeURIComponent(a.account_id) + (suffix || ""));
  }

  function renderAccount(a, message) {
    var headingId = "account-" + a.account_id;
    var name = (a.first_name + " " + a.last_name).trim() || a.username;
    var badgeKind = a.status === "invited" && a.invitation_status === "failed" ? "failed" : a.status;
    var status = h("p", { className: "notice", role: "status", hidden: !message, text: message || "" });
    var error = h("p", { className: "alert", role: "alert", hidden: true });
    var panel = h("div", { className: "record-panel" });
    var actions = h("div", { className: "actions actions--compact" });
    var item = h("li", { className: "record", dataset: { accountId: a.account_id, username: a.username } }, [
      h("div", { className: "record__head" }, [
        h("h3", { id: headingId, text: name }),
        M.badge(badgeKind, M.STATUS[a.status] || a.status)
      ]),
      h("p", { className: "record__sub", text: a.username }),
      h("dl", { className: "facts" }, [
        fact("Patient", (a.patient.first_name || "") + " " + (a.patient.last_name || "") +
          " (" + a.patient.patient_id + ")"),
        fact("Access type", M.ACCESS[a.access_type] || a.access_type),
        fact("Last login", M.when(a.last_login_at)),
        fact("Invitation", invitationFact(a)),
        fact("Permissions", M.sectionList(a.permissions)),
        fact("Password change", a.force_password_change ? "Required at next login" : "Not required")
      ]),
      actions,
      status,
      error,
      panel
    ]);

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

    function replaceWith(account, text) {
      var fresh = renderAccount(account, text);
      item.parentNode.replaceChild(fresh, item);
      return fresh;
    }

    function simpleAction(b, busyText, suffix, doneText) {
      P.busy(b, true, busyText);
      P.api("POST", accountPath(a, suffix)).then(function (r) {
        if (M.leaving(r)) { return; }
        if (r.ok && r.data && r.data.account) {
          var fresh = replaceWith(r.data.account, doneText(r.data.account));
          var focusTarget = fresh.querySelector("[role=status]");
          if (focusTarget) { focusTarget.setAttribute("tabindex", "-1"); focusTarget.focus(); }
          return;
        }
        P.busy(b, false);
        P.say(error, r.status === 404 ? "This account no longer exists. Reload the list." : M.problem(r));
      });
    }

    var edit = h("a", { className: "button button--secondary", href: "/portal-accounts/setup?account_id=" +
      encodeURIComponent(a.account_id), text: "Edit", "aria-describedby": headingId });
    actions.appendChild(edit);

    if (a.status === "disabled") {
      button("Enable", "button--secondary", function (b) {
        simpleAction(b, "Enabling…", "/enable", function (acc) {
          return acc.status === "invited"
            ? "Enabled. They can use their invitation link until it expires."
            : "Enabled. They can log in again.";
        });
      });
    } else {
      button("Disable", "button--outline-danger", function (b) {
        simpleAction(b, "Disabling…", "/disable", function () {
          return "Disabled. They can't log in until the account is enabled again.";
        });
      });
    }
    if (a.status === "active") {
      button("Force password change", "button--secondary", function (b) {
        simpleAction(b, "Saving…", "/force-password-change", function () {
          return "They will have to choose a new password at their next login.";
        });
      });
    }
    if (a.status !== "invited") {
      var reset = button("Reset password", "button--secondary", function (b) {
        M.confirmStep(panel, {
          text: "Reset the password for " + a.username + "? Their current password stops working at once.",
          yes: "Yes, reset the password",
          returnFocus: reset,
          onYes: function (yes, close) {
            P.busy(yes, true, "Resetting…");
            P.api("POST", accountPath(a, "/reset-password")).then(function (r) {
              if (M.leaving(r)) { return; }
              close(true);
              if (r.ok && r.data && r.data.credentials) {
                var fresh = replaceWith(r.data.account, "The password was reset.");
                M.showCredentials(fresh.querySelector(".record-panel"), r.data.credentials, {
                  level: "h4", title: "New sign-in details for " + name
                });
              } else {
                P.say(error, M.problem(r));
              }
            });
          }
        });
      });
    }
    if (a.status === "invited") {
      button("Resend invitation", "button--secondary", function (b) {
        simpleAction(b, "Sending…", "/resend-invitation", function (acc) {
          return acc.invitation_status === "failed"
            ? "The email could not be sent this time either. Try again later."
            : "A new invitation email was sent to " + acc.username + ". The earlier link no longer works.";
        });
      });
    }
    return item;
  }

  // ------------------------------------------------------------ the list

  function countText(more) {
    var n = el.list.children.length;
    var word = FILTER_WORDS[state.status];
    var what = n === 1 ? (word ? "1 " + word + " account" : "1 account")
                       : n + (word ? " " + word : "") + " accounts";
    if (n === 0) {
      return state.q ? "No " + (word ? word + " " : "") + "accounts with a username starting \u201c" + state.q + "\u201d."
                     : "No " + (word ? word + " " : "") + "accounts.";
    }
    return "Showing " + what + (state.q ? " with a username starting \u201c" + state.q + "\u201d" : "") +
      (more ? ". There are more: select More to see them." : ".");
  }

  function load(more) {
    if (!more) {
      state.status = currentFilter();
      state.q = el.q.value.trim();
      state.cursor = null;
      setUrl();
    }
    var params = new URLSearchParams();
    params.set("status", state.status);
    if (state.q) { params.set("q", state.q); }
    if (more && state.cursor) { params.set("cursor", state.cursor); }
    state.loading += 1;
    var ticket = state.loading;
    P.say(el.listError, "");
    if (more) {
      P.busy(el.more, true, "Loading…");
    } else {
      el.list.setAttribute("aria-busy", "true");
    }
    return P.api("GET", M.clinicPath("/portal-accounts?" + params.toString())).then(function (r) {
      if (ticket !== state.loading) { return; } // a newer filter won
      P.busy(el.more, false);
      el.list.removeAttribute("aria-busy");
      if (M.leaving(r)) { return; }
      if (!r.ok || !r.data) {
        P.say(el.listError, r.error === "invalid_cursor"
          ? "The list changed while you were paging. Showing it again from the start."
          : M.problem(r));
        if (r.error === "invalid_cursor") { load(false); }
        return;
      }
      if (!more) { M.clear(el.list); }
      var firstNew = null;
      r.data.items.forEach(function (a) {
        var node = renderAccount(a);
        if (!firstNew) { firstNew = node; }
        el.list.appendChild(node);
      });
      state.cursor = r.data.next_cursor;
      el.more.hidden = !r.data.next_cursor;
      el.listStatus.textContent = countText(Boolean(r.data.next_cursor));
      if (more && firstNew) {
        var heading = firstNew.querySelector("h3");
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    });
  }

  el.filters.forEach(function (input) {
    input.addEventListener("change", function () { load(false); });
  });
  el.filterForm.addEventListener("submit", function (event) {
    event.preventDefault();
    load(false);
  });
  el.more.addEventListener("click", function () {
    if (!el.more.disabled) { load(true); }
  });

  M.start({ permission: "portal_accounts.manage", current: PAGE }).then(function (me) {
    if (!me) { return; }
    var params = P.queryParams();
    var wanted = FILTERS.indexOf(params.status) >= 0 ? params.status : "all";
    el.filters.forEach(function (input) { input.checked = input.value === wanted; });
    el.q.value = params.q || "";
    load(false);
  });
}());
