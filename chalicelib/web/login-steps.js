/* The login page's two steps: the Clinic ID (looked up on the server), then
 * that clinic's Staff Login / Patient Login tabs. */
import { api, isClinicId, loginUrl, normalLoginType, problemText } from "./api.js";
import { busy, say, setUrl } from "./dom.js";
import { el, state } from "./login-page.js";
import { clearToken, setUpCaptcha } from "./login-captcha.js";

var TAB_TEXT = {
  Staff: {
    hint: "For clinic staff. Use the username your clinic set up for you.",
    help: "For example: DoeJ",
    inputmode: "text"
  },
  Patient: {
    hint: "For patients and the people who look after them. Use the email address your portal account was set up with.",
    help: "Usually your email address",
    inputmode: "email"
  }
};

var NOT_FOUND = "We couldn't find that Clinic ID. Check it for typing mistakes, or ask your clinic for the right one.";

// ------------------------------------------------------------ step 1

export function showClinicStep(prefill, message) {
  state.clinic = null;
  clearToken();
  el.loading.hidden = true;
  el.loginStep.hidden = true;
  el.clinicStep.hidden = false;
  document.title = "Log in · Clinic Portal";
  if (prefill !== undefined && prefill !== null) {
    el.clinicInput.value = prefill;
  }
  say(el.clinicError, message || "");
  if (message) {
    el.clinicInput.setAttribute("aria-invalid", "true");
  } else {
    el.clinicInput.removeAttribute("aria-invalid");
  }
}

export function lookUpClinic(id, loginType, fromForm) {
  var clean = String(id || "").trim();
  if (!clean) {
    showClinicStep("", "Enter your Clinic ID.");
    el.clinicInput.focus();
    return Promise.resolve();
  }
  if (!isClinicId(clean)) {
    showClinicStep(clean, NOT_FOUND);
    el.clinicInput.focus();
    return Promise.resolve();
  }
  busy(el.clinicSubmit, true, "Looking up…");
  return api("GET", "/api/clinics/" + encodeURIComponent(clean)).then(function (r) {
    busy(el.clinicSubmit, false);
    if (r.ok && r.data && r.data.clinic_id) {
      showLoginStep(r.data, loginType, fromForm);
      return;
    }
    if (r.status === 404) {
      setUrl("/");
      showClinicStep(clean, NOT_FOUND);
    } else {
      showClinicStep(clean, problemText(r));
    }
    if (fromForm) {
      el.clinicInput.focus();
    }
  });
}

el.clinicForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (el.clinicSubmit.disabled) { return; }
  lookUpClinic(el.clinicInput.value, state.loginType, true);
});

// ------------------------------------------------------------ step 2

function showLoginStep(clinic, loginType, focusUsername) {
  state.clinic = clinic;
  el.clinicName.textContent = clinic.name;
  el.loading.hidden = true;
  el.clinicStep.hidden = true;
  el.loginStep.hidden = false;
  say(el.clinicError, "");
  say(el.loginError, "");
  el.password.value = "";
  selectTab(normalLoginType(loginType), false);
  setUpCaptcha(clinic.captcha || {});
  if (focusUsername) {
    el.username.focus();
  }
}

el.changeClinic.addEventListener("click", function (event) {
  event.preventDefault();
  var current = state.clinic ? state.clinic.clinic_id : "";
  setUrl("/");
  showClinicStep(current, "");
  el.clinicInput.focus();
  el.clinicInput.select();
});

// ------------------------------------------------------------ tabs

function selectTab(loginType, moveFocus) {
  state.loginType = loginType;
  el.tabs.forEach(function (tab) {
    var selected = tab.dataset.loginType === loginType;
    tab.setAttribute("aria-selected", selected ? "true" : "false");
    tab.tabIndex = selected ? 0 : -1;
    if (selected) {
      el.panel.setAttribute("aria-labelledby", tab.id);
      if (moveFocus) { tab.focus(); }
    }
  });
  var text = TAB_TEXT[loginType];
  el.hint.textContent = text.hint;
  el.usernameHelp.textContent = text.help;
  el.username.setAttribute("inputmode", text.inputmode);
  say(el.loginError, "");
  if (state.clinic) {
    // "Forgot password?" for this tab: the same clinic and login type.
    el.forgotLink.href = "/forgot" + loginUrl(state.clinic.clinic_id, loginType).slice(1);
    el.forgotNote.textContent = loginType === "Staff"
      ? "Forgot your password or your username? Select \"Forgot password?\" and we'll email you."
      : "Forgot your password? Select \"Forgot password?\" and we'll email you a link to choose a new one.";
    setUrl(loginUrl(state.clinic.clinic_id, loginType));
    document.title = (loginType === "Staff" ? "Staff Login" : "Patient Login") + " · " + state.clinic.name;
    // A passkey's challenge is bound to the clinic and the tab (login-passkey.js).
    document.dispatchEvent(new CustomEvent("portal:login-tab", { detail: { loginType: loginType } }));
  }
}

el.tabs.forEach(function (tab, index) {
  tab.addEventListener("click", function () {
    if (tab.dataset.loginType !== state.loginType) {
      selectTab(tab.dataset.loginType, true);
    }
  });
  tab.addEventListener("keydown", function (event) {
    var next = null;
    var last = el.tabs.length - 1;
    switch (event.key) {
      case "ArrowRight": next = index === last ? 0 : index + 1; break;
      case "ArrowLeft": next = index === 0 ? last : index - 1; break;
      case "Home": next = 0; break;
      case "End": next = last; break;
      default: return;
    }
    event.preventDefault();
    selectTab(el.tabs[next].dataset.loginType, true);
  });
});

