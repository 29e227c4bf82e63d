/* Change password (/password), reached from home: staff and patients alike. The
 * clinic's rules are stated before the first attempt. */
import { $, showOnly } from "./dom.js";
import { passwordForm } from "./password-form.js";
import { ownAccountPage, showClinicName } from "./session.js";
import { passwordRules } from "./words.js";

var me = null;

function loginType() {
  return me && me.principal.kind === "patient" ? "Patient" : "Staff";
}

passwordForm({ form: $("password-form"), newPassword: $("new-password"), confirmPassword: $("confirm-password"),
               currentPassword: $("current-password"), error: $("password-error"), submit: $("password-submit") },
             { loginType: loginType, done: function () {
               showOnly([$("password-step"), $("done-step")], $("done-step"));
               document.title = "Password changed · Clinic Portal";
               $("home-link").focus();
             } });

ownAccountPage(loginType).then(function (data) {
  if (!data) { return; }
  me = data;
  var clinicId = me.principal.clinic_id;
  showClinicName(clinicId, function (clinic) {
    if (clinic.password_policy) { $("new-password-help").textContent = passwordRules(clinic.password_policy); }
  });
  $("password-username").value = me.principal.username;   // for password managers
  showOnly([$("password-step"), $("done-step")], $("password-step"));
  document.title = "Change password · Clinic Portal";
  $("new-password").focus();
});
