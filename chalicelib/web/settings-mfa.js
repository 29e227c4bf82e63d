/* Clinic settings: who must use two-factor authentication (staff by role, and
 * patient-portal logins), a checkbox each. The roles come from the server's list. */
import { config } from "./config.js";
import { $, checkboxes, checkedValues } from "./dom.js";

var boxes = checkboxes($("mfa-roles"), "mfa-role", config.roles.map((r) => ({ id: r.id, label: r.label })), [],
                       "mfa_required_roles");

export function fillMfa(settings) {
  var roles = settings.mfa_required_roles || [];
  boxes.forEach((box) => { box.checked = roles.indexOf(box.value) >= 0; });
  $("mfa_required_for_patients").checked = Boolean(settings.mfa_required_for_patients);
}

/* Add the changed two-factor settings to `out`. */
export function mfaChanges(saved, out) {
  var roles = checkedValues(boxes).sort();
  if (roles.join(",") !== (saved.mfa_required_roles || []).slice().sort().join(",")) {
    out.mfa_required_roles = roles;
  }
  if ($("mfa_required_for_patients").checked !== Boolean(saved.mfa_required_for_patients)) {
    out.mfa_required_for_patients = $("mfa_required_for_patients").checked;
  }
}
