/* A page that refreshes itself (the homes; the inbox may reuse it): GET `path` now,
 * then every `intervalMs` (15 s) and whenever the tab comes back into view, with the
 * last answer's ETag (If-None-Match) and X-Portal-Background: 1. The server answers
 * 304 while nothing changed (one cheap check) and does not count a poll as the
 * person's activity, so a page left open still ends at the idle timeout.
 *
 * poll(path, onData, {intervalMs, onProblem}) -> {stop(), now()}
 *   onData(data): on each 200 only (never on a 304);
 *   onProblem(result): any other answer (403, 503, offline); polling goes on, except
 *   after a 403 (nothing a retry changes). A 401 (the session ended) stops it and goes
 *   to the login page, as every page does. */
import { api } from "./api.js";
import { signedOut } from "./session-watch.js";

export const POLL_INTERVAL_MS = 15000;

export function poll(path, onData, options) {
  const opts = options || {};
  const intervalMs = opts.intervalMs || POLL_INTERVAL_MS;
  let etag = null;
  let timer = null;
  let inFlight = false;
  let stopped = false;

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = stopped ? null : window.setTimeout(tick, intervalMs);
  }

  function tick() {
    if (stopped || inFlight) { return; }
    if (document.visibilityState === "hidden") { schedule(); return; }  // checked again on return
    inFlight = true;
    api("GET", path, null, { background: true, etag: etag }).then((r) => {
      inFlight = false;
      if (stopped) { return; }
      if (r.status === 401) {
        stop();
        signedOut(r);
        return;
      }
      if (r.ok && r.data) {
        etag = r.etag;
        onData(r.data);
      } else if (!r.notModified) {
        if (opts.onProblem) { opts.onProblem(r); }
        if (r.status === 403) { stop(); return; }
      }
      schedule();
    });
  }

  function onVisible() {
    if (document.visibilityState === "visible") { tick(); }
  }

  function stop() {
    stopped = true;
    if (timer) { window.clearTimeout(timer); }
    timer = null;
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("focus", onVisible);
  }

  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("focus", onVisible);
  tick();
  return { stop, now: tick };
}
