"""The local stack's KMS key, kept with its saved state.

TOTP secrets are sealed with KMS (`chalicelib.auth.mfa_secrets`); the local stack
uses moto's KMS, whose keys live in memory and would be new after each restart,
so a two-factor enrolment saved in `.local/` would no longer decrypt. The saved
state therefore carries the key's id and material, and a restart puts them back
into the key the stack created under the stage's alias.

moto has no ImportKeyMaterial, so this reaches into moto's in-process backend (the
local stack runs moto in the same process). Local stack only: on deployed stages the
key is AWS KMS's and never leaves it. The material sits in the state file, which is
written owner-only (0600) like the password hashes next to it.
"""
from __future__ import annotations

import base64
import os


def _backend():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.kms.models import kms_backends

    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    return kms_backends[DEFAULT_ACCOUNT_ID][region]


def _alias() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().mfa_key_alias


def export_key() -> dict | None:
    """{"key_id", "material"} of the key under the stage's alias, or None without one."""
    backend = _backend()
    key_id = backend.get_key_id_from_alias(_alias())
    if key_id is None:
        return None
    key = backend.keys[key_id]
    return {"key_id": key.id, "material": base64.b64encode(key.key_material).decode("ascii")}


def restore_key(saved: object) -> bool:
    """Give the key under the stage's alias the saved id and material (what a
    ciphertext names and needs). False (nothing changed) when there is nothing
    usable to restore or no key to restore into."""
    if not (isinstance(saved, dict) and isinstance(saved.get("key_id"), str)
            and isinstance(saved.get("material"), str)):
        return False
    try:
        material = base64.b64decode(saved["material"], validate=True)
    except ValueError:
        return False
    if len(material) != 32:  # moto's symmetric keys are AES-256
        return False
    backend = _backend()
    current = backend.get_key_id_from_alias(_alias())
    if current is None:
        return False
    key = backend.keys.pop(current)
    key.id = saved["key_id"]
    key.arn = key.arn.rsplit("/", 1)[0] + "/" + key.id
    key.key_material = material
    for alias in key.aliases.values():
        alias.target_key_id = key.id
    backend.keys[key.id] = key
    return True
