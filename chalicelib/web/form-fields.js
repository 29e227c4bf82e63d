/* A form template's fields as a fillable form, its answers read back and
 * checked as the server checks them (sections/forms/validation.py), and the
 * answers laid out like the form in plain words (for staff review). */
import { clear, h, invalid, newId, say } from "./dom.js";
import { day } from "./words.js";

export const LIMITS = { short_text: 200, long_text: 4000 };
export const TYPE_WORDS = { short_text: "Short text", long_text: "Long text", date: "Date", yes_no: "Yes / no",
                            choice: "One of several choices" };

function choiceGroup(field, id, kind, options, value) {
  const legendId = id + "-legend";
  const inputs = options.map((o, i) => h("input", {
    type: "radio", name: id, id: id + "-" + i, value: o.value, checked: value === o.real
  }));
  return {
    node: h("fieldset", { className: "field choices", "aria-describedby": id + "-help " + id + "-error" }, [
      h("legend", { id: legendId, text: field.label + (field.required ? "" : " (optional)") }),
      ...inputs.map((input, i) => h("label", { className: "choice", for: input.id }, [input, h("span", {
        text: options[i].label })]))
    ]),
    inputs,
    read: () => {
      const on = inputs.find((input) => input.checked);
      return on ? options[inputs.indexOf(on)].real : null;
    },
    focus: () => inputs[0].focus(),
    mark: (on) => inputs.forEach((input) => invalid(input, on))
  };
}

/* Fill `container` with the fields; returns {answers(), check(complete), show(key, text), clear()}. */
export function fillableForm(container, fields, values) {
  clear(container);
  const controls = {};
  fields.forEach((field) => {
    const id = newId("answer-" + field.key);
    const value = values ? values[field.key] : undefined;
    const error = h("p", { id: id + "-error", className: "alert field-error", role: "alert", hidden: true });
    const help = h("p", { id: id + "-help", className: "help", text: field.help || "", hidden: !field.help });
    let control;
    if (field.type === "yes_no" || field.type === "choice") {
      const options = field.type === "yes_no"
        ? [{ label: "Yes", value: "yes", real: true }, { label: "No", value: "no", real: false }]
        : field.options.map((o) => ({ label: o, value: o, real: o }));
      control = choiceGroup(field, id, field.type, options, value);
      container.appendChild(h("div", { className: "answer", dataset: { field: field.key } },
                              [control.node, help, error]));
    } else {
      const attrs = { id, name: field.key, "aria-describedby": id + "-help " + id + "-error",
                      required: field.required ? true : null };
      let input;
      if (field.type === "long_text") {
        input = h("textarea", { ...attrs, rows: "4", maxlength: String(LIMITS.long_text) });
      } else if (field.type === "date") {
        input = h("input", { ...attrs, type: "date" });
      } else {
        input = h("input", { ...attrs, type: "text", maxlength: String(LIMITS.short_text) });
      }
      if (typeof value === "string") { input.value = value; }
      control = { node: input, read: () => input.value.trim() || null, focus: () => input.focus(),
                  mark: (on) => invalid(input, on) };
      container.appendChild(h("div", { className: "field answer", dataset: { field: field.key } }, [
        h("label", { for: id, text: field.label + (field.required ? "" : " (optional)") }), help, input, error]));
    }
    controls[field.key] = { field, control, error };
  });

  function show(key, text) {
    const c = controls[key];
    if (!c) { return false; }
    say(c.error, text);
    c.control.mark(true);
    c.control.focus();
    return true;
  }

  return {
    answers() {
      const out = {};
      Object.values(controls).forEach((c) => {
        const v = c.control.read();
        if (v !== null) { out[c.field.key] = v; }
      });
      return out;
    },
    /* The first problem, shown at its field (null when none). */
    check(complete) {
      this.clear();
      for (const c of Object.values(controls)) {
        const v = c.control.read();
        const f = c.field;
        let problem = null;
        if (v === null) {
          if (complete && f.required) { problem = "Answer this question: it is required."; }
        } else if (LIMITS[f.type] && v.length > LIMITS[f.type]) {
          problem = "This answer is longer than " + LIMITS[f.type] + " characters.";
        } else if (f.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
          problem = "Enter a date, for example 2015-06-07.";
        }
        if (problem) {
          show(f.key, problem);
          return problem;
        }
      }
      return null;
    },
    show,
    clear() {
      Object.values(controls).forEach((c) => { say(c.error, ""); c.control.mark(false); });
    }
  };
}

/* An answer in plain words. */
export function answerWords(field, value) {
  if (value === undefined || value === null || value === "") { return "Not answered"; }
  if (field.type === "yes_no") { return value ? "Yes" : "No"; }
  if (field.type === "date") { return day(value); }
  return String(value);
}

/* The answers laid out like the form: a <dl> of labels and answers. */
export function answersList(fields, answers) {
  return h("dl", { className: "facts answers" }, fields.map((f) => h("div", {}, [
    h("dt", { text: f.label }),
    h("dd", { text: answerWords(f, (answers || {})[f.key]) })
  ])));
}
