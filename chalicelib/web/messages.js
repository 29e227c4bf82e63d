/* Secure messages, the patient side (/messages): the conversations of the patient
 * this session views (or ?patient=), a new message, a thread and its replies.
 * Phone first. Texts are shown as text, never HTML. */
import { api, problemText, queryParams } from "./api.js";
import { $, busy, clear, say, setUrl, showOnly } from "./dom.js";
import { conversationRow, showThread } from "./message-thread.js";
import { leaving, whoAmI } from "./session.js";

var el = {
  list: $("list-step"), newStep: $("new-step"), threadStep: $("thread-step"),
  viewing: $("viewing"), listStatus: $("list-status"), empty: $("list-empty"), items: $("conversations"),
  more: $("more"), newButton: $("new-button"),
  newForm: $("new-form"), topic: $("topic"), subject: $("subject"), text: $("text"), newError: $("new-error"),
  newSend: $("new-send"), newCancel: $("new-cancel"),
  threadTitle: $("thread-title"), threadMeta: $("thread-meta"), thread: $("thread"),
  replyForm: $("reply-form"), replyText: $("reply-text"), replyError: $("reply-error"),
  replyStatus: $("reply-status"), replySend: $("reply-send"), back: $("thread-back")
};
var STEPS = [el.list, el.newStep, el.threadStep];
var READ = { read: "Read by the clinic", unread: "Not read yet" };

var patientId = null;
var open = null;     // the conversation on screen
var cursor = null;

function base() {
  return "/api/portal/patients/" + encodeURIComponent(patientId) + "/messages";
}

function fail(r) {
  if (leaving(r)) { return; }
  $("loading").hidden = true;
  STEPS.forEach((s) => { s.hidden = true; });
  say($("page-error"), r.error === "section_not_permitted"
    ? "Your portal account can't open messages for this person. Ask the clinic if you need it."
    : problemText(r) + " (Reload the page to try again.)");
}

function address(conversationId) {
  var q = new URLSearchParams();
  q.set("patient", patientId);
  if (conversationId) { q.set("conversation", conversationId); }
  setUrl("/messages?" + q.toString());
}

// ------------------------------------------------------------ the list

async function showList(status) {
  address(null);
  open = null;
  var r = await api("GET", base());
  if (!r.ok) { fail(r); return; }
  clear(el.items);
  cursor = null;
  addItems(r.data);
  fillTopics(r.data.topics);
  say(el.listStatus, status || "");
  document.title = "Messages · Clinic Portal";
  showOnly(STEPS, el.list);
}

function addItems(data) {
  data.items.forEach((c) => {
    el.items.appendChild(conversationRow(c, { unreadText: "New reply", open: showConversation }));
  });
  cursor = data.next_cursor;
  el.more.hidden = !cursor;
  el.empty.hidden = el.items.children.length > 0;
}

el.more.addEventListener("click", async () => {
  busy(el.more, true, "Loading…");
  var r = await api("GET", base() + "?cursor=" + encodeURIComponent(cursor));
  busy(el.more, false);
  if (!r.ok) { fail(r); return; }
  addItems(r.data);
});

function fillTopics(topics) {
  clear(el.topic);
  (topics || []).forEach((t) => {
    var option = document.createElement("option");
    option.value = t;
    option.textContent = t;
    el.topic.appendChild(option);
  });
}

// ------------------------------------------------------------ a new conversation

el.newButton.addEventListener("click", () => {
  say(el.newError, "");
  showOnly(STEPS, el.newStep);
  el.subject.focus();
});
el.newCancel.addEventListener("click", () => showOnly(STEPS, el.list));

el.newForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.newSend.disabled) { return; }
  var subject = el.subject.value.trim();
  var text = el.text.value.trim();
  if (!subject || !text) {
    say(el.newError, !subject ? "Write a subject." : "Write your message.");
    (!subject ? el.subject : el.text).focus();
    return;
  }
  busy(el.newSend, true, "Sending…");
  var r = await api("POST", base(), { topic: el.topic.value, subject: subject, text: text });
  busy(el.newSend, false);
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.newError, problemText(r)); return; }
  el.subject.value = "";
  el.text.value = "";
  showConversation(r.data.conversation.conversation_id, "Your message was sent.");
});

// ------------------------------------------------------------ a thread

async function showConversation(conversationId, status) {
  var r = await api("GET", base() + "/" + encodeURIComponent(conversationId));
  if (!r.ok) {
    if (r.status === 404) { showList("That conversation was not found."); return; }
    fail(r);
    return;
  }
  open = r.data.conversation;
  address(open.conversation_id);
  el.threadTitle.textContent = open.subject;
  el.threadMeta.textContent = open.topic + (open.status === "closed" ? " · Closed (writing again reopens it)" : "");
  showThread(el.thread, r.data.messages, "patient", READ);
  say(el.replyError, "");
  say(el.replyStatus, status || "");
  document.title = open.subject + " · Messages · Clinic Portal";
  showOnly(STEPS, el.threadStep);
  el.threadTitle.focus();
}

el.replyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (el.replySend.disabled || !open) { return; }
  var text = el.replyText.value.trim();
  if (!text) { say(el.replyError, "Write your reply first."); el.replyText.focus(); return; }
  say(el.replyError, "");
  busy(el.replySend, true, "Sending…");
  var r = await api("POST", base() + "/" + encodeURIComponent(open.conversation_id) + "/replies", { text: text });
  busy(el.replySend, false);
  if (leaving(r)) { return; }
  if (!r.ok) { say(el.replyError, problemText(r)); return; }
  el.replyText.value = "";
  showConversation(open.conversation_id, "Your reply was sent.");
});

el.back.addEventListener("click", () => showList());

// ------------------------------------------------------------ whose messages

async function choosePatient(me) {
  var asked = queryParams().patient;
  if (asked) { return asked; }
  if (me.principal.patient_id) { return me.principal.patient_id; }
  var r = await api("GET", "/api/portal/patients");
  if (!r.ok) { fail(r); return null; }
  var usable = r.data.items.filter((i) => i.status === "active");
  if (usable.length === 1) { return usable[0].patient_id; }
  $("loading").hidden = true;
  say($("page-error"), "Choose whose records to view on your home page first.");
  return null;
}

async function main() {
  var me = await whoAmI(() => "Patient");
  if (!me) { return; }
  if (me.principal.kind !== "patient") {
    $("loading").hidden = true;
    say($("page-error"), "This page is for the patient portal. Staff answer messages in the Messages inbox.");
    return;
  }
  if (me.password_change_required) { window.location.replace("/home"); return; }
  patientId = await choosePatient(me);
  if (!patientId) { return; }
  var name = patientId === me.principal.patient_id ? me.principal.patient_name : null;
  el.viewing.textContent = name ? "Messages about " + name + "'s care." : "";
  el.viewing.hidden = !name;
  var conversation = queryParams().conversation;
  await showList();
  if (conversation) { showConversation(conversation); }
}

main();
