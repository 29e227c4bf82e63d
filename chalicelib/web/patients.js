/* The patients list (staff with patients.manage): the clinic's patients by
 * last name, a page at a time, filtered by the start of the last name
 * ("Lee", "Lee, A") or a patient ID, and the Add patient form. Each patient
 * opens their page, /patients/{id}. /patients?q=... */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, invalid, say, sayProblem, setUrl } from "./dom.js";
import { patientFields } from "./patient-form.js";
import { clinicPath, leaving, start } from "./session.js";
import { day } from "./words.js";

const PAGE = "/patients";

const el = {
  filterForm: $("filter-form"),
  q: $("q"),
  listStatus: $("list-status"),
  listError: $("list-error"),
  list: $("patients"),
  more: $("more"),
  addLink: $("add-link"),
  addTitle: $("add-title"),
  addForm: $("add-form"),
  patientId: $("new-patient-id"),
  addFields: $("add-fields"),
  addError: $("add-error"),
  addSubmit: $("add-submit")
};

const state = { q: "", cursor: null, loading: 0 };
const fields = patientFields(el.addFields, "new", null);

function patientHref(id) {
  return "/patients/" + encodeURIComponent(id);
}

// ------------------------------------------------------------ the list

function renderPatient(p) {
  const facts = ["Patient ID " + p.patient_id];
  if (p.date_of_birth) { facts.push("Born " + day(p.date_of_birth)); }
  return h("li", { className: "record", dataset: { patientId: p.patient_id } }, [
    h("div", { className: "record__head" }, [
      h("h3", {}, [h("a", { href: patientHref(p.patient_id),
                            text: (p.last_name || "") + ", " + (p.first_name || "") })])
    ]),
    h("p", { className: "record__sub", text: facts.join(" · ") })
  ]);
}

function countText(more) {
  const n = el.list.children.length;
  if (n === 0) {
    return state.q ? "No patients match \u201c" + state.q + "\u201d. Check the spelling, or add the patient below."
                   : "No patients yet. Add one below.";
  }
  return "Showing " + (n === 1 ? "1 patient" : n + " patients") +
    (state.q ? " matching \u201c" + state.q + "\u201d" : "") +
    (more ? ". There are more: select More to see them." : ".");
}

async function load(more) {
  if (!more) {
    state.q = el.q.value.trim();
    state.cursor = null;
    setUrl(PAGE + (state.q ? "?" + new URLSearchParams({ q: state.q }).toString() : ""));
  }
  const params = new URLSearchParams();
  if (state.q) { params.set("q", state.q); }
  if (more && state.cursor) { params.set("cursor", state.cursor); }
  state.loading += 1;
  const ticket = state.loading;
  say(el.listError, "");
  if (more) { busy(el.more, true, "Loading…"); } else { el.list.setAttribute("aria-busy", "true"); }
  const query = params.toString();
  const r = await api("GET", clinicPath("/patients" + (query ? "?" + query : "")));
  if (ticket !== state.loading) { return; }
  busy(el.more, false);
  el.list.removeAttribute("aria-busy");
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.listError, problemText(r));
    return;
  }
  if (!more) { clear(el.list); }
  let firstNew = null;
  r.data.items.forEach((p) => {
    const node = renderPatient(p);
    if (!firstNew) { firstNew = node; }
    el.list.appendChild(node);
  });
  state.cursor = r.data.next_cursor;
  el.more.hidden = !r.data.next_cursor;
  el.listStatus.textContent = countText(Boolean(r.data.next_cursor));
  if (more && firstNew) { firstNew.querySelector("a").focus(); }
}

el.filterForm.addEventListener("submit", (event) => {
  event.preventDefault();
  load(false);
});
el.more.addEventListener("click", () => {
  if (!el.more.disabled) { load(true); }
});
el.addLink.addEventListener("click", (event) => {
  event.preventDefault();
  el.addTitle.scrollIntoView({ block: "start" });
  el.patientId.focus();
});

// ------------------------------------------------------------ add a patient

el.addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.addSubmit.disabled) { return; }
  say(el.addError, "");
  fields.clear();
  invalid(el.patientId, false);
  if (fields.missing(el.addError)) { return; }
  const body = fields.body(false);
  const id = el.patientId.value.trim();
  if (id) { body.patient_id = id; }
  busy(el.addSubmit, true, "Adding…");
  const r = await api("POST", clinicPath("/patients"), body);
  if (leaving(r)) { return; }
  if (r.ok && r.data && r.data.patient) {
    const p = r.data.patient;
    window.location.assign(patientHref(p.patient_id) + "?added=1");
    return;
  }
  busy(el.addSubmit, false);
  if (r.error === "patient_exists" || /patient id/i.test(r.message || "")) {
    sayProblem(el.addError, problemText(r), el.patientId);
    return;
  }
  if (r.status === 400 && r.message) {
    fields.problem(el.addError, r.message);
    return;
  }
  sayProblem(el.addError, problemText(r), null);
});

start({ permission: "patients.manage", current: PAGE }).then((me) => {
  if (!me) { return; }
  el.q.value = queryParams().q || "";
  load(false);
});


