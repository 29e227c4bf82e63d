/* New sign-in details, shown once: the ready-to-paste message and a Copy
 * button. They live only in this panel: never stored, never in the address,
 * gone on Close, on leaving the page and on reload. */
import { clear, h, newId } from "./dom.js";

function selectText(node) {
  try {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  } catch (e) {
    return false;
  }
}

/* Show `credentials` ({username, temporary_password, message}) in `container`.
 * opts: {title, level ("h2"), onClose}. */
export function showCredentials(container, credentials, opts) {
  const o = opts || {};
  clear(container);
  const headingId = newId("credentials");
  // In the page from the start (empty), so screen readers announce each message;
  // not `hidden` until used, which some of them would not announce.
  const status = h("p", { className: "notice credentials__status", role: "status", "aria-live": "polite" });
  const text = h("pre", { className: "credentials__text", tabindex: "0",
                          "aria-label": "Sign-in details for " + credentials.username,
                          text: credentials.message });
  const copy = h("button", { type: "button", className: "button button--primary", text: "Copy" });
  const close = h("button", { type: "button", className: "button button--secondary", text: "Close" });
  const panel = h("section", { className: "credentials", tabindex: "-1", "aria-labelledby": headingId,
                               "data-credentials": "" }, [
    h(o.level || "h2", { id: headingId, text: o.title || "Sign-in details" }),
    h("p", { className: "warning", text: "Shown only this once. Copy it now and pass it on privately: " +
      "once you close it or leave this page it can't be shown again (Reset password makes a new one)." }),
    h("dl", { className: "credentials__facts" }, [
      h("div", {}, [h("dt", { text: "Username" }), h("dd", { text: credentials.username })]),
      h("div", {}, [h("dt", { text: "Temporary password" }),
                    h("dd", { className: "credentials__password", text: credentials.temporary_password })])
    ]),
    h("p", { text: "The message to pass on:" }),
    text,
    // Right above the buttons, where the eye is after a tap on Copy (below them it
    // fell off a phone's screen); a status region, so screen readers announce it.
    status,
    h("div", { className: "actions" }, [copy, close])
  ]);

  function tell(message) {
    status.textContent = "";  // the same words again (a second Copy) are announced again
    window.setTimeout(() => {
      status.textContent = message;
      status.scrollIntoView({ block: "nearest" });
      copy.scrollIntoView({ block: "nearest" });  // the message and the button under it, both in view
    }, 50);
  }
  function copied() {
    tell("Copied. Paste it into a message or letter for " + credentials.username + ".");
  }
  function fallback() {
    let ok = false;
    if (selectText(text)) {
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    }
    if (ok) {
      copied();
    } else {
      tell("Your browser didn't allow copying. The message is selected: press Ctrl+C " +
        "(Command+C on a Mac), or touch and hold it and choose Copy.");
    }
  }
  copy.addEventListener("click", () => {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      navigator.clipboard.writeText(credentials.message).then(copied, fallback);
    } else {
      fallback();
    }
  });
  close.addEventListener("click", () => {
    clear(container);
    if (o.onClose) { o.onClose(); }
  });
  container.appendChild(panel);
  panel.focus();
  return panel;
}

/* Nothing shown once may outlive the page (back/forward cache included). */
window.addEventListener("pagehide", () => {
  document.querySelectorAll("[data-credentials]").forEach((panel) => panel.remove());
});
