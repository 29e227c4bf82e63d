/* The account setup page: which parts of the portal the account opens
 * (permission checkboxes), its access type, and the forced password change
 * that goes with them. */
import { config, sectionIds } from "./config.js";
import { checkboxes, checkedValues, say } from "./dom.js";
import { el, state } from "./account-setup-page.js";

// ------------------------------------------------------------ permission checkboxes

var permissionBoxes = checkboxes(el.permissionChoices, "permission", config.sections, [], "permissions");

export function setPermissions(ids) {
  permissionBoxes.forEach(function (box) { box.checked = ids.indexOf(box.value) >= 0; });
}

export function chosenPermissions() {
  return checkedValues(permissionBoxes);
}

el.permissionsAll.addEventListener("click", function () {
  setPermissions(sectionIds());
});
el.permissionsNone.addEventListener("click", function () { setPermissions([]); });

// ------------------------------------------------------------ access type

export function accessType() {
  return el.accessRep.checked ? "authorized_rep" : "self";
}

/* The forced change only means something for an account with a password: not
 * for a representative being invited, nor for an account still invited. */
export function syncForceChange() {
  var invitingRep = !state.account && accessType() === "authorized_rep";
  var invited = Boolean(state.account) && state.account.status === "invited";
  el.force.disabled = invitingRep || invited;
  if (invitingRep) {
    el.force.checked = false;
  }
  if (invitingRep || invited) {
    el.forceHelp.textContent = "Not needed: the person chooses their own password from the invitation email.";
  } else {
    el.forceHelp.textContent = "Recommended: the person replaces the temporary password with one only they know.";
  }
}

/* Details the wand filled in from the patient's record belong to the patient:
 * when the account turns out to be a representative's, they go (unless staff
 * have typed over them) and staff are asked for the representative's own. */
function clearPatientDetails() {
  var filled = state.filled;
  state.filled = null;
  if (!filled) { return; }
  var fields = [[el.firstName, filled.first], [el.lastName, filled.last], [el.username, filled.username]];
  var cleared = fields.filter(function (f) { return !f[0].readOnly && f[1] && f[0].value === f[1]; });
  cleared.forEach(function (f) { f[0].value = ""; });
  if (cleared.length) {
    say(el.status, "The patient's own details were cleared: type the representative's name and email.");
  }
}

function onAccessChange() {
  if (!state.account) {
    // A new account starts from its type's default: Self opens every section,
    // a representative none until staff choose.
    if (accessType() === "self") {
      setPermissions(sectionIds());
      el.force.checked = true;
    } else {
      setPermissions([]);
      clearPatientDetails();
    }
  }
  syncForceChange();
}

el.accessSelf.addEventListener("change", onAccessChange);
el.accessRep.addEventListener("change", onAccessChange);
