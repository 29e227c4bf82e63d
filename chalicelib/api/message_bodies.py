"""The request bodies of secure messages (`api/messages.py`); docs/openapi.yaml
documents the same fields. Text is plain, trimmed and bounded (`core.limits`)."""
from __future__ import annotations

from chalicelib.api.fields import Text
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core import limits


def _text():
    return Text(limits.MESSAGE_TEXT_MAX, strip=True)


@request_body
class StartConversationBody(Body):
    """A new conversation: one of the clinic's topics, a subject and the first message."""
    topic: str = required(Text(limits.MESSAGE_TOPIC_MAX, one_line=True, strip=True))
    subject: str = required(Text(limits.MESSAGE_SUBJECT_MAX, one_line=True, strip=True))
    text: str = required(_text())


@request_body
class MessageBody(Body):
    """A reply in a conversation."""
    text: str = required(_text())


@request_body
class AssignConversationBody(Body):
    """`assignee`: a staff username (yourself or another), or null: back to the clinic's unassigned box."""
    assignee: str | None = optional(Text(limits.STAFF_USERNAME_MAX, one_line=True, strip=True, nullable=True))
