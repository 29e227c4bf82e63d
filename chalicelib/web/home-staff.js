/* The staff workspace on the home page: "Waiting for you", one line per queue the
 * staff member's permissions open (GET /api/clinics/{id}/workspace), each with its
 * count and a link to the page that shows it, kept fresh by poll.js. */
import { problemText } from "./api.js";
import { $, clear, h, say } from "./dom.js";
import { poll } from "./poll.js";

const el = { block: $("workspace"), items: $("workspace-items"), error: $("workspace-error") };

function item(i) {
  return h("li", { className: "waiting__item" + (i.count > 0 ? " waiting__item--some" : ""),
                   dataset: { key: i.key } }, [
    h("a", { className: "waiting__link", href: i.href }, [
      // Read out as "Forms awaiting review: 1 form"; the count badge is for the eye.
      h("span", { className: "waiting__label" }, [i.label, h("span", { className: "visually-hidden",
                                                                      text: ": " + i.text })]),
      h("span", { className: "waiting__count", "aria-hidden": "true", text: String(i.count) })
    ])
  ]);
}

function show(data) {
  clear(el.items);
  data.items.forEach((i) => el.items.appendChild(item(i)));
  say(el.error, "");
  el.block.hidden = !data.items.length;
}

export function startWorkspace(principal) {
  poll("/api/clinics/" + encodeURIComponent(principal.clinic_id) + "/workspace", show, {
    onProblem: (r) => {
      el.block.hidden = false;
      say(el.error, "We couldn't check what is waiting for you. " + problemText(r));
    }
  });
}
