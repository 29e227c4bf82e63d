/* The patient home (a portal login): whose records this session views, the
 * switcher when the login acts for several patients, and a tile per section the
 * grant permits and that is in the portal, each saying what needs attention
 * (GET /api/portal/patients/{id}/home, refreshed by poll.js). Switching patient
 * loads that patient's tiles: only the sections their grant permits. */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, say } from "./dom.js";
import { poll } from "./poll.js";

const el = {
  viewing: $("viewing"),
  viewingText: $("viewing-text"),
  patientForm: $("patient-form"),
  patientPicker: $("patient-picker"),
  patientSwitch: $("patient-switch"),
  viewingError: $("viewing-error"),
  sections: $("sections"),
  sectionsTitle: $("sections-title"),
  tiles: $("tiles"),
  notYet: $("not-yet"),
  sectionsError: $("sections-error")
};

let current = null;   // {principal}: /api/me's answer, then the switch's
let polling = null;
let onSignedOut = null;

function viewingText(p) {
  return p.patient_name ? "Viewing records of " + p.patient_name : "";
}

function tile(t) {
  const count = t.attention.count;
  // A badge repeats a counted text ("2 unread messages"), not an amount ("$120.50 due by 15 Jan").
  const badge = count > 0 && t.attention.text.indexOf(String(count) + " ") === 0;
  return h("li", { className: "tiles__item" }, [
    h("a", { className: "tile" + (count > 0 ? " tile--attention" : ""), href: t.href,
             dataset: { section: t.section } }, [
      h("span", { className: "tile__label", text: t.label }),
      " ",
      h("span", { className: "tile__attention" }, [
        // The count is in the text too; the badge is for the eye only.
        badge ? h("span", { className: "tile__badge", "aria-hidden": "true", text: String(count) }) : null,
        h("span", { className: "tile__text", text: t.attention.text })
      ])
    ])
  ]);
}

function showTiles(data) {
  clear(el.tiles);
  data.tiles.forEach((t) => el.tiles.appendChild(tile(t)));
  el.tiles.hidden = !data.tiles.length;
  const later = data.not_yet || [];
  el.notYet.textContent = later.length ? "Not available in the portal yet: " + later.join(", ") + "." : "";
  el.notYet.hidden = !later.length;
  if (!data.tiles.length && !later.length) {
    el.notYet.textContent = "Your clinic has not opened any sections of these records to you yet.";
    el.notYet.hidden = false;
  }
  el.sectionsTitle.textContent = data.patient.name ? data.patient.name + "'s records" : "Records";
  say(el.sectionsError, "");
  el.sections.hidden = false;
}

/* Show (and keep fresh) the tiles of the patient this session views. */
function showSections(patientId) {
  if (polling) { polling.stop(); polling = null; }
  if (!patientId) {
    el.sections.hidden = true;
    return;
  }
  polling = poll("/api/portal/patients/" + encodeURIComponent(patientId) + "/home", showTiles, {
    onProblem: (r) => {
      if (r.status === 403) { el.sections.hidden = true; }
      say(el.sectionsError, problemText(r));
    }
  });
}

/* The patients this login may open: one, no picker; several, a switcher. */
function showPatients() {
  const p = current.principal;
  el.viewingText.textContent = viewingText(p);
  el.viewing.hidden = !p.patient_name;
  showSections(p.patient_id);
  api("GET", "/api/portal/patients").then((r) => {
    if (r.status === 401) { onSignedOut(); return; }
    if (!r.ok || !r.data) { return; }
    const usable = r.data.items.filter((i) => i.status === "active");
    if (usable.length < 2) {
      el.patientForm.hidden = true;
      if (!usable.length) {
        el.viewingText.textContent = "Your portal account has no access to any patient's records at the moment. " +
          "Please contact your clinic.";
        el.viewing.hidden = false;
      }
      return;
    }
    clear(el.patientPicker);
    usable.forEach((i) => {
      const option = h("option", { value: i.patient_id,
                                   text: ((i.first_name || "") + " " + (i.last_name || "")).trim() || i.patient_id });
      option.selected = i.patient_id === p.patient_id;
      el.patientPicker.appendChild(option);
    });
    if (!p.patient_id) {
      el.viewingText.textContent = "You have access to the records of more than one person. Choose whose " +
        "records to view.";
    }
    el.patientForm.hidden = false;
    el.viewing.hidden = false;
  });
}

el.patientForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (el.patientSwitch.disabled) { return; }
  say(el.viewingError, "");
  busy(el.patientSwitch, true, "Switching…");
  api("POST", "/api/portal/patients/" + encodeURIComponent(el.patientPicker.value) + "/select").then((r) => {
    busy(el.patientSwitch, false);
    if (r.status === 401) { onSignedOut(); return; }
    if (!r.ok || !r.data) {
      say(el.viewingError, problemText(r));
      return;
    }
    current = r.data;
    el.viewingText.textContent = viewingText(current.principal);
    showSections(current.principal.patient_id);
  });
});

/* The patient side of the home page, for /api/me's answer `me`. */
export function startPatientHome(me, signedOutHandler) {
  current = me;
  onSignedOut = signedOutHandler;
  showPatients();
}
