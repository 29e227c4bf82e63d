/* The clinic's messages inbox (/inbox, messages.manage): the boxes (unassigned,
 * assigned to me, closed) with their unread counts, a thread, reply, assign, close
 * and reopen. It refreshes itself: every POLL_MS it asks the summary with the ETag
 * it last saw (If-None-Match; 304 while nothing changed) as a background request,
 * which never counts as the person being active. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, say, setUrl, showOnly } from "./dom.js";
import { at, conversationRow, showThread } from "./message-thread.js";
import { clinicPath, leaving, start } from "./session.js";

var POLL_MS = 12000;
var READ = { read: "Read by the patient", unread: "Not read yet" };
var el = {
  inbox: $("inbox-step"), list: $("inbox-list"), empty: $("inbox-empty"), more: $("inbox-more"),
  status: $("inbox-status"), error: $("inbox-error"),
  threadStep: $("thread-step"), title: $("thread-title"), meta: $("thread-meta"), thread: $("thread"),
  assignMe: $("assign-me"), assignee: $("assignee"), assign: $("assign"), close: $("close-thread"),
  reopen: $("reopen-thread"), replyForm: $("reply-form"), replyText: $("reply-text"), replySend: $("reply-send"),
  threadError: $("thread-error"), threadStatus: $("thread-status"), back: $("thread-back")
};
var TABS = ["unassigned", "mine", "closed"].map((box) => $("tab-" + box));
var STEPS = [el.inbox, el.threadStep];

var box = "unassigned";
var cursor = null;
var etag = null;
var open = null;
var myUsername = null;

// ------------------------------------------------------------ the boxes

function showCounts(counts) {
  $("tab-unassigned").querySelector(".count").textContent = "(" + counts.unassigned_unread + " unread)";
  $("tab-mine").querySelector(".count").textContent = "(" + counts.mine_unread + " unread)";
}

var loads = 0;   // the latest list load: an older one's answer (another box, or a poll's) is dropped

async function loadBox(options) {
  var ticket = ++loads;
  var r = await api("GET", clinicPath("/inbox?box=" + box), null, options);
  if (ticket !== loads) { return; }
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.error, problemText(r)); return; }
  say(el.error, "");
  clear(el.list);
  addItems(r.data);
}

function addItems(data) {
  data.items.forEach((c) => {
    el.list.appendChild(conversationRow(c, { patient: true, unreadText: "Unread", open: openThread }));
  });
  cursor = data.next_cursor;
  el.more.hidden = !cursor;
  el.empty.hidden = el.list.children.length > 0;
}

el.more.addEventListener("click", async () => {
  busy(el.more, true, "Loading…");
  var r = await api("GET", clinicPath("/inbox?box=" + box + "&cursor=" + encodeURIComponent(cursor)));
  busy(el.more, false);
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.error, problemText(r)); return; }
  addItems(r.data);
});

TABS.forEach((tab) => {
  tab.addEventListener("click", () => {
    box = tab.dataset.box;
    TABS.forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
    loadBox();
  });
});

/* The "has anything changed?" poll: a 304 costs one small read on the server. */
async function poll() {
  var headers = etag ? { "If-None-Match": etag } : {};
  var r = await api("GET", clinicPath("/inbox/summary"), null, { background: true, headers: headers });
  if (r.status === 304) { return; }
  if (r.status === 401 || r.status === 403) { leaving(r); return; }
  if (!r.ok || !r.data) { return; }   // a blip: the next poll tries again
  etag = r.etag;
  showCounts(r.data.counts);
  if (!el.inbox.hidden) { loadBox({ background: true }); }
}

// ------------------------------------------------------------ a thread

function conversationPath(suffix) {
  return clinicPath("/conversations/" + encodeURIComponent(open.conversation_id) + (suffix || ""));
}

function showConversation(c) {
  open = c;
  el.title.textContent = c.subject;
  var meta = [c.patient_name || c.patient_id, c.topic, c.status === "closed" ? "Closed" : "Open",
              c.assigned_name ? "Assigned to " + c.assigned_name : "Unassigned"];
  if (c.patient_read_at) { meta.push("Patient last read " + at(c.patient_read_at)); }
  el.meta.textContent = meta.join(" · ");
  el.close.hidden = c.status === "closed";
  el.reopen.hidden = c.status !== "closed";
  el.assignMe.hidden = c.assigned_to_me;
}

async function openThread(conversationId, status) {
  var r = await api("GET", clinicPath("/conversations/" + encodeURIComponent(conversationId)));
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.error, problemText(r)); return; }
  showConversation(r.data.conversation);
  showThread(el.thread, r.data.messages, "staff", READ);
  say(el.threadError, "");
  say(el.threadStatus, status || "");
  setUrl("/inbox?conversation=" + encodeURIComponent(conversationId));
  showOnly(STEPS, el.threadStep);
  el.title.focus();
}

async function act(button, label, suffix, body, done) {
  if (button.disabled || !open) { return; }
  say(el.threadError, "");
  busy(button, true, label);
  var r = await api("POST", conversationPath(suffix), body);
  busy(button, false);
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.threadError, problemText(r)); return; }
  openThread(open.conversation_id, done);
}

el.replyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  var text = el.replyText.value.trim();
  if (!text) { say(el.threadError, "Write your reply first."); el.replyText.focus(); return; }
  act(el.replySend, "Sending…", "/replies", { text: text }, "Your reply was sent.").then(() => {
    if (!el.threadError.textContent) { el.replyText.value = ""; }
  });
});
el.assignMe.addEventListener("click", () => act(el.assignMe, "Assigning…", "/assign", { assignee: myUsername },
                                                 "Assigned to you."));
el.assign.addEventListener("click", () => act(el.assign, "Assigning…", "/assign",
                                              { assignee: el.assignee.value || null }, "Assignment saved."));
el.close.addEventListener("click", () => act(el.close, "Closing…", "/close", null, "Conversation closed."));
el.reopen.addEventListener("click", () => act(el.reopen, "Reopening…", "/reopen", null, "Conversation reopened."));
el.back.addEventListener("click", () => {
  open = null;
  setUrl("/inbox");
  showOnly(STEPS, el.inbox);
  loadBox();
  poll();
});

async function loadAssignees() {
  var r = await api("GET", clinicPath("/inbox/assignees"));
  if (!r.ok || !r.data) { return; }
  clear(el.assignee);
  var none = document.createElement("option");
  none.value = "";
  none.textContent = "Nobody (unassigned)";
  el.assignee.appendChild(none);
  r.data.items.forEach((s) => {
    var option = document.createElement("option");
    option.value = s.username;
    option.textContent = s.name + (s.me ? " (you)" : "");
    el.assignee.appendChild(option);
  });
}

start({ permission: "messages.manage", current: "/inbox" }).then(async (me) => {
  if (!me) { return; }
  myUsername = me.principal.username;
  showOnly(STEPS, el.inbox);
  await Promise.all([poll(), loadBox(), loadAssignees()]);
  var asked = queryParams().conversation;
  if (asked) { openThread(asked); }
  window.setInterval(poll, POLL_MS);
});
