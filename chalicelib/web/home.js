/* The signed-in home page: who is signed in, log out, and the password change
 * an account must make before anything else when its clinic asks for one. */
import { api, loginUrl, problemText, remember, remembered } from "./api.js";
import { $, busy, say, showOnly } from "./dom.js";
import { passwordForm } from "./password-form.js";
import { showClinicName as sessionClinicName, whoAmI } from "./session.js";
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
  viewing: $("viewing"),
  viewingText: $("viewing-text"),
  patientForm: $("patient-form"),
  patientPicker: $("patient-picker"),
  patientSwitch: $("patient-switch"),
  viewingError: $("viewing-error"),
  logout: $("logout"),
  logoutError: $("logout-error")
};

var me = null; // {principal, password_change_required}

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
  if (p.kind === "patient") { showPatients(); }
}

// ------------------------------------------------------------ whose records

function viewingText(p) {
  return p.patient_name ? "Viewing records of " + p.patient_name : "";
}

/* The patients this login may open: one, no picker; several, a switcher. */
function showPatients() {
  var p = me.principal;
  el.viewingText.textContent = viewingText(p);
  el.viewing.hidden = !p.patient_name;
  api("GET", "/api/portal/patients").then(function (r) {
    if (r.status === 401) { toLogin(); return; }
    if (!r.ok || !r.data) { return; }
    var usable = r.data.items.filter(function (i) { return i.status === "active"; });
    if (usable.length < 2) {
      el.patientForm.hidden = true;
      if (!usable.length) {
        el.viewingText.textContent = "Your portal account has no access to any patient's records at the moment. " +
          "Please contact your clinic.";
        el.viewing.hidden = false;
      }
      return;
    }
    el.patientPicker.textContent = "";
    usable.forEach(function (i) {
      var option = document.createElement("option");
      option.value = i.patient_id;
      option.textContent = ((i.first_name || "") + " " + (i.last_name || "")).trim() || i.patient_id;
      option.selected = i.patient_id === p.patient_id;
      el.patientPicker.appendChild(option);
    });
    if (!p.patient_id) {
      el.viewingText.textContent = "You have access to the records of more than one person. Choose whose " +
        "records to view.";
    }
    el.patientForm.hidden = false;
    el.viewing.hidden = false;
  });
}

el.patientForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (el.patientSwitch.disabled) { return; }
  say(el.viewingError, "");
  busy(el.patientSwitch, true, "Switching…");
  api("POST", "/api/portal/patients/" + encodeURIComponent(el.patientPicker.value) + "/select")
    .then(function (r) {
      busy(el.patientSwitch, false);
      if (r.status === 401) { toLogin(); return; }
      if (!r.ok || !r.data) {
        say(el.viewingError, problemText(r));
        return;
      }
      me = r.data;
      el.viewingText.textContent = viewingText(me.principal);
    });
});

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
