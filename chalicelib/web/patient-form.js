/* A patient's demographics as form fields: the Add patient form (patients
 * list) and the Edit details form (patient page) build the same fields here,
 * read them back as the API's body, and show the API's refusal next to the
 * field it is about, in the field's own words. */
import { config } from "./config.js";
import { h, invalid, newId, sayProblem } from "./dom.js";

const L = config.limits;

/* name, label, input attributes, help; `required` ones are checked here first. */
export const FIELDS = [
  { name: "first_name", label: "First name", required: true, attrs: { maxlength: L.NAME_MAX, autocomplete: "off" } },
  { name: "last_name", label: "Last name", required: true, attrs: { maxlength: L.NAME_MAX, autocomplete: "off" } },
  { name: "date_of_birth", label: "Date of birth", required: true,
    attrs: { type: "date", min: L.BIRTH_YEAR_MIN + "-01-01" } },
  { name: "email", label: "Email (optional)", attrs: { type: "email", inputmode: "email", maxlength: L.EMAIL_MAX,
    autocomplete: "off", autocapitalize: "none", spellcheck: "false" } },
  { name: "phone", label: "Phone (optional)", attrs: { type: "tel", inputmode: "tel", maxlength: L.PHONE_MAX,
    autocomplete: "off" },
    help: "For example +1 555 010 0100, or (555) 010-0100." },
  { name: "address_line1", label: "Address (optional)", attrs: { maxlength: L.ADDRESS_LINE_MAX, autocomplete: "off" } },
  { name: "address_line2", label: "Address line 2 (optional)",
    attrs: { maxlength: L.ADDRESS_LINE_MAX, autocomplete: "off" } },
  { name: "city", label: "City or town (optional)", attrs: { maxlength: L.CITY_MAX, autocomplete: "off" } },
  { name: "region", label: "State or region (optional)", attrs: { maxlength: L.REGION_MAX, autocomplete: "off" } },
  { name: "postal_code", label: "Postal code (optional)", attrs: { maxlength: 12, autocomplete: "off",
    autocapitalize: "characters" } }
];
const PAIRS = [["first_name", "last_name"], ["city", "region"]];

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
}

/* The fields in `container` (ids prefixed), filled from `patient` (or empty).
 * Returns {controls: {name: input}, body(changedOnly), problem(alert, r), clear()}. */
export function patientFields(container, prefix, patient) {
  const controls = {};
  const fieldFor = (f) => {
    const id = prefix + "-" + f.name.replace(/_/g, "-");
    const helpId = f.help ? newId("help") : null;
    const attrs = Object.assign({ id, type: "text", "aria-describedby": helpId }, f.attrs);
    if (f.name === "date_of_birth") { attrs.max = today(); }
    if (f.required) { attrs["aria-required"] = "true"; }
    const input = h("input", attrs);
    input.value = (patient && patient[f.name]) || "";
    controls[f.name] = input;
    return h("div", { className: "field" }, [h("label", { for: id, text: f.label }), input,
      f.help ? h("p", { id: helpId, className: "help", text: f.help }) : null]);
  };
  const paired = new Set(PAIRS.flat());
  FIELDS.forEach((f) => {
    const pair = PAIRS.find((p) => p[0] === f.name);
    if (pair) {
      container.appendChild(h("div", { className: "field-row" },
        pair.map((name) => fieldFor(FIELDS.find((x) => x.name === name)))));
    } else if (!paired.has(f.name)) {
      container.appendChild(fieldFor(f));
    }
  });

  /* The API body: every field (blank optional ones as null), or with `changedOnly`
   * just those that differ from `patient`. */
  function body(changedOnly) {
    const out = {};
    FIELDS.forEach((f) => {
      const value = controls[f.name].value.trim();
      const sent = value || (f.required ? "" : null);
      if (changedOnly && (patient[f.name] || null) === (sent || null)) { return; }
      out[f.name] = sent;
    });
    return out;
  }

  /* A field left empty that must be filled in: says so and returns true. */
  function missing(alert) {
    const empty = FIELDS.find((f) => f.required && !controls[f.name].value.trim());
    if (!empty) { return false; }
    const words = { first_name: "Enter the first name.", last_name: "Enter the last name.",
                    date_of_birth: "Enter the date of birth." };
    sayProblem(alert, words[empty.name], controls[empty.name]);
    return true;
  }

  /* The API's refusal, next to its field: "date_of_birth cannot be ..." reads
   * "Date of birth cannot be ...". */
  function problem(alert, text) {
    const f = FIELDS.find((x) => text.indexOf(x.name + " ") === 0);
    if (!f) {
      sayProblem(alert, text, /email/i.test(text) ? controls.email : null);
      return;
    }
    const label = f.label.replace(" (optional)", "");
    sayProblem(alert, label + text.slice(f.name.length), controls[f.name]);
  }

  function clearMarks() {
    Object.values(controls).forEach((c) => invalid(c, false));
  }

  return { controls, body, missing, problem, clear: clearMarks };
}

/* "12 Harbor Road, Apt 4, Sunrise, CA 94000" (or "None"). */
export function addressText(p) {
  const place = [p.city, [p.region, p.postal_code].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  const parts = [p.address_line1, p.address_line2, place].filter(Boolean);
  return parts.length ? parts.join(", ") : "None";
}

export function patientName(p) {
  return ((p.first_name || "") + " " + (p.last_name || "")).trim() || p.patient_id;
}
