"""Staff roles and the permissions they grant."""
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"portal_accounts.manage", "patients.manage", "staff.manage", "audit.view",
                        "clinic.settings"}),
    "clinician": frozenset(),
    "front_desk": frozenset({"portal_accounts.manage", "patients.manage"}),
}
ROLES = tuple(ROLE_PERMISSIONS)


def permissions_for(roles) -> list[str]:
    granted: set[str] = set()
    for role in roles or ():
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return sorted(granted)
