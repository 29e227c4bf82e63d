/* The Patient Portal Account setup page: its elements, what it is showing, and
 * the messages every part of it uses. Imported by the other account-setup-*.js
 * modules; account-setup.js starts the page. */
import { $, clear, invalid, say, sayProblem, setUrl } from "./dom.js";
import { clinicPath } from "./session.js";
export var PAGE = "/portal-accounts/setup";

export var el = {
  title: $("page-title"),
  lead: $("page-lead"),
  badge: $("account-badge"),
  facts: $("account-facts"),
  factPatient: $("fact-patient"),
  factInvitation: $("fact-invitation"),
  factLastLogin: $("fact-last-login"),
  status: $("form-status"),
  invitationFailed: $("invitation-failed"),
  credentials: $("credentials-area"),
  patientBlock: $("patient-block"),
  patientChosen: $("patient-chosen"),
  patientChosenText: $("patient-chosen-text"),
  patientChange: $("patient-change"),
  patientForm: $("patient-form"),
  patientQuery: $("patient-query"),
  patientSearch: $("patient-search"),
  patientError: $("patient-error"),
  patientResultsStatus: $("patient-results-status"),
  patientResults: $("patient-results"),
  patientMore: $("patient-more"),
  form: $("account-form"),
  loadBlock: $("load-block"),
  loadPatient: $("load-patient"),
  username: $("username"),
  usernameHelp: $("username-help"),
  firstName: $("first-name"),
  lastName: $("last-name"),
  accessSelf: $("access-self"),
  accessRep: $("access-rep"),
  force: $("force-change"),
  forceHelp: $("force-change-help"),
  permissionChoices: $("permission-choices"),
  permissionsAll: $("permissions-all"),
  permissionsNone: $("permissions-none"),
  formError: $("form-error"),
  save: $("save"),
  newButton: $("new"),
  reset: $("reset-password"),
  resend: $("resend"),
  del: $("delete"),
  confirmArea: $("confirm-area"),
  formsSection: $("forms-section"),
  formsLoadError: $("forms-load-error"),
  formsEmpty: $("forms-empty"),
  formsList: $("forms-list"),
  formRequestForm: $("form-request-form"),
  formName: $("form-name"),
  formNote: $("form-note"),
  formDue: $("form-due"),
  formRequestError: $("form-request-error"),
  formRequestStatus: $("form-request-status"),
  formRequestSubmit: $("form-request-submit")
};

export var state = {
  account: null,     // the account being edited (null: a new one)
  patient: null,     // {patient_id, first_name, last_name, email?, date_of_birth?}
  search: { q: "", cursor: null },
  filled: null,      // what the wand filled in from the patient's record {first, last, username}
  busy: false
};

// ------------------------------------------------------------ messages

export function clearMessages() {
  say(el.status, "");
  say(el.formError, "");
  say(el.invitationFailed, "");
  clear(el.confirmArea);
  [el.username, el.firstName, el.lastName, el.patientQuery].forEach(function (c) { invalid(c, false); });
}

export function formProblem(text, control) {
  sayProblem(el.formError, text, control);
}

export function showUrl(query) {
  setUrl(PAGE + (query || ""));
}

/* The API path of the account shown. */
export function accountPath(suffix) {
  return clinicPath("/portal-accounts/" + encodeURIComponent(state.account.account_id) + (suffix || ""));
}
