/* The staff tools, and who may use each: one list for the home page's
 * navigation and the management pages' own navigation. A link is shown only
 * when the signed-in staff member holds its permission (from GET /api/me). */
(function () {
  "use strict";

  var LINKS = [
    { href: "/portal-accounts/setup", text: "Set up a patient portal account", short: "Account setup",
      permission: "portal_accounts.manage" },
    { href: "/portal-accounts", text: "User Management", short: "User Management",
      permission: "portal_accounts.manage" },
    { href: "/staff", text: "Staff", short: "Staff", permission: "staff.manage" },
    { href: "/settings", text: "Clinic settings", short: "Settings", permission: "clinic.settings" }
  ];

  /* The links this principal may use (none for patients). */
  function allowed(principal) {
    if (!principal || principal.kind !== "staff") {
      return [];
    }
    var held = principal.permissions || [];
    return LINKS.filter(function (link) { return held.indexOf(link.permission) >= 0; });
  }

  /* Fill a <nav> with the allowed links; returns how many there are.
   * `current` (a path) is marked aria-current="page"; `short` uses the short names. */
  function fill(nav, principal, options) {
    var opts = options || {};
    while (nav.firstChild) {
      nav.removeChild(nav.firstChild);
    }
    var links = allowed(principal);
    if (opts.home) {
      links = [{ href: "/home", text: "Home", short: "Home" }].concat(links);
    }
    if (!links.length) {
      return 0;
    }
    links.forEach(function (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = opts.short ? link.short : link.text;
      if (opts.current === link.href) {
        a.setAttribute("aria-current", "page");
      }
      nav.appendChild(a);
    });
    return links.length;
  }

  window.StaffLinks = { LINKS: LINKS, allowed: allowed, fill: fill };
}());
