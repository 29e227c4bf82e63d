/* The patient side of a section page: which patient (?patient=, else the one this
 * session views, else the first whose grant holds the section). */
import { api, problemText, queryParams } from "./api.js";
import { $, say } from "./dom.js";
import { leaving, ownAccountPage } from "./session.js";

export async function sectionPatient(section, label) {
  const me = await ownAccountPage("Patient");
  if (!me) { return null; }
  $("loading").hidden = true;
  if (me.principal.kind !== "patient") {
    say($("page-error"), "This page is for patients and their representatives.");
    return null;
  }
  const r = await api("GET", "/api/portal/patients");
  if (leaving(r)) { return null; }
  if (!r.ok || !r.data) {
    say($("page-error"), problemText(r));
    return null;
  }
  const holding = r.data.items.filter((g) => (g.permissions || []).indexOf(section) >= 0);
  const wanted = queryParams().patient || me.principal.patient_id;
  const grant = holding.find((g) => g.patient_id === wanted) || holding[0];
  if (!grant) {
    say($("page-error"), "Your portal account doesn't have the " + label + " section for this patient. " +
        "Ask the clinic if you need it.");
    return null;
  }
  const name = ((grant.first_name || "") + " " + (grant.last_name || "")).trim() || grant.patient_id;
  return { id: grant.patient_id, name };
}
