"""Outgoing email through SES, with text and HTML parts.

boto3 is imported only when an email is sent, so importing the app stays cheap.
When the stage sets an outbox folder (`PORTAL_OUTBOX_DIR`; the local stack does),
every email that was sent is also written there as one JSON file
`{"to", "subject", "text", "html"}`, so people can open their invitations offline.
"""
from __future__ import annotations

import html
import json
import logging
import os
import secrets
import time
from dataclasses import asdict, dataclass

log = logging.getLogger("portal")

class MailError(Exception):
    """SES did not accept the email. The message never holds the email's content."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str


def send(email: Email) -> None:
    """Send through SES; raise MailError if SES refuses or cannot be reached."""
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core.clients import client
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    kwargs = {
        "Source": settings.ses_sender,
        "Destination": {"ToAddresses": [email.to]},
        "Message": {
            "Subject": {"Data": email.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"},
                     "Html": {"Data": email.html, "Charset": "UTF-8"}},
        },
    }
    if settings.ses_configuration_set:
        kwargs["ConfigurationSetName"] = settings.ses_configuration_set
    try:
        client("ses").send_email(**kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown")
        log.warning("email not sent: SES answered %s", code)
        raise MailError(f"SES answered {code}") from None
    except BotoCoreError as exc:
        log.warning("email not sent: %s", type(exc).__name__)
        raise MailError(type(exc).__name__) from None
    if settings.outbox_dir:
        _write_outbox(settings.outbox_dir, email)


def _write_outbox(folder: str, email: Email) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
        name = f"{int(time.time() * 1000):013d}-{secrets.token_hex(4)}.json"
        tmp = os.path.join(folder, f".{name}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(asdict(email), f, indent=2, ensure_ascii=False)
        os.replace(tmp, os.path.join(folder, name))
    except OSError as exc:  # the email itself went out; the local copy is a convenience
        log.warning("outbox not written: %s", exc.strerror)


# ---------------------------------------------------------------- rendering

def render(*, subject: str, greeting: str, paragraphs: list[str], facts: list[tuple[str, str]],
           link_text: str, link: str, closing: list[str]) -> tuple[str, str, str]:
    """(subject, text, html) of a simple message: greeting, paragraphs, a few
    "label: value" lines, one link, closing lines. Every value is HTML-escaped."""
    e = html.escape
    text_lines = [greeting, ""]
    for p in paragraphs:
        text_lines += [p, ""]
    text_lines += [f"{label}: {value}" for label, value in facts]
    text_lines += ["", f"{link_text}:", link, ""]
    text_lines += closing
    fact_rows = "".join(f"<tr><th align=\"left\">{e(label)}</th><td>{e(value)}</td></tr>"
                        for label, value in facts)
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    closing_html = "".join(f"<p>{e(c)}</p>" for c in closing)
    html_doc = (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{e(subject)}</title></head><body>"
        f"<p>{e(greeting)}</p>{body}<table>{fact_rows}</table>"
        f"<p><a href=\"{e(link, quote=True)}\">{e(link_text)}</a></p>"
        f"<p>If the link does not open, copy this address into your browser:<br>{e(link)}</p>"
        f"{closing_html}</body></html>"
    )
    return subject, "\n".join(text_lines), html_doc
