"""The documents bucket: where a document's file is (`object_key`), the presigned
POST a staff member's browser uploads with, the HEAD that confirms an upload, and
the presigned GET a patient downloads with. Signing makes no AWS call; only
`head` does."""
from __future__ import annotations

from chalicelib.sections.documents import CONTENT_TYPES, DOWNLOAD_SECONDS, MAX_BYTES, UPLOAD_SECONDS

_cache: dict = {}


def client():
    """An S3 client signing with SigV4 (a presigned URL names its expiry), failing fast."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    cached = _cache.get("s3")
    if cached is not None and cached[0] is settings:
        return cached[1]
    import boto3
    from botocore.config import Config

    config = Config(signature_version="s3v4", connect_timeout=3, read_timeout=5,
                    retries={"max_attempts": 2, "mode": "standard"})
    made = boto3.client("s3", region_name=settings.region, config=config)
    _cache["s3"] = (settings, made)
    return made


def bucket() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().documents_bucket


def upload_origins() -> list[str]:
    """Where a presigned POST sends the browser (the pages' CSP connect-src): the S3
    endpoint the stage's boto3 uses (the local stack's moto server), else the
    bucket's virtual-hosted addresses."""
    import os
    from urllib.parse import urlparse

    from chalicelib.core.settings import get_settings

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        parsed = urlparse(endpoint)
        return [f"{parsed.scheme}://{parsed.netloc}"]
    settings = get_settings()
    return [f"https://{settings.documents_bucket}.s3.amazonaws.com",
            f"https://{settings.documents_bucket}.s3.{settings.region}.amazonaws.com"]


def object_key(clinic_key: str, patient_id: str, document_id: str) -> str:
    return f"{clinic_key}/{patient_id}/{document_id}"


def presigned_post(key: str, content_type: str) -> dict:
    """{url, fields}: a form POST that can only write this one key, with this content
    type, of 1 byte to MAX_BYTES, for UPLOAD_SECONDS."""
    return client().generate_presigned_post(
        Bucket=bucket(), Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"bucket": bucket()}, ["eq", "$key", key], ["eq", "$Content-Type", content_type],
                    ["content-length-range", 1, MAX_BYTES]],
        ExpiresIn=UPLOAD_SECONDS)


def head(key: str) -> dict | None:
    """{size, content_type} of the uploaded object, or None when there is none."""
    from botocore.exceptions import ClientError

    try:
        found = client().head_object(Bucket=bucket(), Key=key)
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound") or status == 404:
            return None
        raise
    return {"size": int(found.get("ContentLength") or 0), "content_type": found.get("ContentType") or ""}


def put(key: str, data: bytes, content_type: str) -> None:
    """Write a file the server holds (the integration API's `results`; staff upload
    from the browser with `presigned_post` instead)."""
    client().put_object(Bucket=bucket(), Key=key, Body=data, ContentType=content_type)


def delete_quietly(key: str | None) -> bool:
    """Remove an object no record refers to any more; False (logged) when S3 fails: the
    caller has already answered, and what is left is one unreferenced file."""
    import logging

    if not key:
        return True
    try:
        client().delete_object(Bucket=bucket(), Key=key)
        return True
    except Exception as exc:  # noqa: BLE001 - best effort, after the record was written or refused
        logging.getLogger(__name__).warning("documents bucket: could not delete %s (%s)", key, type(exc).__name__)
        return False


def download_url(key: str, filename: str) -> str:
    """A GET of this object valid DOWNLOAD_SECONDS, answered as an attachment."""
    return client().generate_presigned_url("get_object", ExpiresIn=DOWNLOAD_SECONDS, Params={
        "Bucket": bucket(), "Key": key,
        "ResponseContentDisposition": f'attachment; filename="{filename}"'})


def filename(title: str, content_type: str) -> str:
    """A safe file name from the title: letters, digits, dashes; the type's extension."""
    import re

    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60] or "document"
    return f"{stem}.{CONTENT_TYPES.get(content_type, 'bin')}"
