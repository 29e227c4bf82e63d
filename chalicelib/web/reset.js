/* The password-reset page, /reset?token=... (the link of a "forgot password"
 * email): choose a new password (link-page.js does the page). */
import { linkPage } from "./link-page.js";

var ASK_AGAIN = "Ask for a new link with \"Forgot password?\" on the login page.";

linkPage({
  path: "/reset",
  lookup: "/api/password/reset/lookup",
  accept: "/api/password/reset",
  replyKey: "reset",
  askAgain: ASK_AGAIN,
  loginNote: "Need a new link? Select \"Forgot password?\" on the login page.",
  incomplete: "The address is missing part of the link. Open the link from your email again; if it still " +
    "doesn't work, " + ASK_AGAIN.charAt(0).toLowerCase() + ASK_AGAIN.slice(1),
  title: "Choose a new password",
  doneTitle: "Your password has been changed",
  lead: function (r) {
    return (r.first_name ? "Hello " + r.first_name + ". " : "") + "Choose a new password. You will use it " +
      "with the username below from now on; you are signed out everywhere else.";
  },
  done: function (r, type) {
    return "Log in to " + r.clinic_name + " on the " + type + " Login tab with your username, " + r.username +
      ", and your new password.";
  }
});
