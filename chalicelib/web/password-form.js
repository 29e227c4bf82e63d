/* The change-password form: a forced change on the home page, or one the person
 * chooses on the Change password page. New password twice, then the current one;
 * the server's own words for what to fix. */
import { api, problemText, waitText } from "./api.js";
import { busy, say } from "./dom.js";
import { toLoginAndBack } from "./session.js";

/* el: {form, newPassword, confirmPassword, currentPassword, error, submit};
 * opts: {loginType() -> "Staff" | "Patient", done() on success}. */
export function passwordForm(el, opts) {
  function problem(message, field) {
    say(el.error, message);
    if (field) { field.focus(); }
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (el.submit.disabled) { return; }
    var next = el.newPassword.value;
    var again = el.confirmPassword.value;
    var current = el.currentPassword.value;
    if (!next) { return problem("Enter a new password.", el.newPassword); }
    if (next !== again) {
      el.confirmPassword.value = "";
      return problem("The two new passwords don't match. Please type the new password again.",
        el.confirmPassword);
    }
    if (!current) { return problem("Enter your current password.", el.currentPassword); }

    say(el.error, "");
    busy(el.submit, true, "Saving…");
    api("POST", "/api/me/password", { current_password: current, new_password: next }).then(function (r) {
      busy(el.submit, false);
      if (r.status === 204 || r.ok) {
        el.form.reset();
        opts.done();
        return;
      }
      if (r.status === 401) {
        toLoginAndBack(r, opts.loginType());
        return;
      }
      if (r.error === "password_policy") {
        problem(r.message || "Please choose a stronger password.", el.newPassword);
      } else if (r.error === "wrong_current_password") {
        el.currentPassword.value = "";
        problem(r.message || "Your current password is not correct.", el.currentPassword);
      } else if (r.error === "too_many_attempts") {
        problem("Too many unsuccessful attempts. Please wait " + waitText(r.retryAfter) +
          " before trying again.", null);
      } else {
        problem(problemText(r), null);
      }
    });
  });
}
