/* Integrations (administrators): the clinic's EHR integration keys. A new key is
 * shown once, in its own card, to copy; the list shows each key's scopes, last use
 * and status, with Revoke. Scopes not wired yet are shown but cannot be chosen. */
import { api, problemText } from "./api.js";
import { $, busy, checkboxes, checkedValues, clear, confirmStep, h, invalid, say } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";
import { badge, when } from "./words.js";

const el = {
  keys: $("keys"), none: $("no-keys"), listError: $("list-error"), listStatus: $("list-status"),
  form: $("create-form"), name: $("key-name"), scopes: $("scopes"), createError: $("create-error"),
  create: $("create"), limit: $("key-limit"),
  shown: $("key-shown"), shownTitle: $("key-shown-title"), newKey: $("new-key"), newKeyName: $("new-key-name"),
  copy: $("copy-key"), copyStatus: $("copy-status"), done: $("key-done")
};
let boxes = [];
let labels = {};

function scopeWords(names) {
  return names.map((n) => labels[n] || n).join(", ");
}

function row(key) {
  const actions = h("div", { className: "actions" });
  const confirmArea = h("div");
  const item = h("li", { className: "record" }, [
    h("div", { className: "record-main" }, [
      h("strong", { text: key.name }), " ",
      key.status === "revoked" ? badge("disabled", "Revoked") : badge("active", "Active")
    ]),
    h("p", { className: "help", text: "Writes: " + scopeWords(key.scopes) + ". Created " + when(key.created_at) +
             " by " + (key.created_by || "someone") + ". Last used: " + when(key.last_used_at) + "." +
             (key.revoked_at ? " Revoked " + when(key.revoked_at) + "." : "") }),
    actions, confirmArea
  ]);
  if (key.status !== "revoked") {
    const revoke = h("button", { type: "button", className: "button button--secondary",
                                 text: "Revoke", "aria-label": "Revoke " + key.name });
    revoke.addEventListener("click", () => {
      confirmStep(confirmArea, {
        text: "Revoke " + key.name + "? The EHR using it is refused from its next request. This cannot be undone.",
        yes: "Revoke key",
        returnFocus: revoke,
        onYes: (yes, close) => {
          busy(yes, true, "Revoking…");
          api("POST", clinicPath("/integration-keys/" + encodeURIComponent(key.key_id) + "/revoke")).then((r) => {
            busy(yes, false);
            if (leaving(r)) { return; }
            close(true);
            if (!r.ok) {
              say(el.listError, problemText(r));
              return;
            }
            load().then(() => {
              say(el.listStatus, key.name + " is revoked.");
              el.listStatus.focus();
            });
          });
        }
      });
    });
    actions.appendChild(revoke);
  }
  return item;
}

function show(data) {
  clear(el.keys);
  labels = {};
  data.scopes.forEach((s) => { labels[s.name] = s.label; });
  data.items.forEach((key) => el.keys.appendChild(row(key)));
  el.none.hidden = data.items.length > 0;
  if (!boxes.length) {
    boxes = checkboxes(el.scopes, "scope", data.scopes.map((s) => ({
      id: s.name, label: s.label, help: s.available ? null : "Not yet available"
    })), ["patients"]);
    boxes.forEach((box, i) => { box.disabled = !data.scopes[i].available; });
  }
  const live = data.items.filter((k) => k.status === "active").length;
  el.limit.textContent = live + " of " + data.limit + " keys in use.";
}

function load() {
  return api("GET", clinicPath("/integration-keys")).then((r) => {
    if (leaving(r)) { return; }
    if (r.ok && r.data) {
      say(el.listError, "");
      show(r.data);
    } else {
      say(el.listError, problemText(r));
    }
  });
}

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (el.create.disabled) { return; }
  say(el.createError, "");
  say(el.listStatus, "");
  invalid(el.name, false);
  const name = el.name.value.trim();
  if (!name) {
    say(el.createError, "Give the key a name: which system uses it.");
    invalid(el.name, true);
    el.name.focus();
    return;
  }
  busy(el.create, true, "Creating…");
  api("POST", clinicPath("/integration-keys"), { name, scopes: checkedValues(boxes) }).then((r) => {
    busy(el.create, false);
    if (leaving(r)) { return; }
    if (!r.ok || !r.data) {
      say(el.createError, problemText(r));
      return;
    }
    el.name.value = "";
    el.newKeyName.textContent = r.data.integration_key.name;
    el.newKey.value = r.data.key;
    say(el.copyStatus, "");
    el.shown.hidden = false;
    el.shownTitle.focus();
    load();
  });
});

el.copy.addEventListener("click", () => {
  el.newKey.select();
  const copied = navigator.clipboard && navigator.clipboard.writeText
    ? navigator.clipboard.writeText(el.newKey.value).then(() => true, () => false)
    : Promise.resolve(false);
  copied.then((ok) => say(el.copyStatus, ok ? "Copied." : "Select the key and copy it (Ctrl+C or ⌘C)."));
});

el.done.addEventListener("click", () => {
  // The key leaves the page: it is not shown again.
  el.newKey.value = "";
  el.shown.hidden = true;
  el.name.focus();
});

start({ permission: "clinic.settings", current: "/integrations" }).then((me) => {
  if (me) { load(); }
});
