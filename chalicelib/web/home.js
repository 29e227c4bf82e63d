/* The signed-in home page: who is signed in, log out, and the password change
 * an account must make before anything else when its clinic asks for one. */
(function () {
  "use strict";

  var P = window.Portal;
  var $ = function (id) { return document.getElementById(id); };

  var el = {
    loading: $("loading"),
    pageError: $("page-error"),
    headerClinic: $("header-clinic"),
    passwordStep: $("password-step"),
    passwordForm: $("password-form"),
    passwordUsername: $("password-username"),
    newPassword: $("new-password"),
    confirmPassword: $("confirm-password"),
    currentPassword: $("current-password"),
    passwordError: $("password-error"),
    passwordSubmit: $("password-submit"),
    passwordLogout: $("password-logout"),
    home: $("home"),
    homeStatus: $("home-status"),
    whoName: $("who-name"),
    whoDisplayName: $("who-display-name"),
    whoUsername: $("who-username"),
    whoClinic: $("who-clinic"),
    whoKind: $("who-kind"),
    staffNav: $("staff-nav"),
    logout: $("logout"),
    logoutError: $("logout-error")
  };

  var me = null; // {principal, password_change_required}

  function loginType() {
    if (me && me.principal) {
      return me.principal.kind === "patient" ? "Patient" : "Staff";
    }
    return P.remembered().loginType;
  }

  function clinicId() {
    return me && me.principal ? me.principal.clinic_id : P.remembered().clinicId;
  }

  /* Back to the login page of the clinic we know of (or the Clinic ID step). */
  function toLogin() {
    window.location.replace(P.loginUrl(clinicId(), loginType()));
  }

  function showOnly(section) {
    el.loading.hidden = true;
    el.passwordStep.hidden = section !== el.passwordStep;
    el.home.hidden = section !== el.home;
  }

  function firstName(displayName) {
    var name = String(displayName || "").trim();
    return name ? name.split(/\s+/)[0] : "";
  }

  function showClinicName(principal) {
    var id = principal.clinic_id;
    el.whoClinic.textContent = id;
    P.api("GET", "/api/clinics/" + encodeURIComponent(id)).then(function (r) {
      if (r.ok && r.data && r.data.name) {
        el.whoClinic.textContent = r.data.name + " (" + r.data.clinic_id + ")";
        el.headerClinic.textContent = r.data.name;
      }
    });
  }

  function showHome(statusText) {
    var p = me.principal;
    el.whoName.textContent = firstName(p.display_name) || p.username;
    el.whoDisplayName.textContent = p.display_name || p.username;
    el.whoUsername.textContent = p.username;
    el.whoKind.textContent = p.kind === "staff" ? "Staff" : "Patient portal";
    showClinicName(p);
    // Staff-only links, each only with its permission (staff-links.js); the
    // block stays hidden for patients and while it has nothing in it.
    var links = window.StaffLinks ? window.StaffLinks.fill(el.staffNav, p) : 0;
    el.staffNav.hidden = !(p.kind === "staff" && links > 0);
    P.say(el.homeStatus, statusText || "");
    document.title = "Home · Clinic Portal";
    showOnly(el.home);
  }

  function showPasswordStep() {
    document.title = "Change your password · Clinic Portal";
    showClinicName(me.principal);
    el.passwordUsername.value = me.principal.username; // for password managers
    showOnly(el.passwordStep);
    el.newPassword.focus();
  }

  function loadMe(statusText) {
    return P.api("GET", "/api/me").then(function (r) {
      if (r.status === 401) {
        toLogin();
        return;
      }
      if (!r.ok || !r.data || !r.data.principal) {
        el.loading.hidden = true;
        P.say(el.pageError, P.problemText(r) + " (Reload the page to try again.)");
        return;
      }
      me = r.data;
      P.remember(me.principal.clinic_id, loginType());
      if (me.password_change_required) {
        showPasswordStep();
      } else {
        showHome(statusText);
      }
    });
  }

  // ------------------------------------------------------------ log out

  function logOut(button, errorEl) {
    P.busy(button, true, "Logging out…");
    P.say(errorEl, "");
    P.api("POST", "/api/logout").then(function (r) {
      if (r.ok || r.status === 401) {
        toLogin();
        return;
      }
      P.busy(button, false);
      P.say(errorEl, "We couldn't log you out just now. " + P.problemText(r));
    });
  }

  el.logout.addEventListener("click", function () { logOut(el.logout, el.logoutError); });
  el.passwordLogout.addEventListener("click", function () { logOut(el.passwordLogout, el.passwordError); });

  // ------------------------------------------------------------ change password

  function passwordProblem(message, field) {
    P.say(el.passwordError, message);
    if (field) { field.focus(); }
  }

  el.passwordForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (el.passwordSubmit.disabled) { return; }
    var next = el.newPassword.value;
    var again = el.confirmPassword.value;
    var current = el.currentPassword.value;
    if (!next) { return passwordProblem("Enter a new password.", el.newPassword); }
    if (next !== again) {
      el.confirmPassword.value = "";
      return passwordProblem("The two new passwords don't match. Please type the new password again.",
        el.confirmPassword);
    }
    if (!current) { return passwordProblem("Enter your current password.", el.currentPassword); }

    P.say(el.passwordError, "");
    P.busy(el.passwordSubmit, true, "Saving…");
    P.api("POST", "/api/me/password", { current_password: current, new_password: next }).then(function (r) {
      P.busy(el.passwordSubmit, false);
      if (r.status === 204 || r.ok) {
        el.passwordForm.reset();
        loadMe("Your password has been changed.");
        return;
      }
      if (r.status === 401) {
        toLogin();
        return;
      }
      if (r.error === "password_policy") {
        passwordProblem(r.message || "Please choose a stronger password.", el.newPassword);
      } else if (r.error === "wrong_current_password") {
        el.currentPassword.value = "";
        passwordProblem(r.message || "Your current password is not correct.", el.currentPassword);
      } else if (r.error === "too_many_attempts") {
        passwordProblem("Too many unsuccessful attempts. Please wait " + P.waitText(r.retryAfter) +
          " before trying again.", null);
      } else {
        passwordProblem(P.problemText(r), null);
      }
    });
  });

  loadMe();
}());
