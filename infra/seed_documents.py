"""The Documents part of a seed file: `documents` (visit summaries and test results).

    "documents": [{"clinic_id", "patient_id", "kind" (visit_summary | test_result | other),
                   "title", "date" (YYYY-MM-DD), "author"?, "lines"? [text of the PDF],
                   "values"? [{test, value, unit?, range?, flag?}], "released"? true}]

Each document's file is a small PDF made at seed time (`tiny_pdf`: the title, the
date and `lines`, written by hand: no PDF library), put in the documents bucket,
then recorded, given its values and released through the Documents use cases (as
"Seed data", under the entry's `author`), so the metadata, counts and audit events
are what the portal itself would have written. Values are checked by the API's rules.
"""
from __future__ import annotations

from types import SimpleNamespace

STR, BOOL, LIST = str, bool, list
SCHEMA = {
    "documents": {"required": {"clinic_id": STR, "patient_id": STR, "kind": STR, "title": STR, "date": STR},
                  "optional": {"author": STR, "lines": LIST, "values": LIST, "released": BOOL}},
}


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 (Helvetica text), with a correct cross-reference table."""
    text = ["BT", "/F1 16 Tf", "72 760 Td", f"({_escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -18 Td", f"({_escape(line)}) Tj"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def validate(out: dict, error) -> None:
    from chalicelib.api.fields import Date
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.sections.documents import KINDS, TITLE_MAX
    from chalicelib.sections.documents.values import check

    patients = {(clinic_key(p["clinic_id"]), p["patient_id"]) for p in out["patients"]}
    for i, d in enumerate(out["documents"]):
        where = f"documents[{i}]"
        if (clinic_key(d["clinic_id"]), d["patient_id"]) not in patients:
            raise error(f"{where}: patient {d['patient_id']!r} is not among the seed's patients")
        if d["kind"] not in KINDS:
            raise error(f"{where}: kind must be one of {', '.join(KINDS)}")
        if not d["title"].strip() or len(d["title"]) > TITLE_MAX:
            raise error(f"{where}: title must be 1 to {TITLE_MAX} characters")
        try:
            Date((1900, 2100))("date", d["date"])
            if "values" in d:
                if d["kind"] != "test_result":
                    raise InvalidRequest("only a test result has values")
                d["values"] = check(d["values"])
        except InvalidRequest as exc:
            raise error(f"{where}: {exc.message}") from None
        if not all(isinstance(line, str) for line in d.get("lines", [])):
            raise error(f"{where}: lines must be texts")


def load(seed: dict) -> None:
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.audit import RequestInfo
    from chalicelib.core.ids import new_id
    from chalicelib.sections.documents import staff as documents
    from chalicelib.sections.documents import storage

    info = RequestInfo()
    for d in seed["documents"]:
        ck = clinic_key(d["clinic_id"])
        clinic = SimpleNamespace(clinic_key=ck)
        person = SimpleNamespace(kind="staff", username="seed", display_name=d.get("author") or "Seed data",
                                 clinic_key=ck)
        document_id = new_id()
        lines = [d["date"], *d.get("lines", [])]
        storage.client().put_object(Bucket=storage.bucket(), Key=storage.object_key(ck, d["patient_id"], document_id),
                                    Body=tiny_pdf(d["title"], lines), ContentType="application/pdf")
        documents.confirm_upload(person, clinic, document_id=document_id, patient_id=d["patient_id"],
                                 kind=d["kind"], title=d["title"], document_date=d["date"], info=info)
        if d.get("values"):
            documents.set_values(person, clinic, document_id, d["values"], info)
        if d.get("released"):
            documents.release(person, clinic, document_id, info)
