/* Form templates (staff with portal_accounts.manage): the clinic's forms, in use
 * or archived; an editor for one (name, description, questions: label, kind,
 * required, help, choices; moved up or down, removed), a preview of what the
 * patient sees, saved with the revision it was opened at; archive or restore. */
import { api, CONFLICT, problemText } from "./api.js";
import { $, busy, clear, h, newId, say } from "./dom.js";
import { fillableForm, TYPE_WORDS } from "./form-fields.js";
import { clinicPath, leaving, start } from "./session.js";
import { when } from "./words.js";

const PAGE = "/form-templates";
const el = {
  listCard: $("list-card"), status: $("status"), listStatus: $("list-status"), listError: $("list-error"),
  list: $("templates"), more: $("more"), newButton: $("new-template"), editor: $("editor"),
  title: $("editor-title"), form: $("editor-form"), name: $("t-name"), description: $("t-description"),
  fields: $("t-fields"), addField: $("add-field"), error: $("editor-error"), editorStatus: $("editor-status"),
  save: $("save"), preview: $("preview"), archive: $("archive"), back: $("editor-back"),
  previewArea: $("preview-area"), previewFields: $("preview-fields")
};
const state = { cursor: null, template: null, rows: [] };

function keyFrom(label, taken) {
  let key = label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 36) || "question";
  let n = 2;
  const first = key;
  while (taken.indexOf(key) >= 0) { key = first + "_" + n; n += 1; }
  return key;
}

// ------------------------------------------------------------ the questions

function fieldRow(field) {
  const id = newId("q");
  const label = h("input", { id: id + "-label", type: "text", maxlength: "200" });
  label.value = field.label || "";
  const type = h("select", { id: id + "-type" }, Object.keys(TYPE_WORDS).map((t) =>
    h("option", { value: t, text: TYPE_WORDS[t] })));
  type.value = field.type || "short_text";
  const required = h("input", { id: id + "-required", type: "checkbox", checked: Boolean(field.required) });
  const help = h("input", { id: id + "-help", type: "text", maxlength: "300" });
  help.value = field.help || "";
  const options = h("textarea", { id: id + "-options", rows: "3" });
  options.value = (field.options || []).join("\n");
  const optionsField = h("div", { className: "field" }, [
    h("label", { for: options.id, text: "Choices, one per line" }), options]);
  const row = { key: field.key || null, label, type, required, help, options };
  const up = h("button", { type: "button", className: "button button--quiet", text: "Move up" });
  const down = h("button", { type: "button", className: "button button--quiet", text: "Move down" });
  const remove = h("button", { type: "button", className: "button button--quiet", text: "Remove" });
  const node = h("li", { className: "template-field" }, [
    h("div", { className: "field" }, [h("label", { for: label.id, text: "Question" }), label]),
    h("div", { className: "field" }, [h("label", { for: type.id, text: "Kind of answer" }), type]),
    h("label", { className: "choice", for: required.id }, [required, h("span", { text: "Required" })]),
    h("div", { className: "field" }, [h("label", { for: help.id, text: "Help text (optional)" }), help]),
    optionsField,
    h("div", { className: "actions" }, [up, down, remove])
  ]);
  row.node = node;
  const showOptions = () => { optionsField.hidden = type.value !== "choice"; };
  type.addEventListener("change", showOptions);
  showOptions();
  up.addEventListener("click", () => move(row, -1));
  down.addEventListener("click", () => move(row, 1));
  remove.addEventListener("click", () => {
    state.rows = state.rows.filter((r) => r !== row);
    node.remove();
  });
  return row;
}

function move(row, step) {
  const i = state.rows.indexOf(row);
  const j = i + step;
  if (j < 0 || j >= state.rows.length) { return; }
  state.rows.splice(i, 1);
  state.rows.splice(j, 0, row);
  clear(el.fields);
  state.rows.forEach((r) => el.fields.appendChild(r.node));
  row.label.focus();
}

function addRow(field) {
  const row = fieldRow(field);
  state.rows.push(row);
  el.fields.appendChild(row.node);
  return row;
}

function readFields() {
  const taken = [];
  return state.rows.map((row) => {
    const label = row.label.value.trim();
    const key = row.key || keyFrom(label, taken);
    taken.push(key);
    const field = { key, label, type: row.type.value, required: row.required.checked };
    if (row.help.value.trim()) { field.help = row.help.value.trim(); }
    if (field.type === "choice") {
      field.options = row.options.value.split("\n").map((o) => o.trim()).filter(Boolean);
    }
    return field;
  });
}

// ------------------------------------------------------------ list and editor

function item(t) {
  const open = h("button", { type: "button", className: "button button--secondary", text: "Edit",
                             "aria-label": "Edit " + t.name });
  open.addEventListener("click", () => edit(t));
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [h("h3", { text: t.name })]),
    h("p", { className: "record__sub", text: t.fields.length + (t.fields.length === 1 ? " question" : " questions") +
             " · changed " + when(t.updated_at || t.created_at) }),
    h("div", { className: "actions" }, [open])
  ]);
}

async function load(more, message) {
  const q = new URLSearchParams({ status: el.status.value });
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  say(el.listError, "");
  const r = await api("GET", clinicPath("/form-templates?" + q.toString()));
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.listError, problemText(r)); return; }
  if (!more) { clear(el.list); }
  r.data.items.forEach((t) => el.list.appendChild(item(t)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  const n = el.list.children.length;
  say(el.listStatus, (message ? message + " " : "") + (n ? "" : "No forms here yet."));
}

function edit(t) {
  state.template = t;
  state.rows = [];
  clear(el.fields);
  el.title.textContent = t ? "Edit \u201c" + t.name + "\u201d" : "New form";
  el.name.value = t ? t.name : "";
  el.description.value = t && t.description ? t.description : "";
  (t ? t.fields : [{}]).forEach((f) => addRow(f));
  el.archive.hidden = !t;
  el.archive.textContent = t && t.status === "archived" ? "Restore" : "Archive";
  say(el.error, "");
  say(el.editorStatus, "");
  el.previewArea.hidden = true;
  el.listCard.hidden = true;
  el.editor.hidden = false;
  el.title.focus();
}

function backToList(message) {
  el.editor.hidden = true;
  el.listCard.hidden = false;
  load(false, message).then(() => { if (message) { el.listStatus.focus(); } });
}

el.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.save.disabled) { return; }
  say(el.error, "");
  const body = { name: el.name.value.trim(), description: el.description.value.trim() || null, fields: readFields() };
  if (!body.name) { say(el.error, "Enter the form's name."); el.name.focus(); return; }
  if (!body.fields.length || body.fields.some((f) => !f.label)) {
    say(el.error, "Every question needs its words (or remove it); a form needs at least one.");
    return;
  }
  busy(el.save, true, "Saving…");
  const t = state.template;
  const r = t ? await api("PATCH", clinicPath("/form-templates/" + t.template_id), body, { revision: t.revision })
    : await api("POST", clinicPath("/form-templates"), body);
  busy(el.save, false);
  if (leaving(r)) { return; }
  if (r.ok && r.data) {
    backToList("Saved \u201c" + r.data.form_template.name + "\u201d.");
    return;
  }
  say(el.error, r.conflict ? CONFLICT : problemText(r));
});

el.archive.addEventListener("click", async () => {
  const t = state.template;
  if (!t || el.archive.disabled) { return; }
  const action = t.status === "archived" ? "restore" : "archive";
  busy(el.archive, true);
  const r = await api("POST", clinicPath("/form-templates/" + t.template_id + "/" + action), null,
                      { revision: t.revision });
  busy(el.archive, false);
  if (leaving(r)) { return; }
  if (r.ok) { backToList((action === "archive" ? "Archived" : "Restored") + " \u201c" + t.name + "\u201d."); return; }
  say(el.error, r.conflict ? CONFLICT : problemText(r));
});

el.preview.addEventListener("click", () => {
  fillableForm(el.previewFields, readFields().filter((f) => f.label), null);
  el.previewArea.hidden = false;
  el.previewArea.scrollIntoView({ block: "start" });
});
el.addField.addEventListener("click", () => addRow({}).label.focus());
el.newButton.addEventListener("click", () => edit(null));
el.back.addEventListener("click", () => backToList(""));
el.status.addEventListener("change", () => load(false, ""));
el.more.addEventListener("click", () => load(true, ""));

start({ permission: "portal_accounts.manage", current: PAGE }).then((me) => {
  if (me) { load(false, ""); }
});
