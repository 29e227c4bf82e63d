/* Staff management (administrators): the clinic's staff accounts, adding one
 * (sign-in details shown once), roles, Staff Portal access, disable / enable
 * and password resets. */
import { api, problemText } from "./api.js";
import { config, roleLabel } from "./config.js";
import { showCredentials } from "./credentials.js";
import { $, busy, checkboxes, checkedValues, clear, h, invalid, newId, say, sayProblem } from "./dom.js";
import { recordRow } from "./record-actions.js";
import { clinicPath, leaving, start, state as session } from "./session.js";
import { canAudit, signInActivityHref } from "./staff-links.js";
import { STATUS, badge, badges, fullName, when } from "./words.js";

const el = {
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

const state = { cursor: null };

/* How many passkeys a person has, in words. */
function passkeysFact(count) {
  return !count ? "None" : count === 1 ? "1 passkey" : count + " passkeys";
}

function isMe(s) {
  return session.me && s.username.toLowerCase() === session.me.principal.username.toLowerCase();
}

// ------------------------------------------------------------ one staff member

function renderStaff(s, message, problem) {
  const headingId = newId("staff");
  const name = fullName(s);
  const row = recordRow({
    record: s,
    key: "staff",
    path: (suffix) => clinicPath("/staff/" + encodeURIComponent(s.username) + (suffix || "")),
    headingId,
    title: name,
    badge: badges(badge(s.status, STATUS[s.status] || s.status), s),
    sub: s.username + (s.email ? " · " + s.email : "") + (isMe(s) ? " · This is you" : ""),
    facts: [["Roles", s.roles.map(roleLabel).join(", ")],
            ["Staff Portal access", s.portal_access ? "On" : "Off"],
            ["Last login", when(s.last_login_at)],
            ["Passkeys", passkeysFact(s.passkey_count)]],
    dataset: { username: s.username },
    message,
    problem,
    gone: "This staff member no longer exists. Reload the page.",
    render: renderStaff
  });

  const infoButton = row.button("Edit basic info", "button--secondary", () => {
    editBasicInfo(s, row, name, infoButton);
  });

  const rolesButton = row.button("Change roles", "button--secondary", () => {
    clear(row.panel);
    const legendId = newId("roles");
    const grid = h("div", { className: "choices-grid" });
    const boxes = checkboxes(grid, newId("roles"), config.roles, s.roles);
    const save = h("button", { type: "submit", className: "button button--primary", text: "Save roles" });
    const cancel = h("button", { type: "button", className: "button button--secondary", text: "Cancel" });
    const form = h("form", { className: "form", novalidate: true, "aria-labelledby": legendId }, [
      h("fieldset", {}, [h("legend", { id: legendId, text: "Roles for " + name }), grid]),
      h("div", { className: "actions" }, [save, cancel])
    ]);
    cancel.addEventListener("click", () => { clear(row.panel); rolesButton.focus(); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (save.disabled) { return; }
      const roles = checkedValues(boxes);
      if (!roles.length) {
        say(row.error, "Choose at least one role.");
        return;
      }
      say(row.error, "");
      row.change(save, "Saving…", "PATCH", "", { roles }, "Roles saved.");
    });
    row.panel.appendChild(form);
    boxes[0].focus();
  });

  if (!isMe(s)) {
    // Each of the two ways to stop a login points at its explanation above the list.
    const explained = (b, id) => b.setAttribute("aria-describedby", headingId + " " + id);
    explained(row.button(s.portal_access ? "Turn Staff Portal access off" : "Turn Staff Portal access on",
      "button--secondary", (b) => {
        row.change(b, "Saving…", "PATCH", "", { portal_access: !s.portal_access },
          s.portal_access ? "Staff Portal access is off. They can't log in until it is turned on again."
                          : "Staff Portal access is on.");
      }), "access-help");
    if (s.status === "disabled") {
      explained(row.button("Enable", "button--secondary", (b) => row.change(b, "Enabling…", "POST", "/enable",
        undefined, "Enabled.")), "disable-help");
    } else {
      explained(row.button("Disable", "button--outline-danger", (b) => row.change(b, "Disabling…", "POST",
        "/disable", undefined, "Disabled. They can't log in until enabled again.")), "disable-help");
    }
    row.resetPasswordButton(s.username, name);
    if (s.locked_until) {
      row.button("Unlock", "button--secondary", (b) => row.change(b, "Unlocking…", "POST", "/unlock", undefined,
        "Unlocked. " + name + " can log in again now."));
    }
    if (s.mfa_enabled) {
      row.button("Reset two-factor", "button--secondary", (b) => row.change(b, "Resetting…", "POST", "/reset-2fa",
        undefined, "Two-factor authentication was reset. " + name + " was signed out and emailed, and can " +
        "set it up again after logging in."));
    }
    if (s.passkey_count) {
      row.button("Remove all passkeys", "button--outline-danger", (b) => row.change(b, "Removing…", "POST",
        "/remove-passkeys", undefined, "Every passkey of " + name + " was removed and they were emailed. " +
        "They sign in with their password and can add a passkey again."));
    }
    if (s.status === "invited" && s.email) {
      row.button("Resend invitation", "button--secondary", (b) => row.change(b, "Sending…", "POST",
        "/resend-invitation", undefined, (c) => c.invitation_status === "failed"
          ? "The invitation email could not be sent. Try again in a moment."
          : "A new invitation was sent to " + c.email + ". The previous link no longer works."));
    }
  }
  if (!isMe(s)) {
    row.actions.appendChild(h("a", { className: "button button--secondary", text: "Where signed in",
      href: "/sessions?" + new URLSearchParams({ staff: s.username }), "aria-describedby": headingId }));
  }
  if (canAudit(session.me && session.me.principal)) {
    row.actions.appendChild(h("a", { className: "button button--secondary", text: "Sign-in activity",
      href: signInActivityHref(s.username), "aria-describedby": headingId }));
  }
  return row.item;
}

// ------------------------------------------------------------ basic info

const AWAITING = ["pending", "sent", "failed"];

/* Names and email, edited in the row (PATCH with the row's revision). An invited
 * person's link is bound to the address it went to: changing the email cancels it,
 * and the form says so before saving. */
function editBasicInfo(s, row, name, returnTo) {
  clear(row.panel);
  const titleId = newId("info");
  const field = (label, value, attrs) => {
    const input = h("input", Object.assign({ id: newId("info-field"), type: "text", value: value || "",
                                             autocomplete: "off" }, attrs));
    return { input, node: h("div", { className: "field" }, [h("label", { for: input.id, text: label }), input]) };
  };
  const first = field("First name", s.first_name, { maxLength: config.limits.NAME_MAX });
  const last = field("Last name", s.last_name, { maxLength: config.limits.NAME_MAX });
  const email = field("Email (optional)", s.email, { type: "email", inputmode: "email", autocapitalize: "none",
                                                     spellcheck: "false", maxLength: config.limits.EMAIL_MAX });
  const invited = s.status === "invited" && AWAITING.indexOf(s.invitation_status) >= 0;
  const warningId = newId("info-warning");
  const warning = h("p", { id: warningId, className: "warning", hidden: true,
    text: "Changing the email cancels the invitation already sent to " + (s.email || "the old address") +
          ": that link stops working. After saving, select Resend invitation to send a new link to the new address." });
  if (invited) { email.input.setAttribute("aria-describedby", warningId); }
  email.input.addEventListener("input", () => {
    warning.hidden = !(invited && email.input.value.trim().toLowerCase() !== (s.email || "").toLowerCase());
  });
  const save = h("button", { type: "submit", className: "button button--primary", text: "Save" });
  const cancel = h("button", { type: "button", className: "button button--secondary", text: "Cancel" });
  const form = h("form", { className: "form", novalidate: true, "aria-labelledby": titleId }, [
    h("h4", { id: titleId, text: "Basic info for " + name }),
    h("div", { className: "field-row" }, [first.node, last.node]),
    email.node,
    warning,
    h("div", { className: "actions" }, [save, cancel])
  ]);
  cancel.addEventListener("click", () => { clear(row.panel); returnTo.focus(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (save.disabled) { return; }
    [first.input, last.input, email.input].forEach((c) => invalid(c, false));
    const body = {};
    const f = first.input.value.trim();
    const l = last.input.value.trim();
    const e = email.input.value.trim();
    if (!f) { return sayProblem(row.error, "Enter the first name.", first.input); }
    if (!l) { return sayProblem(row.error, "Enter the last name.", last.input); }
    if (f !== s.first_name) { body.first_name = f; }
    if (l !== s.last_name) { body.last_name = l; }
    if (e.toLowerCase() !== (s.email || "").toLowerCase()) { body.email = e || null; }
    if (!Object.keys(body).length) {
      say(row.error, "Nothing was changed.");
      return;
    }
    say(row.error, "");
    row.change(save, "Saving…", "PATCH", "", body, (c) => c.invitation_status === "cancelled" && invited
      ? "Saved. The invitation sent to the old address was cancelled: select Resend invitation to send a " +
        "new link to " + c.email + "."
      : "Basic info saved.").then((done) => {
      if (!done && /email/i.test(row.error.textContent)) { invalid(email.input, true); email.input.focus(); }
    });
  });
  row.panel.appendChild(form);
  first.input.focus();
}

// ------------------------------------------------------------ the list

async function load(more) {
  const path = "/staff" + (more && state.cursor ? "?cursor=" + encodeURIComponent(state.cursor) : "");
  if (more) { busy(el.more, true, "Loading…"); }
  say(el.listError, "");
  const r = await api("GET", clinicPath(path));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.listError, problemText(r));
    return;
  }
  if (!more) { clear(el.list); }
  r.data.items.forEach((s) => el.list.appendChild(renderStaff(s)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  el.listStatus.textContent = (n === 1 ? "1 staff member" : n + " staff members") +
    (r.data.next_cursor ? " shown. Select More to see the rest." : ".");
}

el.more.addEventListener("click", () => {
  if (!el.more.disabled) { load(true); }
});

// ------------------------------------------------------------ add a staff member

const newRoleBoxes = checkboxes(el.roles, "new-role", config.roles, []);

function addProblem(text, control) {
  sayProblem(el.addError, text, control);
}

el.addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.addSubmit.disabled) { return; }
  say(el.addError, "");
  say(el.addStatus, "");
  [el.username, el.firstName, el.lastName, el.email].forEach((c) => invalid(c, false));
  const body = {
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
  clear(el.addCredentials);
  busy(el.addSubmit, true, "Adding…");
  const r = await api("POST", clinicPath("/staff"), body);
  busy(el.addSubmit, false);
  if (leaving(r)) { return; }
  if (r.ok && r.data && r.data.staff) {
    const s = r.data.staff;
    el.addForm.reset();
    el.portalAccess.checked = true;
    say(el.addStatus, fullName(s) + " (" + s.username + ") was added.");
    if (r.data.credentials) {
      showCredentials(el.addCredentials, r.data.credentials, { title: "Sign-in details for " + s.username });
    } else {
      el.addStatus.focus();
    }
    load(false);
    return;
  }
  const message = r.message || "";
  let control = null;
  if (r.error === "username_taken" || /username/i.test(message)) {
    control = el.username;
  } else if (r.error === "invalid_email" || /email/.test(message)) {
    control = el.email;
  } else if (/roles/.test(message)) {
    control = newRoleBoxes[0];
  }
  addProblem(problemText(r), control);
});

start({ permission: "staff.manage", current: "/staff" }).then((me) => {
  if (me) { load(false); }
});
