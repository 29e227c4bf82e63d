/* A page opened from an emailed link that sets a password: the invitation page
 * (/invite?token=...) and the password-reset page (/reset?token=...). The token
 * is read once, then removed from the address bar (and so from history and
 * bookmarks); it only ever travels in request bodies. The clinic's password
 * rules are stated before the first attempt.
 *
 * opts: {path ("/invite"), lookup and accept (API paths), replyKey ("invitation"),
 *        askAgain (what to do about a dead link), incomplete (the same, for a cut
 *        link), loginNote (under a dead link, above the way to the login),
 *        lead(found) and done(found, loginType) (texts), title, doneTitle} */
import { api, isClinicId, loginUrl, normalLoginType, problemText, queryParams, remember, remembered } from "./api.js";
import { $, busy, say, setUrl, showOnly } from "./dom.js";
import { passwordRules } from "./words.js";

export function linkPage(opts) {
  var el = {
    headerClinic: $("header-clinic"),
    problemStep: $("problem-step"),
    problemTitle: $("problem-title"),
    problemText: $("problem-text"),
    retry: $("retry"),
    inviteStep: $("invite-step"),
    form: $("invite-form"),
    newPassword: $("new-password"),
    confirmPassword: $("confirm-password"),
    error: $("invite-error"),
    submit: $("invite-submit"),
    doneStep: $("done-step"),
    loginLink: $("login-link")
  };
  var steps = [el.problemStep, el.inviteStep, el.doneStep];
  var params = queryParams();
  var token = params.token || "";
  var found = null;
  // The link names its clinic and login tab (not secret): once the token is used up
  // the server no longer knows whose it was, and the page still leads to the right login.
  var fromLink = params.clinicid && isClinicId(params.clinicid);
  var linkClinic = fromLink ? params.clinicid : remembered().clinicId;
  var linkType = fromLink ? normalLoginType(params.logintype) : remembered().loginType;

  setUrl(opts.path);  // the token must not stay in the address bar, history or a bookmark
  $("problem-login-text").textContent = opts.loginNote;

  function showProblem(title, text, canRetry) {
    var link = $("problem-login");
    el.retry.hidden = !canRetry;
    link.href = linkClinic ? loginUrl(linkClinic, linkType) : "/";
    link.textContent = linkClinic ? "Go to " + linkType + " Login at " + linkClinic
      : "Go to the login page (enter your Clinic ID)";
    el.problemTitle.textContent = title;
    el.problemText.textContent = text;
    document.title = title + " · Clinic Portal";
    showOnly(steps, el.problemStep);
  }

  function loginType() {
    return found && found.login_type === "staff" ? "Staff" : "Patient";
  }

  function show(f) {
    found = f;
    $("invite-clinic").textContent = f.clinic_name;
    el.headerClinic.textContent = f.clinic_name;
    $("invite-username").textContent = f.username;
    $("invite-username-field").value = f.username;
    $("invite-clinic-id").textContent = f.clinic_id;
    $("invite-lead").textContent = opts.lead(f);
    $("new-password-help").textContent = passwordRules(f.password_policy);
    document.title = opts.title + " · " + f.clinic_name;
    showOnly(steps, el.inviteStep);
    el.newPassword.focus();
  }

  function showDone() {
    var type = loginType();
    remember(found.clinic_id, type);
    $("done-text").textContent = opts.done(found, type);
    el.loginLink.href = loginUrl(found.clinic_id, type);
    el.loginLink.textContent = "Go to " + type + " Login";
    document.title = opts.doneTitle + " · " + found.clinic_name;
    showOnly(steps, el.doneStep);
    el.loginLink.focus();
  }

  function problem(text, field) {
    say(el.error, text);
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (el.submit.disabled || !found) { return; }
    el.newPassword.removeAttribute("aria-invalid");
    el.confirmPassword.removeAttribute("aria-invalid");
    var password = el.newPassword.value;
    if (!password) {
      return problem("Enter a new password.", el.newPassword);
    }
    if (password !== el.confirmPassword.value) {
      el.confirmPassword.value = "";
      return problem("The two passwords don't match. Please type the new password again.", el.confirmPassword);
    }
    say(el.error, "");
    busy(el.submit, true, "Saving…");
    api("POST", opts.accept, { token: token, password: password }).then(function (r) {
      busy(el.submit, false);
      if (r.ok) {
        el.form.reset();
        token = "";
        showDone();
        return;
      }
      if (r.error === "password_policy") {
        // The server's own words: they say exactly what to change. The link still works.
        el.confirmPassword.value = "";
        problem(r.message || "Please choose a stronger password.", el.newPassword);
      } else if (r.error === "token_invalid") {
        token = "";
        showProblem("This link no longer works", r.message || opts.askAgain, false);
      } else {
        problem(problemText(r), null);
      }
    });
  });

  function lookUp() {
    busy(el.retry, true, "Checking…");
    return api("POST", opts.lookup, { token: token }).then(function (r) {
      busy(el.retry, false);
      if (r.ok && r.data && r.data[opts.replyKey]) {
        show(r.data[opts.replyKey]);
      } else if (r.error === "token_invalid" || r.status === 400) {
        token = "";
        showProblem("This link no longer works", r.message || opts.askAgain, false);
      } else {
        // Keep the token in memory: Try again works without the address.
        showProblem("We couldn't check your link", problemText(r), true);
      }
    });
  }

  el.retry.addEventListener("click", function () {
    if (!el.retry.disabled && token) { lookUp(); }
  });

  if (!token) {
    showProblem("This link is incomplete", opts.incomplete, false);
  } else {
    lookUp();
  }
}
