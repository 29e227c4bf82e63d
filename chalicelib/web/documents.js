/* Documents and results (staff with documents.manage): one patient's test results
 * and visit summaries (/documents?patient=P100). Upload: the server gives a
 * presigned POST (its policy fixes the key, the type and at most 20 MB), the file
 * goes straight to the bucket, then the server checks it and records it. A test
 * result's values are entered here; Release shows a document to the patient. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, say, setUrl } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";
import { badge, day, when } from "./words.js";

const PAGE = "/documents";
const FLAGS = [["", "No flag"], ["N", "Normal"], ["H", "High"], ["L", "Low"], ["A", "Abnormal"]];
const el = {
  patientForm: $("patient-form"), patientId: $("patient-id"), status: $("page-status"), error: $("page-error"),
  patient: $("patient"), title: $("patient-title"), upload: $("upload-form"), file: $("upload-file"),
  kind: $("upload-kind"), docTitle: $("upload-title"), date: $("upload-date"), uploadError: $("upload-error"),
  uploadSubmit: $("upload-submit"), results: $("results"), resultsEmpty: $("results-empty"),
  summaries: $("summaries"), summariesEmpty: $("summaries-empty")
};
const state = { patient: null };

function docPath(id, suffix) {
  return clinicPath("/documents/" + encodeURIComponent(id) + suffix);
}

function valueRow(v, i) {
  const field = (name, label, value) => {
    const id = "v" + i + "-" + name + "-" + Math.random().toString(36).slice(2, 7);
    return h("div", { className: "field" }, [h("label", { for: id, text: label }),
                                             h("input", { id, name, value: value || "" })]);
  };
  const flagId = "v" + i + "-flag-" + Math.random().toString(36).slice(2, 7);
  const select = h("select", { id: flagId, name: "flag" },
                   FLAGS.map(([code, text]) => h("option", { value: code, text })));
  select.value = (v && v.flag) || "";
  return h("fieldset", { className: "value-row" }, [
    h("legend", { text: "Value " + (i + 1) }),
    field("test", "Test", v && v.test), field("value", "Result", v && v.value), field("unit", "Unit", v && v.unit),
    field("range", "Normal range", v && v.range),
    h("div", { className: "field" }, [h("label", { for: flagId, text: "Flag" }), select])
  ]);
}

function valuesEditor(doc) {
  const rows = h("div", {});
  (doc.values && doc.values.length ? doc.values : [null]).forEach((v, i) => rows.appendChild(valueRow(v, i)));
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const add = h("button", { type: "button", className: "button button--quiet", text: "Add a value" });
  add.addEventListener("click", () => rows.appendChild(valueRow(null, rows.children.length)));
  const save = h("button", { type: "submit", className: "button button--secondary", text: "Save values" });
  const form = h("form", { className: "form values-editor", novalidate: true }, [rows, error,
                 h("div", { className: "actions" }, [add, save])]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Array.from(rows.children).map((row) => {
      const get = (n) => row.querySelector("[name=" + n + "]").value.trim();
      return { test: get("test"), value: get("value"), unit: get("unit") || null, range: get("range") || null,
               flag: get("flag") || null };
    }).filter((v) => v.test || v.value);
    busy(save, true, "Saving…");
    const r = await api("PUT", docPath(doc.document_id, "/values"), { values });
    busy(save, false);
    if (leaving(r)) { return; }
    if (!r.ok) { say(error, problemText(r)); return; }
    await show(state.patient, "Saved the values of \u201c" + doc.title + "\u201d.");
  });
  return form;
}

function valuesTable(doc) {
  if (!doc.values || !doc.values.length) { return null; }
  return h("table", { className: "values" }, [
    h("thead", {}, [h("tr", {}, ["Test", "Result", "Normal range", "Flag"].map((t) => h("th", { scope: "col", text: t })))]),
    h("tbody", {}, doc.values.map((v) => h("tr", {}, [
      h("th", { scope: "row", text: v.test }), h("td", { text: v.value + (v.unit ? " " + v.unit : "") }),
      h("td", { text: v.range || "" }),
      h("td", {}, [v.flag_text ? h("span", { className: "flag flag--" + v.flag, text: v.flag_text }) : ""])])))
  ]);
}

function item(doc) {
  const released = Boolean(doc.released_at);
  const facts = [day(doc.date), "Uploaded by " + doc.author + " " + when(doc.uploaded_at)];
  if (released) { facts.push("Released " + when(doc.released_at)); }
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const open = h("button", { type: "button", className: "button button--quiet", text: "Open" });
  open.addEventListener("click", async () => {
    const r = await api("POST", docPath(doc.document_id, "/download"));
    if (leaving(r)) { return; }
    if (!r.ok || !r.data) { say(error, problemText(r)); return; }
    window.location.assign(r.data.url);
  });
  const actions = [open];
  if (!released) {
    const release = h("button", { type: "button", className: "button button--primary",
                                  text: "Release to the patient" });
    release.addEventListener("click", async () => {
      if (!window.confirm("Release \u201c" + doc.title + "\u201d? The patient will see it, and it can no " +
                          "longer be changed.")) { return; }
      busy(release, true, "Releasing…");
      const r = await api("POST", docPath(doc.document_id, "/release"));
      busy(release, false);
      if (leaving(r)) { return; }
      if (!r.ok) { say(error, problemText(r)); return; }
      await show(state.patient, "Released \u201c" + doc.title + "\u201d to the patient.");
    });
    actions.unshift(release);
  }
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [h("h4", { text: doc.title }),
      released ? badge("active", "Released") : badge("invited", "Not released")]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    doc.kind === "test_result" ? (released ? valuesTable(doc) : valuesEditor(doc)) : null,
    error,
    h("div", { className: "actions" }, actions)
  ]);
}

async function list(section, into, empty) {
  const q = new URLSearchParams({ patient_id: state.patient, section });
  const r = await api("GET", clinicPath("/documents?" + q.toString()));
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return false; }
  state.patient = r.data.patient.id;
  el.title.textContent = (r.data.patient.name || "Patient") + " (" + state.patient + ")";
  clear(into);
  r.data.items.forEach((doc) => into.appendChild(item(doc)));
  empty.hidden = into.children.length > 0;
  return true;
}

async function show(patientId, message) {
  state.patient = patientId;
  say(el.error, "");
  if (!(await list("test_results", el.results, el.resultsEmpty)) ||
      !(await list("visit_summaries", el.summaries, el.summariesEmpty))) {
    el.patient.hidden = true;
    return;
  }
  setUrl(PAGE + "?" + new URLSearchParams({ patient: state.patient }).toString());
  el.patient.hidden = false;
  say(el.status, message || "");
  if (message) { el.status.focus(); }
}

el.patientForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const id = el.patientId.value.trim();
  if (!id) { say(el.error, "Enter the patient's ID."); return; }
  show(id, "");
});

el.upload.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = el.file.files[0];
  const title = el.docTitle.value.trim();
  if (!file || !title || !el.date.value) {
    say(el.uploadError, "Choose a file and enter its title and date.");
    return;
  }
  if (file.size > 20 * 1024 * 1024) { say(el.uploadError, "The file is larger than 20 MB."); return; }
  busy(el.uploadSubmit, true, "Uploading…");
  try {
    const r = await api("POST", clinicPath("/documents/uploads"),
                        { patient_id: state.patient, content_type: file.type });
    if (leaving(r)) { return; }
    if (!r.ok || !r.data) { say(el.uploadError, problemText(r)); return; }
    const form = new FormData();
    Object.entries(r.data.upload.fields).forEach(([k, v]) => form.append(k, v));
    form.append("file", file);
    let sent = null;
    try {
      sent = await fetch(r.data.upload.url, { method: "POST", body: form, credentials: "omit" });
    } catch (e) { sent = null; }
    if (!sent || !sent.ok) {
      say(el.uploadError, "The file could not be uploaded. Check that it is a PDF, PNG or JPEG of at most 20 MB, " +
          "then try again.");
      return;
    }
    const c = await api("POST", clinicPath("/documents"), { document_id: r.data.document_id,
      patient_id: state.patient, kind: el.kind.value, title, date: el.date.value });
    if (leaving(c)) { return; }
    if (!c.ok) { say(el.uploadError, problemText(c)); return; }
    say(el.uploadError, "");
    el.upload.reset();
    await show(state.patient, "Uploaded \u201c" + title + "\u201d. It is not shown to the patient until you " +
               "release it.");
  } finally {
    busy(el.uploadSubmit, false);
  }
});

start({ permission: "documents.manage", current: PAGE }).then((me) => {
  if (!me) { return; }
  const patient = queryParams().patient;
  if (patient) { el.patientId.value = patient; show(patient, ""); }
});
