/* The Patient Portal Account setup page: find the patient, load their details,
 * create (Self: sign-in details shown once; Authorized representative: an
 * invitation email) or change an account, reset its password, resend its
 * invitation, delete it, and request forms from it.
 *
 *   /portal-accounts/setup                 a new account
 *   /portal-accounts/setup?patient_id=X    a new account for patient X
 *   /portal-accounts/setup?account_id=Y    account Y
 *
 * The parts, each its own module: account-setup-page.js (elements, state,
 * messages), -access.js (permissions, access type), -patient.js (patient
 * search and the wand), -requests.js (form requests), -edit.js (new / existing
 * account, conflicts), -save.js (save, reset password, resend, delete).
 */
import { queryParams } from "./api.js";
import { start } from "./session.js";
import { PAGE } from "./account-setup-page.js";
import { loadAccount, newForm, startWithPatient } from "./account-setup-edit.js";
import "./account-setup-save.js";

// ------------------------------------------------------------ start

start({ permission: "portal_accounts.manage", current: PAGE }).then(function (me) {
  if (!me) { return; }
  var params = queryParams();
  if (params.account_id) {
    newForm(true);
    loadAccount(params.account_id);
  } else if (params.patient_id) {
    startWithPatient(params.patient_id);
  } else {
    newForm();
  }
});
