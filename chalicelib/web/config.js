/* The lists the server owns (portal sections, access types, staff roles and
 * their permissions, input limits, identifier patterns), read once from
 * /static/portal-config.json, which the server generates from its Python
 * definitions. Pages import these instead of retyping any list. */

async function load() {
  const response = await fetch("/static/portal-config.json", { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error("portal-config.json: " + response.status);
  }
  return response.json();
}

let loaded;
try {
  loaded = await load();
} catch (e) {
  // One retry for a blip; then the page says so instead of hanging on "Loading…".
  try {
    loaded = await load();
  } catch (again) {
    const loading = document.getElementById("loading");
    if (loading) {
      loading.textContent = "We couldn't reach the portal just now. Check your internet connection and reload the page.";
      loading.className = "alert";
      loading.setAttribute("role", "alert");
    }
    throw again;
  }
}

export const config = loaded;

/* The server's pattern `name` (for example "CLINIC_ID_RE") as a RegExp. */
export function pattern(name) {
  return new RegExp(config.patterns[name]);
}

function labelIn(list, id) {
  const found = list.find((item) => item.id === id);
  return found ? found.label : id;
}

export const sectionLabel = (id) => labelIn(config.sections, id);
export const roleLabel = (id) => labelIn(config.roles, id);
export const accessLabel = (id) => labelIn(config.access_types, id);
export const sectionIds = () => config.sections.map((s) => s.id);

export function sectionList(ids) {
  if (!ids || !ids.length) { return "None"; }
  return ids.map(sectionLabel).join(", ");
}
