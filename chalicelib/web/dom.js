/* DOM helpers shared by every page. Nothing here parses HTML: the pages run
 * under a strict Content-Security-Policy and build text nodes only. */

export const $ = (id) => document.getElementById(id);

/* h("p", {className: "x", text: "..."}, [children]): never parses HTML. */
export function h(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => {
    if (value === null || value === undefined || value === false) { return; }
    if (key === "text") {
      node.textContent = value;
    } else if (key === "className") {
      node.className = value;
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else if (key === "hidden" || key === "disabled" || key === "checked" || key === "readOnly") {
      node[key] = Boolean(value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  });
  (children || []).forEach((child) => {
    if (child === null || child === undefined || child === false) { return; }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

export function clear(node) {
  while (node && node.firstChild) {
    node.removeChild(node.firstChild);
  }
}

let uid = 0;
export function newId(prefix) {
  uid += 1;
  return (prefix || "id") + "-" + uid;
}

/* Mark a control invalid (or not) for assistive technology and the eye. */
export function invalid(control, on) {
  if (!control) { return; }
  if (on) {
    control.setAttribute("aria-invalid", "true");
  } else {
    control.removeAttribute("aria-invalid");
  }
}

/* Show a message in an alert/status element, or hide it when text is empty. */
export function say(el, text) {
  if (!el) { return; }
  el.textContent = text || "";
  el.hidden = !text;
}

/* Show a problem, and mark and focus the control it is about (if any). */
export function sayProblem(el, text, control) {
  say(el, text);
  if (control) {
    invalid(control, true);
    control.focus();
  }
}

export function busy(button, isBusy, busyLabel) {
  if (!button) { return; }
  if (isBusy) {
    if (!button.dataset.label) { button.dataset.label = button.textContent; }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (busyLabel) { button.textContent = busyLabel; }
  } else {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.dataset.label) { button.textContent = button.dataset.label; }
  }
}

/* Replace the address without a new history entry (never fatal). */
export function setUrl(url) {
  try { window.history.replaceState(null, "", url); } catch (e) { /* not fatal */ }
}

/* Show exactly one of `sections` (hide the rest and the loading line). */
export function showOnly(sections, section) {
  const loading = $("loading");
  if (loading) { loading.hidden = true; }
  sections.forEach((s) => { s.hidden = s !== section; });
}

/* A <dt>/<dd> pair for a <dl class="facts">. */
export function fact(label, value) {
  return h("div", {}, [h("dt", { text: label }), h("dd", { text: value })]);
}

/* Checkboxes for `choices` ({id, label, help?}) in `container`; returns the inputs. */
export function checkboxes(container, prefix, choices, chosen, name) {
  return choices.map((choice) => {
    const input = h("input", { type: "checkbox", name: name || null, value: choice.id,
                               id: prefix + "-" + choice.id, checked: (chosen || []).indexOf(choice.id) >= 0 });
    const words = choice.help ? [choice.label, h("small", { text: choice.help })] : [choice.label];
    container.appendChild(h("label", { className: "choice" }, [input, h("span", {}, words)]));
    return input;
  });
}

export function checkedValues(boxes) {
  return boxes.filter((b) => b.checked).map((b) => b.value);
}

/* An inline "are you sure?" in `container`. opts: {text, yes, onYes(button, close), returnFocus}. */
export function confirmStep(container, opts) {
  clear(container);
  const textId = newId("confirm");
  const yes = h("button", { type: "button", className: "button button--danger", text: opts.yes });
  const no = h("button", { type: "button", className: "button button--secondary", text: "Cancel" });
  const box = h("div", { className: "confirm", role: "group", tabindex: "-1", "aria-labelledby": textId }, [
    h("p", { id: textId, text: opts.text }),
    h("div", { className: "actions" }, [yes, no])
  ]);
  function close(keepFocus) {
    if (box.parentNode) { box.parentNode.removeChild(box); }
    if (!keepFocus && opts.returnFocus) { opts.returnFocus.focus(); }
  }
  no.addEventListener("click", () => close(false));
  yes.addEventListener("click", () => {
    if (yes.disabled) { return; }
    opts.onYes(yes, close);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { close(false); }
  });
  container.appendChild(box);
  box.focus();
  return { close, box };
}
