/* Medications (staff with medications.manage): one patient's list (/medications?patient=P100),
 * add a medication, change its refills left, deactivate or reactivate it. Every
 * change is sent with the revision shown (If-Match): a change made meanwhile by
 * someone else is refused and the list reloaded. */
import { CONFLICT, api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, newId, say, setUrl } from "./dom.js";
import { clinicPath, leaving, start } from "./session.js";

const PAGE = "/medications";
const el = {
  find: $("find"), patientId: $("patient-id"), listStatus: $("list-status"), listError: $("list-error"),
  title: $("patient-title"), list: $("meds"), add: $("add"), addForm: $("add-form"), name: $("med-name"),
  dose: $("med-dose"), instructions: $("med-instructions"), prescriber: $("med-prescriber"),
  refills: $("med-refills"), addError: $("add-error"), addSend: $("add-send")
};
const state = { patient: null };

function base() {
  return clinicPath("/medications/" + encodeURIComponent(state.patient));
}

function item(m) {
  const facts = [m.dose, m.instructions, m.prescriber ? "Prescribed by " + m.prescriber : null].filter(Boolean);
  const id = newId("refills");
  const refills = h("input", { id, type: "number", min: "0", max: "99", value: String(m.refills_left),
                               inputmode: "numeric" });
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const save = h("button", { type: "button", className: "button button--secondary", text: "Save refills",
                             "aria-label": "Save refills left for " + m.name });
  const toggle = h("button", { type: "button", className: "button button--quiet",
                               text: m.active ? "Deactivate" : "Reactivate",
                               "aria-label": (m.active ? "Deactivate " : "Reactivate ") + m.name });
  const change = async (body, button, done) => {
    if (save.disabled || toggle.disabled) { return; }
    busy(button, true, "Saving…");
    const r = await api("PATCH", base() + "/" + encodeURIComponent(m.medication_id), body,
                        { headers: { "If-Match": '"' + m.revision + '"' } });
    busy(button, false);
    if (leaving(r)) { return; }
    if (r.ok) { await load(done); el.listStatus.focus(); return; }
    if (r.status === 409) { await load(CONFLICT); return; }
    say(error, problemText(r));
  };
  save.addEventListener("click", () => {
    const n = Number(refills.value);
    if (!Number.isInteger(n) || n < 0 || n > 99) { say(error, "Refills left is a whole number from 0 to 99."); return; }
    change({ refills_left: n }, save, "Saved: " + m.name + " has " + n + (n === 1 ? " refill" : " refills") + " left.");
  });
  toggle.addEventListener("click", () => change({ active: !m.active }, toggle,
                                                 m.name + (m.active ? " is no longer active." : " is active again.")));
  return h("li", { className: "record", dataset: { medicationId: m.medication_id } }, [
    h("div", { className: "record__head" }, [h("h3", { text: m.name + (m.active ? "" : " (inactive)") })]),
    facts.length ? h("p", { className: "record__sub", text: facts.join(" · ") }) : null,
    m.refill_requested ? h("p", { className: "record__sub", text: "A refill request is waiting." }) : null,
    h("div", { className: "field" }, [h("label", { for: id, text: "Refills left" }), refills]),
    error,
    h("div", { className: "actions" }, [save, toggle])
  ]);
}

async function load(message) {
  say(el.listError, "");
  const r = await api("GET", base());
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    clear(el.list);
    el.title.hidden = true;
    el.add.hidden = true;
    say(el.listError, problemText(r));
    return;
  }
  const p = r.data.patient;
  state.patient = p.patient_id;
  setUrl(PAGE + "?" + new URLSearchParams({ patient: p.patient_id }).toString());
  el.title.textContent = "Medications of " + p.first_name + " " + p.last_name + " (patient " + p.patient_id + ")";
  el.title.hidden = false;
  clear(el.list);
  r.data.items.forEach((m) => el.list.appendChild(item(m)));
  const n = r.data.items.length;
  say(el.listStatus, (message ? message + " " : "") + (n ? n + (n === 1 ? " medication." : " medications.") :
                                                      "No medications on this patient's list yet."));
  el.add.hidden = false;
}

el.find.addEventListener("submit", (event) => {
  event.preventDefault();
  const pid = el.patientId.value.trim();
  if (!pid) { say(el.listError, "Enter a patient ID."); el.patientId.focus(); return; }
  state.patient = pid;
  load("");
});

el.addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.addSend.disabled) { return; }
  const name = el.name.value.trim();
  const refills = Number(el.refills.value || "0");
  if (!name) { say(el.addError, "Enter the medication's name."); el.name.focus(); return; }
  if (!Number.isInteger(refills) || refills < 0 || refills > 99) {
    say(el.addError, "Refills left is a whole number from 0 to 99.");
    el.refills.focus();
    return;
  }
  busy(el.addSend, true, "Adding…");
  const r = await api("POST", base(), { name, dose: el.dose.value.trim() || null,
                                        instructions: el.instructions.value.trim() || null,
                                        prescriber: el.prescriber.value.trim() || null, refills_left: refills });
  busy(el.addSend, false);
  if (leaving(r)) { return; }
  if (r.ok) {
    el.addForm.reset();
    say(el.addError, "");
    await load("Added " + name + ".");
    el.listStatus.focus();
    return;
  }
  say(el.addError, problemText(r));
});

start({ permission: "medications.manage", current: PAGE }).then((me) => {
  if (!me) { return; }
  const pid = queryParams().patient;
  if (pid) { el.patientId.value = pid; state.patient = pid; load(""); }
});
