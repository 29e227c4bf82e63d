/* What the patient's /messages and the clinic's /inbox share: a conversation's row
 * in a list and its messages as bubbles. Every text (subject, message) goes in as
 * text nodes, never as HTML. */
import { clear, h } from "./dom.js";
import { when } from "./words.js";

/* Epoch seconds in words ("1 Dec 2026, 09:14"). */
export function at(seconds) {
  return seconds ? when(new Date(seconds * 1000).toISOString()) : "";
}

/* One row of a conversation list: a button that opens it. */
export function conversationRow(c, opts) {
  const lines = [h("strong", { text: c.subject })];
  const about = [c.topic];
  if (opts.patient && c.patient_name) { about.unshift(c.patient_name); }
  if (c.last_message_at) { about.push(at(c.last_message_at)); }
  lines.push(h("small", { text: about.join(" · ") }));
  if (c.unread) { lines.push(h("small", { className: "unread", text: opts.unreadText })); }
  const button = h("button", { type: "button", className: "conversation-row" + (c.unread ? " is-unread" : ""),
                               dataset: { conversation: c.conversation_id } }, lines);
  button.addEventListener("click", () => opts.open(c.conversation_id));
  return h("li", {}, [button]);
}

/* The messages as bubbles; `mine`: "patient" or "staff" (whose side this page is). */
export function showThread(list, messages, mine, readWords) {
  clear(list);
  messages.forEach((m) => {
    const own = m.author.kind === mine;
    const info = [m.author.name || (m.author.kind === "staff" ? "Clinic" : "Patient"), at(m.at)];
    if (own) { info.push(m.read ? readWords.read : readWords.unread); }
    list.appendChild(h("li", { className: "bubble" + (own ? " bubble--mine" : "") }, [
      h("small", { text: info.join(" · ") }),
      h("p", { text: m.text })
    ]));
  });
}
