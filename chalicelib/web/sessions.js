/* Where you're signed in (/sessions), reached from home: the person's live
 * sessions with "Sign out" on each and "Sign out everywhere else". With
 * ?staff=<username> (from the Staff page, administrators) the same list for
 * that staff member, each with "End session". */
import { api, problemText } from "./api.js";
import { $, busy, clear, h, say, showOnly } from "./dom.js";
import { leaving, ownAccountPage } from "./session.js";

var el = {
  step: $("sessions-step"),
  title: $("sessions-title"),
  lead: $("sessions-lead"),
  list: $("sessions-list"),
  status: $("sessions-status"),
  error: $("sessions-error"),
  others: $("sign-out-others"),
  back: $("back-link")
};

var staff = new URLSearchParams(window.location.search).get("staff");
var me = null;

function loginType() {
  return me && me.principal.kind === "patient" ? "Patient" : "Staff";
}

function basePath() {
  if (staff) {
    return "/api/clinics/" + encodeURIComponent(me.principal.clinic_id) + "/staff/" +
      encodeURIComponent(staff) + "/sessions";
  }
  return "/api/me/sessions";
}

/* "5 minutes ago", "just now", or the date and time. */
function ago(iso) {
  var seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 120) { return "just now"; }
  if (seconds < 3600) { return Math.round(seconds / 60) + " minutes ago"; }
  if (seconds < 86400) {
    var hours = Math.round(seconds / 3600);
    return hours === 1 ? "an hour ago" : hours + " hours ago";
  }
  return new Date(iso).toLocaleString();
}

function row(s) {
  var name = s.browser + " on " + s.os;
  var facts = h("p", { className: "help" }, [
    "Last used " + ago(s.last_used_at) + " · from " + (s.source_ip || "an unknown address") +
    " · signed in " + new Date(s.started_at).toLocaleString()
  ]);
  var label = staff ? "End session" : "Sign out";
  var button = s.session_id ? h("button", { type: "button", className: "button button--secondary",
                                            "aria-label": label + ": " + name, text: label }) : null;
  if (button) {
    button.addEventListener("click", function () { end(s, button); });
  }
  return h("li", { className: "session-row", dataset: { thisDevice: s.this_device ? "yes" : "no" } }, [
    h("p", {}, [h("strong", { text: name }), s.this_device ? " (this device)" : null]),
    facts,
    button
  ]);
}

function show(sessions) {
  clear(el.list);
  sessions.forEach(function (s) { el.list.appendChild(row(s)); });
  if (!sessions.length) {
    el.list.appendChild(h("li", { text: staff ? "Not signed in anywhere." : "No other sessions." }));
  }
  el.others.hidden = Boolean(staff) || !sessions.some(function (s) { return !s.this_device; });
}

async function load() {
  var r = await api("GET", basePath());
  if (leaving(r)) { return; }
  if (!r.ok) {
    showOnly([el.step], el.step);
    say(el.error, problemText(r));
    return;
  }
  show(r.data.sessions);
  showOnly([el.step], el.step);
}

async function end(s, button) {
  say(el.error, "");
  busy(button, true, "Signing out…");
  var r = await api("DELETE", basePath() + "/" + encodeURIComponent(s.session_id));
  if (r.status === 204 && s.this_device) {
    window.location.replace("/");
    return;
  }
  if (leaving(r)) { return; }
  busy(button, false);
  if (r.ok || r.error === "session_not_found") {
    say(el.status, s.browser + " on " + s.os + " is signed out.");
    await load();
    return;
  }
  say(el.error, problemText(r));
}

el.others.addEventListener("click", async function () {
  say(el.error, "");
  busy(el.others, true, "Signing out…");
  var r = await api("POST", "/api/me/sessions/sign-out-others");
  if (leaving(r)) { return; }
  busy(el.others, false);
  if (!r.ok) {
    say(el.error, problemText(r));
    return;
  }
  // (sessions_ended also counts sessions that had already expired but not yet been removed)
  say(el.status, "You are signed out everywhere else.");
  await load();
});

ownAccountPage(loginType).then(function (data) {
  if (!data) { return; }
  me = data;
  if (staff) {
    el.title.textContent = "Where " + staff + " is signed in";
    el.lead.textContent = "Each browser or device signed in as " + staff + ". Ending a session signs that browser out at once.";
    el.back.textContent = "Back to Staff";
    el.back.href = "/staff";
    document.title = "Sessions of " + staff + " · Clinic Portal";
  }
  load();
});
