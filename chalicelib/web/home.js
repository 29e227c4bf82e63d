/* The signed-in home page: who is signed in, log out, and the password change
 * an account must make before anything else when its clinic asks for one. A portal
 * login's tiles and patient switcher: home-patient.js; a staff member's "Waiting
 * for you": home-staff.js (both refresh themselves through poll.js). */
import { api, loginUrl, problemText, remember, remembered } from "./api.js";
import { $, busy, say, showOnly } from "./dom.js";
import { passwordForm } from "./password-form.js";
import { showClinicName as sessionClinicName, whoAmI } from "./session.js";
import { startPatientHome } from "./home-patient.js";
import { startWorkspace } from "./home-staff.js";
import { fill } from "./staff-links.js";
import { passwordRules } from "./words.js";

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
var started = false;

function loginType() {
  if (me && me.principal) {
    return me.principal.kind === "patient" ? "Patient" : "Staff";
  }
  return remembered().loginType;
}

function clinicId() {
  return me && me.principal ? me.principal.clinic_id : remembered().clinicId;
}

/* Back to the login page of the clinic we know of (or the Clinic ID step). */
function toLogin() {
  window.location.replace(loginUrl(clinicId(), loginType()));
}

function firstName(displayName) {
  var name = String(displayName || "").trim();
  return name ? name.split(/\s+/)[0] : "";
}

function showClinicName(principal) {
  el.whoClinic.textContent = principal.clinic_id;
  sessionClinicName(principal.clinic_id, function (clinic) {
    el.whoClinic.textContent = clinic.name + " (" + clinic.clinic_id + ")";
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
  var links = fill(el.staffNav, p);
  el.staffNav.hidden = !(p.kind === "staff" && links > 0);
  say(el.homeStatus, statusText || "");
  document.title = "Home · Clinic Portal";
  showOnly([el.passwordStep, el.home], el.home);
  if (started) { return; }   // after the forced password change: already running
  started = true;
  if (p.kind === "patient") {
    startPatientHome(me, toLogin);
  } else {
    startWorkspace(p);
  }
}

function showPasswordStep() {
  document.title = "Change your password · Clinic Portal";
  showClinicName(me.principal);
  el.passwordUsername.value = me.principal.username; // for password managers
  if (me.password_policy) {
    $("new-password-help").textContent = passwordRules(me.password_policy); // the rules before any attempt
  }
  showOnly([el.passwordStep, el.home], el.passwordStep);
  el.newPassword.focus();
}

function loadMe(statusText) {
  return whoAmI(loginType).then(function (data) {
    if (!data) { return; }
    me = data;
    remember(me.principal.clinic_id, loginType());
    if (me.password_change_required) {
      showPasswordStep();
    } else if (me.mfa_enrolment_required) {
      window.location.replace("/two-factor");   // the clinic requires 2FA: set it up first
    } else {
      showHome(statusText);
    }
  });
}

// ------------------------------------------------------------ log out

function logOut(button, errorEl) {
  busy(button, true, "Logging out…");
  say(errorEl, "");
  api("POST", "/api/logout").then(function (r) {
    if (r.ok || r.status === 401) {
      toLogin();
      return;
    }
    busy(button, false);
    say(errorEl, "We couldn't log you out just now. " + problemText(r));
  });
}

el.logout.addEventListener("click", function () { logOut(el.logout, el.logoutError); });
el.passwordLogout.addEventListener("click", function () { logOut(el.passwordLogout, el.passwordError); });

// ------------------------------------------------------------ change password (forced)

passwordForm({ form: el.passwordForm, newPassword: el.newPassword, confirmPassword: el.confirmPassword,
               currentPassword: el.currentPassword, error: el.passwordError, submit: el.passwordSubmit },
             { loginType: loginType, done: function () { loadMe("Your password has been changed."); } });

loadMe();
