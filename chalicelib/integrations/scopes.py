"""The one registry of what an integration key may write.

A scope is named after the resource it lets a key write
(`PUT /api/integration/v1/<scope>/{external_id}`). Every scope the product plans
is listed here, so keys, the admin page and the docs agree on the names; a scope
whose resource is not built yet has `module=None`: a key cannot be given it
(400 `scope_not_available`) and its URL answers 404 `resource_not_available`.
A later section wires its resource by naming its module on its line: the module
gives `body` (a `requests.Body` class with FHIR-named fields), `apply(ctx)` and
`withdraw(ctx)` (see patients.py).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    name: str
    label: str
    module: str | None   # the resource's module; None: not yet available

    @property
    def available(self) -> bool:
        return self.module is not None


SCOPES: dict[str, Scope] = {s.name: s for s in (
    Scope("patients", "Patients (demographics)", "chalicelib.integrations.patients"),
    Scope("appointments", "Appointments", "chalicelib.integrations.appointments"),
    Scope("results", "Test results and documents", "chalicelib.integrations.results"),
    Scope("medications", "Medications", "chalicelib.integrations.medications"),
    Scope("statements", "Billing statements", "chalicelib.integrations.statements"),
)}


def available() -> list[str]:
    return [name for name, s in SCOPES.items() if s.available]


def resource(name: str):
    """The module of a wired resource, or None (unknown or not yet available)."""
    scope = SCOPES.get(name) if isinstance(name, str) else None
    if scope is None or not scope.available:
        return None
    return importlib.import_module(scope.module)
