/* The Appointments section for a patient or a representative (phone first): upcoming
 * appointments (cancel one more than the clinic's window ahead), past ones, and
 * requests for a new appointment with what became of them. /appointments?patient=P101 */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, confirmStep, h, say, setUrl, showOnly } from "./dom.js";
import { slotWords, whereWords } from "./appointment-words.js";
import { leaving, ownAccountPage } from "./session.js";
import { when } from "./words.js";

const el = {
  list: $("list-step"), viewing: $("viewing-text"), status: $("list-status"), error: $("list-error"),
  upcoming: $("upcoming-list"), upcomingEmpty: $("upcoming-empty"), upcomingMore: $("upcoming-more"),
  past: $("past-list"), pastEmpty: $("past-empty"), pastMore: $("past-more"), pastShow: $("past-show"),
  form: $("request-form"), reason: $("request-reason"), preferred: $("request-preferred"),
  requestError: $("request-error"), submit: $("request-submit"),
  requests: $("requests-list"), requestsEmpty: $("requests-empty")
};
const state = { patient: null, name: "", cursors: { upcoming: null, past: null } };
const REQUEST_STATUS = { waiting: "Waiting for the clinic", booked: "Booked", declined: "Declined" };

function base(suffix) {
  return "/api/portal/patients/" + encodeURIComponent(state.patient) + suffix;
}

function item(a, upcoming) {
  const facts = [a.provider_name || "", whereWords(a)].filter(Boolean);
  const actions = h("div", { className: "actions" });
  const li = h("li", { className: "record", dataset: { appointmentId: a.appointment_id } }, [
    h("div", { className: "record__head" }, [
      h("h3", { className: "appt-when", text: slotWords(a) }),
      h("span", { className: "appt-status appt-status--" + a.status, text: a.status_words })
    ]),
    facts.length ? h("p", { className: "record__sub", text: facts.join(" · ") }) : null,
    a.reason ? h("p", { className: "record__sub", text: "Reason: " + a.reason }) : null,
    a.video_link && a.status === "booked" ? h("p", {}, [h("a", { href: a.video_link, rel: "noopener noreferrer",
                                                                 target: "_blank", text: "Join the video visit" })])
      : null,
    actions
  ]);
  if (upcoming && a.status === "booked") {
    const cancel = h("button", { type: "button", className: "button button--secondary", text: "Cancel appointment",
                                 "aria-label": "Cancel the appointment of " + slotWords(a) });
    const confirm = h("div");
    cancel.addEventListener("click", () => confirmStep(confirm, {
      text: "Cancel the appointment of " + slotWords(a) + "?", yes: "Yes, cancel it", returnFocus: cancel,
      onYes: async (yes, close) => {
        busy(yes, true, "Cancelling…");
        const r = await api("POST", base("/appointments/" + encodeURIComponent(a.appointment_id) + "/cancel"));
        busy(yes, false);
        if (leaving(r)) { return; }
        close(true);
        if (r.ok) {
          await loadAll("The appointment of " + slotWords(a) + " is cancelled.");
          el.status.focus();
          return;
        }
        say(el.error, problemText(r));
      }
    }));
    actions.appendChild(cancel);
    actions.appendChild(confirm);
  }
  return li;
}

async function loadAppointments(when_, more) {
  const list = when_ === "upcoming" ? el.upcoming : el.past;
  const empty = when_ === "upcoming" ? el.upcomingEmpty : el.pastEmpty;
  const moreButton = when_ === "upcoming" ? el.upcomingMore : el.pastMore;
  const q = new URLSearchParams({ when: when_ });
  if (more && state.cursors[when_]) { q.set("cursor", state.cursors[when_]); }
  if (more) { busy(moreButton, true, "Loading…"); }
  const r = await api("GET", base("/appointments?" + q.toString()));
  busy(moreButton, false);
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    say(el.error, problemText(r));
    return false;
  }
  if (!more) { clear(list); }
  r.data.items.forEach((a) => list.appendChild(item(a, when_ === "upcoming")));
  state.cursors[when_] = r.data.next_cursor;
  moreButton.hidden = !r.data.next_cursor;
  empty.hidden = list.children.length > 0;
  return true;
}

function requestItem(rq) {
  const facts = ["Asked " + when(rq.created_at), REQUEST_STATUS[rq.status] || rq.status];
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [h("h3", { text: rq.reason })]),
    h("p", { className: "record__sub", text: facts.join(" · ") }),
    rq.preferred ? h("p", { className: "record__sub", text: "Preferred: " + rq.preferred }) : null,
    rq.decline_note ? h("p", { className: "notice", text: "From the clinic: " + rq.decline_note }) : null
  ]);
}

async function loadRequests() {
  const r = await api("GET", base("/appointment-requests"));
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    say(el.error, problemText(r));
    return false;
  }
  clear(el.requests);
  r.data.items.forEach((rq) => el.requests.appendChild(requestItem(rq)));
  el.requestsEmpty.hidden = el.requests.children.length > 0;
  return true;
}

async function loadAll(message) {
  say(el.error, "");
  say(el.status, message || "");
  if (await loadAppointments("upcoming", false)) { await loadRequests(); }
  if (!el.pastShow.hidden) { return; }
  await loadAppointments("past", false);
}

el.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.submit.disabled) { return; }
  say(el.requestError, "");
  const reason = el.reason.value.trim();
  if (!reason) {
    say(el.requestError, "Please say what the appointment is for.");
    el.reason.focus();
    return;
  }
  busy(el.submit, true, "Sending…");
  const r = await api("POST", base("/appointment-requests"),
                      { reason, preferred: el.preferred.value.trim() || null });
  busy(el.submit, false);
  if (leaving(r)) { return; }
  if (!r.ok) {
    say(el.requestError, problemText(r));
    return;
  }
  el.reason.value = "";
  el.preferred.value = "";
  await loadRequests();
  say(el.status, "Your request was sent. The clinic will book a time or answer you here.");
  el.status.focus();
});
el.upcomingMore.addEventListener("click", () => loadAppointments("upcoming", true));
el.pastMore.addEventListener("click", () => loadAppointments("past", true));
el.pastShow.addEventListener("click", async () => {
  el.pastShow.hidden = true;
  await loadAppointments("past", false);
});

async function choosePatient(me) {
  const r = await api("GET", "/api/portal/patients");
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    showOnly([el.list], null);
    say($("page-error"), problemText(r));
    return false;
  }
  const granted = r.data.items.filter((g) => (g.permissions || []).indexOf("appointments") >= 0);
  const wanted = queryParams().patient || me.principal.patient_id;
  const grant = granted.find((g) => g.patient_id === wanted) || granted[0];
  if (!grant) {
    showOnly([el.list], null);
    say($("page-error"), "Your portal account doesn't have the Appointments section for this patient. " +
        "Ask the clinic if you need it.");
    return false;
  }
  state.patient = grant.patient_id;
  state.name = ((grant.first_name || "") + " " + (grant.last_name || "")).trim() || grant.patient_id;
  el.viewing.textContent = "Appointments for " + state.name + ".";
  setUrl("/appointments?" + new URLSearchParams({ patient: state.patient }).toString());
  return true;
}

ownAccountPage("Patient").then(async (me) => {
  if (!me) { return; }
  if (me.principal.kind !== "patient") {
    showOnly([el.list], null);
    say($("page-error"), "This page is for patients. Staff book appointments on the Schedule page.");
    return;
  }
  if (!(await choosePatient(me))) { return; }
  await loadAll("");
  showOnly([el.list], el.list);
});
