/* The booking form shared by the Schedule and the Appointment requests pages:
 * patient (when asked for), provider, date, time (UTC), length, reason, location or
 * video link. A provider already busy at that time is answered 409 provider_busy:
 * the form says so and offers "Book anyway" (the same request with force: true). */
import { problemText } from "./api.js";
import { busy, clear, h, newId, say } from "./dom.js";

const LENGTHS = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180];

function field(label, control, help) {
  const helpId = help ? newId("help") : null;
  if (helpId) { control.setAttribute("aria-describedby", helpId); }
  return h("div", { className: "field" }, [h("label", { for: control.id, text: label }), control,
                                          help ? h("p", { id: helpId, className: "help", text: help }) : null]);
}

/* opts: {providers: [{username, name}], values: {...}, patient: bool, submitText,
 *        send(body) -> Promise<api result>, done(result), cancel()} */
export function appointmentForm(container, opts) {
  clear(container);
  const v = opts.values || {};
  const ids = { patient: newId("patient"), provider: newId("provider"), date: newId("date"), time: newId("time"),
                minutes: newId("minutes"), reason: newId("reason"), location: newId("location"), video: newId("video") };
  const patient = h("input", { id: ids.patient, type: "text", autocomplete: "off", value: v.patient_id || "" });
  const provider = h("select", { id: ids.provider });
  (opts.providers || []).forEach((p) => provider.appendChild(h("option", { value: p.username, text: p.name + " (" + p.username + ")",
                                                                          selected: (v.provider || "").toLowerCase() === p.username.toLowerCase() })));
  const date = h("input", { id: ids.date, type: "date", value: (v.start || "").slice(0, 10) || v.date || "" });
  const time = h("input", { id: ids.time, type: "time", step: "300", value: (v.start || "").slice(11, 16) || "09:00" });
  const minutes = h("select", { id: ids.minutes });
  LENGTHS.forEach((m) => minutes.appendChild(h("option", { value: String(m), text: m + " minutes",
                                                           selected: m === (v.minutes || 30) })));
  const reason = h("input", { id: ids.reason, type: "text", maxlength: "500", value: v.reason || "" });
  const location = h("input", { id: ids.location, type: "text", maxlength: "200", value: v.location || "" });
  const video = h("input", { id: ids.video, type: "url", inputmode: "url", maxlength: "500", value: v.video_link || "",
                             placeholder: "https://" });
  const error = h("p", { className: "alert", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", className: "button button--primary", text: opts.submitText });
  const force = h("button", { type: "button", className: "button button--danger", text: "Book anyway", hidden: true });
  const cancel = h("button", { type: "button", className: "button button--quiet", text: "Cancel" });
  const form = h("form", { className: "form appt-form", novalidate: true, autocomplete: "off" }, [
    opts.patient ? field("Patient ID", patient) : null,
    field("Provider", provider),
    field("Date", date),
    field("Start time (UTC)", time, "On a 5-minute step, e.g. 09:30."),
    field("Length", minutes),
    field(opts.reasonLabel || "Reason", reason),
    field("Location", location, "A room or address; or give a video link instead."),
    field("Video link", video, "An https:// link for a video visit."),
    error,
    h("div", { className: "actions" }, [submit, force, cancel])
  ]);
  container.appendChild(form);

  function body(forced) {
    const out = { provider: provider.value, start: date.value + "T" + time.value + ":00Z",
                  minutes: Number(minutes.value), reason: reason.value.trim() || null,
                  location: location.value.trim() || null, video_link: video.value.trim() || null };
    if (opts.patient) { out.patient_id = patient.value.trim(); }
    if (forced) { out.force = true; }
    return out;
  }

  async function go(forced) {
    if (submit.disabled) { return; }
    say(error, "");
    if (!date.value || !/^\d{2}:\d{2}$/.test(time.value)) {
      say(error, "Choose a date and a start time.");
      return;
    }
    const button = forced ? force : submit;
    busy(button, true, "Saving…");
    const r = await opts.send(body(forced));
    busy(button, false);
    if (!r) { return; }
    if (r.ok) {
      opts.done(r);
      return;
    }
    force.hidden = !(r.status === 409 && r.data && r.data.error === "provider_busy");
    say(error, problemText(r));
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); go(false); });
  force.addEventListener("click", () => go(true));
  cancel.addEventListener("click", () => opts.cancel());
  (opts.patient ? patient : provider).focus();
  return form;
}
