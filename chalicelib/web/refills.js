/* Prescription refills for a patient or a representative with `refills` (phone
 * first): the medication list, "Ask for a refill" on an active one with refills
 * left (naming a pharmacy, with an optional note), and the requests with their
 * status and the clinic's note. */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, say } from "./dom.js";
import { sectionPatient } from "./section-patient.js";
import { leaving } from "./session.js";
import { when } from "./words.js";

const el = {
  page: $("refills"), viewing: $("viewing-text"), status: $("status"), error: $("error"), meds: $("meds"),
  medsEmpty: $("meds-empty"), form: $("ask-form"), askTitle: $("ask-title"), pharmacy: $("pharmacy"),
  note: $("note"), askError: $("ask-error"), send: $("ask-send"), cancel: $("ask-cancel"),
  requests: $("requests"), requestsEmpty: $("requests-empty"), more: $("requests-more")
};
const state = { patient: null, asking: null, cursor: null };
const STATUS = { requested: "Waiting for the clinic", approved: "Approved", denied: "Not approved" };

function base() {
  return "/api/portal/patients/" + encodeURIComponent(state.patient.id);
}

function medItem(m) {
  const facts = [m.dose, m.instructions, m.prescriber ? "Prescribed by " + m.prescriber : null].filter(Boolean);
  let action;
  if (!m.active) {
    action = h("p", { className: "record__sub", text: "No longer active." });
  } else if (m.refill_requested) {
    action = h("p", { className: "record__sub", text: "A refill is waiting for the clinic." });
  } else if (m.refills_left <= 0) {
    action = h("p", { className: "record__sub", text: "No refills left: ask the clinic for a new prescription." });
  } else {
    action = h("button", { type: "button", className: "button button--secondary", text: "Ask for a refill",
                           "aria-label": "Ask for a refill of " + m.name });
    action.addEventListener("click", () => openForm(m));
  }
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [h("h3", { text: m.name })]),
    facts.length ? h("p", { className: "record__sub", text: facts.join(" · ") }) : null,
    h("p", { className: "record__sub", text: m.refills_left + (m.refills_left === 1 ? " refill left" : " refills left") }),
    h("div", { className: "actions" }, [action])
  ]);
}

function requestItem(q) {
  const facts = ["Asked " + when(q.created_at), "Pharmacy: " + q.pharmacy];
  if (q.decided_at) { facts.push("Answered " + when(q.decided_at)); }
  return h("li", { className: "record", dataset: { status: q.status } }, [
    h("div", { className: "record__head" }, [h("h3", { text: q.medication_name + " \u2014 " + (STATUS[q.status] || q.status) })]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    q.staff_note ? h("p", { className: "record__sub", text: "Note from the clinic: " + q.staff_note }) : null
  ]);
}

async function loadMeds() {
  const r = await api("GET", base() + "/medications");
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return false; }
  clear(el.meds);
  r.data.items.forEach((m) => el.meds.appendChild(medItem(m)));
  el.medsEmpty.hidden = r.data.items.length > 0;
  return true;
}

async function loadRequests(more) {
  const q = new URLSearchParams();
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", base() + "/refill-requests" + (q.toString() ? "?" + q.toString() : ""));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) { say(el.error, problemText(r)); return; }
  if (!more) { clear(el.requests); }
  r.data.items.forEach((item) => el.requests.appendChild(requestItem(item)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  el.requestsEmpty.hidden = el.requests.children.length > 0;
}

async function refresh(message) {
  say(el.error, "");
  say(el.status, message || "");
  if (await loadMeds()) { await loadRequests(false); }
}

function openForm(m) {
  state.asking = m;
  el.askTitle.textContent = "Ask for a refill of " + m.name;
  el.pharmacy.value = "";
  el.note.value = "";
  say(el.askError, "");
  el.form.hidden = false;
  el.pharmacy.focus();
}

function closeForm() {
  state.asking = null;
  el.form.hidden = true;
}

el.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.send.disabled || !state.asking) { return; }
  const pharmacy = el.pharmacy.value.trim();
  if (!pharmacy) {
    say(el.askError, "Enter the pharmacy the refill should go to.");
    el.pharmacy.setAttribute("aria-invalid", "true");
    el.pharmacy.focus();
    return;
  }
  el.pharmacy.removeAttribute("aria-invalid");
  busy(el.send, true, "Sending…");
  const r = await api("POST", base() + "/refill-requests",
                      { medication_id: state.asking.medication_id, pharmacy, note: el.note.value.trim() || null });
  busy(el.send, false);
  if (leaving(r)) { return; }
  if (r.ok) {
    const name = state.asking.name;
    closeForm();
    await refresh("Your refill request for " + name + " was sent to the clinic. You'll get an email when they answer.");
    el.status.focus();
    return;
  }
  say(el.askError, problemText(r));
});
el.cancel.addEventListener("click", closeForm);
el.more.addEventListener("click", () => loadRequests(true));

sectionPatient("refills", "Prescription refills").then(async (patient) => {
  if (!patient) { return; }
  state.patient = patient;
  el.viewing.textContent = "Medications and refill requests for " + patient.name + ".";
  el.page.hidden = false;
  await refresh("");
});
