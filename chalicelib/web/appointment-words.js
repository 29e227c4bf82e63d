/* Words for appointment times. The portal keeps every time in UTC and has no clinic
 * time zone setting yet, so every time on these pages says "UTC". */
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function two(n) { return (n < 10 ? "0" : "") + n; }

/* "09:30" of "2026-12-04T09:30:00Z". */
export function clock(iso) {
  const d = new Date(iso);
  return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
}

/* "Fri 4 Dec 2026" (UTC). */
export function dayWords(iso) {
  const d = new Date(iso);
  return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
}

/* "Fri 4 Dec 2026, 09:30–10:00 UTC". */
export function slotWords(a) {
  return dayWords(a.start) + ", " + clock(a.start) + "\u2013" + clock(a.end) + " UTC";
}

/* Today's date in UTC, "YYYY-MM-DD". */
export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/* "YYYY-MM-DD" `n` days after `date`. */
export function addDays(date, n) {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/* Where: the location, or "Video visit". */
export function whereWords(a) {
  if (a.video_link) { return "Video visit"; }
  return a.location || "";
}
