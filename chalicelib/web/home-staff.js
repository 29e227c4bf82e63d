/* The staff workspace on the home page: "Waiting for you", one line per queue the
 * staff member's permissions open (GET /api/clinics/{id}/workspace), each with its
 * count and a link to the page that shows it, kept fresh by poll.js. */
import { api, problemText } from "./api.js";
import { clock, dayWords } from "./appointment-words.js";
import { $, clear, h, say } from "./dom.js";
import { poll } from "./poll.js";

const el = { block: $("workspace"), items: $("workspace-items"), error: $("workspace-error"),
             today: $("today"), todayDate: $("today-date"), todayItems: $("today-items"),
             todayEmpty: $("today-empty"), todayError: $("today-error") };
let clinicId = null;

function item(i) {
  return h("li", { className: "waiting__item" + (i.count > 0 ? " waiting__item--some" : ""),
                   dataset: { key: i.key } }, [
    h("a", { className: "waiting__link", href: i.href }, [
      // Read out as "Forms awaiting review: 1 form"; the count badge is for the eye.
      h("span", { className: "waiting__label" }, [i.label, h("span", { className: "visually-hidden",
                                                                      text: ": " + i.text })]),
      h("span", { className: "waiting__count", "aria-hidden": "true", text: String(i.count) })
    ])
  ]);
}

/* A clinician's day (GET /api/clinics/{id}/my-schedule: one Query). */
async function showToday(date) {
  const r = await api("GET", "/api/clinics/" + encodeURIComponent(clinicId) + "/my-schedule?" +
                      new URLSearchParams({ date }).toString(), null, { background: true });
  el.today.hidden = false;
  if (!r.ok || !r.data) {
    say(el.todayError, "We couldn't load today's schedule. " + problemText(r));
    return;
  }
  say(el.todayError, "");
  el.todayDate.textContent = dayWords(date + "T00:00:00Z") + ". Times are in UTC.";
  clear(el.todayItems);
  r.data.items.filter((a) => a.status !== "cancelled").forEach((a) => {
    const where = a.video_link ? "Video visit" : (a.location || "");
    el.todayItems.appendChild(h("li", { className: "waiting__item", dataset: { appointmentId: a.appointment_id } }, [
      h("span", { className: "waiting__label",
                  text: clock(a.start) + "–" + clock(a.end) + " " + (a.patient_name || a.patient_id) +
                        (a.reason ? " — " + a.reason : "") + (where ? " (" + where + ")" : "") +
                        (a.status !== "booked" ? " · " + a.status_words : "") })
    ]));
  });
  el.todayEmpty.hidden = el.todayItems.children.length > 0;
}

function show(data) {
  clear(el.items);
  data.items.forEach((i) => el.items.appendChild(item(i)));
  say(el.error, "");
  el.block.hidden = !data.items.length;
  if (data.schedule) { showToday(data.schedule.date); }
}

export function startWorkspace(principal) {
  clinicId = principal.clinic_id;
  poll("/api/clinics/" + encodeURIComponent(principal.clinic_id) + "/workspace", show, {
    onProblem: (r) => {
      el.block.hidden = false;
      say(el.error, "We couldn't check what is waiting for you. " + problemText(r));
    }
  });
}
