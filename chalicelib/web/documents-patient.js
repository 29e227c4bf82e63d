/* Test results (/results) and Visit summaries (/visit-summaries) for a patient or a
 * representative (phone first): the documents the clinic has released, newest
 * first, a result's values as a table whose flags are words ("High", with an arrow),
 * never a colour alone, and Download: the server answers a link valid for a minute
 * that downloads the file (Content-Disposition: attachment). */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, h, say, showOnly } from "./dom.js";
import { leaving, ownAccountPage } from "./session.js";
import { badge, day, when } from "./words.js";

const RESULTS = window.location.pathname === "/results";
const SECTION = RESULTS ? "test_results" : "visit_summaries";
const SLUG = RESULTS ? "test-results" : "visit-summaries";
const LABEL = RESULTS ? "Test results" : "Visit summaries";
const ARROW = { H: "\u2191 ", L: "\u2193 ", A: "! ", N: "" };
const TYPE = { "application/pdf": "PDF", "image/png": "image", "image/jpeg": "image" };

const el = { list: $("list-step"), items: $("documents"), empty: $("empty"), more: $("more"),
             status: $("list-status"), error: $("list-error"), viewing: $("viewing-text") };
const state = { patient: null, cursor: null };

function base() {
  return "/api/portal/patients/" + encodeURIComponent(state.patient) + "/" + SLUG;
}

function valuesTable(doc) {
  if (!doc.values || !doc.values.length) { return null; }
  const head = h("tr", {}, ["Test", "Result", "Normal range", "Flag"].map((t) => h("th", { scope: "col", text: t })));
  const rows = doc.values.map((v) => h("tr", { className: v.flag && v.flag !== "N" ? "flagged" : "" }, [
    h("th", { scope: "row", text: v.test }),
    h("td", { text: v.value + (v.unit ? " " + v.unit : "") }),
    h("td", { text: v.range || "" }),
    h("td", {}, [v.flag_text ? h("span", { className: "flag flag--" + v.flag,
                                           text: (ARROW[v.flag] || "") + v.flag_text }) : ""])
  ]));
  // On a narrow phone the table may scroll sideways: a focusable, named region, so a
  // keyboard can scroll it too.
  return h("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": "Values of " + doc.title }, [
    h("table", { className: "values" }, [h("caption", { text: "Values of " + doc.title }),
                                         h("thead", {}, [head]), h("tbody", {}, rows)])
  ]);
}

async function download(doc, button) {
  busy(button, true, "Preparing…");
  const r = await api("POST", base() + "/" + encodeURIComponent(doc.document_id) + "/download");
  busy(button, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.error, problemText(r));
    return;
  }
  say(el.error, "");
  window.location.assign(r.data.url);
}

function item(doc) {
  const facts = [day(doc.date), "By " + doc.author, "Added " + when(doc.released_at)];
  const button = h("button", { type: "button", className: "button button--secondary",
                               text: "Download " + (TYPE[doc.content_type] || "file") });
  button.setAttribute("aria-label", "Download " + doc.title + " (" + (TYPE[doc.content_type] || "file") + ")");
  button.addEventListener("click", () => download(doc, button));
  return h("li", { className: "record" }, [
    h("div", { className: "record__head" }, [h("h2", { className: "record__title", text: doc.title }),
                                             doc.new ? badge("new", "New") : null]),
    h("p", { className: "record__sub", text: facts.filter(Boolean).join(" · ") }),
    valuesTable(doc),
    h("div", { className: "actions" }, [button])
  ]);
}

async function load(more) {
  const q = new URLSearchParams();
  if (more && state.cursor) { q.set("cursor", state.cursor); }
  if (more) { busy(el.more, true, "Loading…"); }
  const r = await api("GET", base() + (q.toString() ? "?" + q.toString() : ""));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok || !r.data) {
    say(el.error, problemText(r));
    showOnly([el.list], el.list);
    return;
  }
  if (!more) { clear(el.items); }
  r.data.items.forEach((doc) => el.items.appendChild(item(doc)));
  state.cursor = r.data.next_cursor;
  el.more.hidden = !state.cursor;
  el.empty.hidden = el.items.children.length > 0;
  showOnly([el.list], el.list);
}

async function choosePatient(me) {
  const r = await api("GET", "/api/portal/patients");
  if (leaving(r)) { return false; }
  if (!r.ok || !r.data) {
    showOnly([el.list], null);
    say($("page-error"), problemText(r));
    return false;
  }
  const allowed = r.data.items.filter((g) => (g.permissions || []).indexOf(SECTION) >= 0);
  const wanted = queryParams().patient || me.principal.patient_id;
  const grant = allowed.find((g) => g.patient_id === wanted) || allowed[0];
  if (!grant) {
    showOnly([el.list], null);
    say($("page-error"), "Your portal account doesn't have the " + LABEL + " section for this patient. " +
        "Ask the clinic if you need it.");
    return false;
  }
  state.patient = grant.patient_id;
  const name = ((grant.first_name || "") + " " + (grant.last_name || "")).trim() || grant.patient_id;
  el.viewing.textContent = LABEL + " for " + name + ".";
  return true;
}

el.more.addEventListener("click", () => load(true));

ownAccountPage("Patient").then(async (me) => {
  if (!me) { return; }
  if (me.principal.kind !== "patient") {
    showOnly([el.list], null);
    say($("page-error"), "This page is for patients. Staff manage documents on the Documents and results page.");
    return;
  }
  if (await choosePatient(me)) { await load(false); }
});
