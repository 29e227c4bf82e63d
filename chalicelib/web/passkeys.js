/* Passkeys (/passkeys), reached from home: the person's passkeys with created and
 * last used, Rename and Remove on each, and Add a passkey (a password or 2FA check
 * first when the last one is older than 10 minutes, then a name, then the
 * browser's own passkey dialog). Plain navigator.credentials (passkey-codec.js). */
import { api, problemText, waitText } from "./api.js";
import { config } from "./config.js";
import { $, busy, clear, confirmStep, h, say, showOnly } from "./dom.js";
import { creationOptions, credentialJson, ceremonyProblem, supported } from "./passkey-codec.js";
import { leaving, ownAccountPage } from "./session.js";

var STEPS = ["list-step", "reauth-step", "name-step"].map($);
var me = null;
var recentUntil = null;

function show(id, focus) {
  $("loading").hidden = true;
  showOnly(STEPS, $(id));
  if (focus) { $(focus).focus(); }
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function row(p) {
  var rename = h("button", { type: "button", className: "button button--secondary", text: "Rename",
                             "aria-label": "Rename " + p.name });
  var remove = h("button", { type: "button", className: "button button--outline-danger", text: "Remove",
                             "aria-label": "Remove " + p.name });
  var confirmBox = h("div", {});
  var item = h("li", { className: "passkey-row" }, [
    h("p", {}, [h("strong", { text: p.name }), p.synced ? " (synced)" : null]),
    h("p", { className: "help", text: "Added " + when(p.created_at) + " · last used " + when(p.last_used_at) }),
    h("div", { className: "actions" }, [rename, remove]),
    confirmBox
  ]);
  rename.addEventListener("click", function () { renameForm(p, item, rename); });
  remove.addEventListener("click", function () {
    confirmStep(confirmBox, {
      text: "Remove " + p.name + "? It will no longer sign you in.", yes: "Remove", returnFocus: remove,
      onYes: async function (yes, close) {
        busy(yes, true, "Removing…");
        var r = await api("DELETE", "/api/me/passkeys/" + encodeURIComponent(p.id));
        if (leaving(r)) { return; }
        close(true);
        if (!r.ok && r.error !== "passkey_not_found") {
          say($("list-error"), problemText(r));
          return;
        }
        await load(p.name + " is removed.");
      }
    });
  });
  return item;
}

function renameForm(p, item, button) {
  var input = h("input", { type: "text", maxlength: config.limits.PASSKEY_NAME_MAX, value: p.name,
                           id: "rename-" + p.id });
  var save = h("button", { type: "submit", className: "button button--primary", text: "Save name" });
  var error = h("p", { className: "alert", role: "alert", hidden: true });
  var form = h("form", { className: "form", noValidate: true }, [
    h("div", { className: "field" }, [h("label", { for: input.id, text: "New name" }), input]),
    error, save
  ]);
  button.hidden = true;
  item.appendChild(form);
  input.focus();
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    busy(save, true, "Saving…");
    var r = await api("PUT", "/api/me/passkeys/" + encodeURIComponent(p.id) + "/name", { name: input.value });
    if (leaving(r)) { return; }
    busy(save, false);
    if (!r.ok) {
      say(error, problemText(r));
      return;
    }
    await load("The passkey is now called " + r.data.passkey.name + ".");
  });
}

async function load(message) {
  var r = await api("GET", "/api/me/passkeys");
  if (leaving(r)) { return; }
  if (!r.ok) {
    $("loading").hidden = true;
    say($("page-error"), problemText(r) + " (Reload the page to try again.)");
    return;
  }
  recentUntil = r.data.recent_until ? Date.parse(r.data.recent_until) : null;
  var list = $("passkey-list");
  clear(list);
  r.data.passkeys.forEach(function (p) { list.appendChild(row(p)); });
  if (!r.data.passkeys.length) {
    list.appendChild(h("li", { text: "You have no passkeys yet." }));
  }
  say($("list-status"), message || "");
  say($("list-error"), "");
  show("list-step");
}

function recent() {
  return recentUntil !== null && Date.now() < recentUntil - 30000;   // leave time to finish
}

$("add-start").addEventListener("click", function () {
  if (!recent()) {
    $("reauth-password").value = "";
    $("reauth-code").value = "";
    say($("reauth-error"), "");
    show("reauth-step", "reauth-password");
    return;
  }
  $("passkey-name").value = "";
  say($("name-error"), "");
  show("name-step", "passkey-name");
});

$("reauth-form").addEventListener("submit", async function (event) {
  event.preventDefault();
  var password = $("reauth-password").value;
  var code = $("reauth-code").value.replace(/\s/g, "");
  if (!password && !code) {
    say($("reauth-error"), "Enter your password, or a code from your authenticator app.");
    $("reauth-password").focus();
    return;
  }
  busy($("reauth-submit"), true, "Checking…");
  var r = await api("POST", "/api/me/reauth", password ? { password: password } : { code: code });
  busy($("reauth-submit"), false);
  if (leaving(r)) { return; }
  if (!r.ok) {
    say($("reauth-error"), r.error === "too_many_attempts"
      ? "Too many unsuccessful attempts. Please wait " + waitText(r.retryAfter) + " before trying again."
      : problemText(r));
    return;
  }
  recentUntil = Date.parse(r.data.recent_until);
  $("passkey-name").value = "";
  show("name-step", "passkey-name");
});

$("name-form").addEventListener("submit", async function (event) {
  event.preventDefault();
  var name = $("passkey-name").value.trim();
  if (!name) {
    say($("name-error"), "Give the passkey a name.");
    $("passkey-name").focus();
    return;
  }
  var button = $("name-submit");
  busy(button, true, "Waiting for your device…");
  say($("name-error"), "");
  var r = await api("POST", "/api/me/passkeys/options");
  if (leaving(r)) { return; }
  if (!r.ok) {
    busy(button, false);
    if (r.error === "reauth_required") { recentUntil = null; $("add-start").click(); return; }
    say($("name-error"), problemText(r));
    return;
  }
  var credential;
  try {
    credential = await navigator.credentials.create({ publicKey: creationOptions(r.data.publicKey) });
  } catch (error) {
    busy(button, false);
    say($("name-error"), ceremonyProblem(error) || "No passkey was added.");
    return;
  }
  r = await api("POST", "/api/me/passkeys", { credential: credentialJson(credential), name: name });
  busy(button, false);
  if (leaving(r)) { return; }
  if (!r.ok) {
    say($("name-error"), problemText(r));
    return;
  }
  await load("Passkey added: " + r.data.passkey.name + ". Next time, sign in with it.");
});

["reauth-cancel", "name-cancel"].forEach(function (id) {
  $(id).addEventListener("click", function () { show("list-step", "add-start"); });
});

ownAccountPage(function () { return me && me.principal.kind === "patient" ? "Patient" : "Staff"; })
  .then(function (data) {
    if (!data) { return; }
    me = data;
    $("reauth-username").value = me.principal.username;
    if (!supported()) {
      $("unsupported").hidden = false;
      $("add-start").hidden = true;
    }
    document.title = "Passkeys · Clinic Portal";
    load();
  });
