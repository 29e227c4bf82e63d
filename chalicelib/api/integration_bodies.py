"""Request bodies of the integration keys page (the API's own bodies are the
resources' classes, chalicelib/integrations/<resource>.py)."""
from __future__ import annotations

from chalicelib.api.fields import ChoiceList, Text
from chalicelib.api.requests import Body, request_body, required

KEY_NAME_MAX = 80


def _scopes():
    from chalicelib.integrations.scopes import SCOPES

    return ChoiceList(tuple(SCOPES), noun="scope", nouns="scopes", non_empty=True, unknown_code="invalid_scope")


@request_body
class CreateIntegrationKeyBody(Body):
    """A new key: its name (which EHR or interface uses it) and what it may write."""
    name: str = required(Text(KEY_NAME_MAX, one_line=True, strip=True))
    scopes: list = required(_scopes())
