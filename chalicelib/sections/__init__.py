"""The portal's sections, in one place. Each line is a section: its id, which is
also the permission name a grant holds to open it (staff tick these on the
setup form), and the words the pages show for it. The order is the order the
pages list them in.

Adding a section is one line here plus its own package (`chalicelib/sections/<id>/`:
use cases, a thin blueprint on `sections.access.section_access`, one page);
nothing else shared changes: `portal_accounts.records.PORTAL_SECTIONS`, the
setup form's checkboxes and `page_config` all read this list.

`built` says whether the section's page exists yet (part 1 of issue 12 builds
messages and forms; part 2 the rest). The patient home (`sections/homes.py`) shows a
tile only for a section the grant permits *and* that is built, with a link to its
`href`; sections permitted but not built yet are named in one honest line ("Not
available in the portal yet: Appointments, Test results"), never a tile that leads nowhere.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str           # the permission name on a grant, and the `section` of an access-log event
    label: str        # the page's name for it ("Test results")
    noun: str         # how the access log says it ("Ann Lee viewed Ben Lee's test results")
    built: bool = False   # its page exists: the patient home shows a tile for it
    href: str | None = None   # its page ("/messages"), for a built section


SECTIONS: tuple[Section, ...] = (
    Section("appointments", "Appointments", "appointments", built=True, href="/appointments"),
    Section("visit_summaries", "Visit summaries", "visit summaries", built=True, href="/visit-summaries"),
    Section("test_results", "Test results", "test results", built=True, href="/results"),
    Section("messages", "Messages", "messages", built=True, href="/messages"),
    Section("refills", "Prescription refills", "prescription refills", built=True, href="/refills"),
    Section("billing", "Billing", "bills", built=True, href="/billing"),
    Section("forms", "Forms", "forms", built=True, href="/forms"),
)

BY_ID: dict[str, Section] = {s.id: s for s in SECTIONS}
SECTION_IDS: tuple[str, ...] = tuple(BY_ID)


def section(section_id: str) -> Section:
    """The registered section (a KeyError for a name that is not one: a programming error)."""
    return BY_ID[section_id]
