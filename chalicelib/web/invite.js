/* The invitation page, /invite?token=...: the person an account was set up for
 * chooses their password (link-page.js does the page). */
import { linkPage } from "./link-page.js";

var ASK_AGAIN = "Ask your clinic to send you a new invitation.";

linkPage({
  path: "/invite",
  lookup: "/api/invitations/lookup",
  accept: "/api/invitations/accept",
  replyKey: "invitation",
  askAgain: ASK_AGAIN,
  loginNote: "Already chose a password? Log in with your username and that password.",
  incomplete: "The address is missing part of the link. Open the link from your invitation email again; " +
    "if it still doesn't work, " + ASK_AGAIN.charAt(0).toLowerCase() + ASK_AGAIN.slice(1),
  title: "Choose your password",
  doneTitle: "Your password is set",
  lead: function (inv) {
    return (inv.first_name ? "Hello " + inv.first_name + ". " : "") + "Choose a password for your portal " +
      "account. You will use it with the username below every time you log in.";
  },
  done: function (inv, type) {
    return "You can now log in to " + inv.clinic_name + " on the " + type + " Login tab with your username, " +
      inv.username + ", and the password you just chose.";
  }
});
