"""Search keys: how names, patient ids and search texts are folded so that a
search matches the start of a name whatever its case and accents.

`fold` is used on both sides: when a record's index keys are written (a
patient's `name_key` / `first_key`, a grant's patient keys) and when a search
text (`q`) is read, so "jose" finds "José" and "MULLER" finds "Müller".
It is not an identity: usernames and clinic ids keep `core.ids.normalize_key`
(NFKC + casefold), which tells "josé@" from "jose@".

`terms(q)` reads a search text into the prefixes each source may match:

    "lee"          username, patient id, last name, first name
    "Lee, Ann"     last name then first name ("lee#ann"): the by-last-name key only
    ", Ann"        first name only
    "Ann Lee"      a last name with a space ("ann lee") and First Last ("ann#lee")
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
# A name's part of a key, at most (UTF-8 bytes). Folding can expand a character
# eighteen-fold ("\ufdfa"), and a DynamoDB sort key holds 1024 bytes: a grant's
# key is last + first (200 each) + patient id (64) + username key (512) + 3 separators.
PART_BYTES = 200


def fold(value: str | None) -> str:
    """Case-folded, accents dropped (NFKD without combining marks), '#' (the key
    separator) read as a space, spaces collapsed and trimmed:
    "  José  MÜLLER" -> "jose muller"; "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return _SPACES.sub(" ", bare.replace("#", " ")).strip()


def part(value: str | None) -> str:
    """`fold`, cut to PART_BYTES (at a character boundary): one part of a key, or of a
    search prefix (both sides cut alike, so a prefix still matches its key)."""
    folded = fold(value)
    raw = folded.encode("utf-8")
    if len(raw) <= PART_BYTES:
        return folded
    return raw[:PART_BYTES].decode("utf-8", errors="ignore")


def last_key(last_name: str, first_name: str, patient_id: str) -> str:
    """"<last>#<first>#<patient id>", folded: a patient's by_name key (prefix: "Last" or "Last, First")."""
    return f"{part(last_name)}#{part(first_name)}#{fold(patient_id)}"


def first_key(last_name: str, first_name: str, patient_id: str) -> str:
    """"<first>#<last>#<patient id>", folded: a patient's by_first key (prefix: "First" or "First Last")."""
    return f"{part(first_name)}#{part(last_name)}#{fold(patient_id)}"


@dataclass(frozen=True)
class Terms:
    """What one search text may match; None: that source is not searched."""
    username: str | None = None   # the start of a username (normalize_key: usernames' own folding)
    patient_id: str | None = None  # the start of a patient id, as typed (trimmed)
    last: str | None = None       # a prefix of the by-last-name key
    first: str | None = None      # a prefix of the by-first-name key


def terms(q: str) -> Terms:
    """The sources a (non-empty, trimmed) search text is looked up in; see the module doc."""
    from chalicelib.core.ids import normalize_key
    from chalicelib.core.limits import KEY_MAX_BYTES, PATIENT_ID_RE

    if "," in q:
        last, first = (part(text) for text in q.split(",", 1))
        if not last:
            return Terms(first=first or None)
        return Terms(last=f"{last}#{first}" if first else f"{last}#")
    folded = part(q)
    if not folded:
        return Terms()
    if " " in folded:
        given, rest = fold(q).split(" ", 1)
        return Terms(last=folded, first=f"{part(given)}#{part(rest)}")
    username = normalize_key(q)
    return Terms(username=username if len(username.encode("utf-8")) <= KEY_MAX_BYTES else None,
                 patient_id=q if PATIENT_ID_RE.fullmatch(q) else None, last=folded, first=folded)
