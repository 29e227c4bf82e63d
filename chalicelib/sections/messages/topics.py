"""The clinic setting `message_topics`: the short texts a patient picks from when
starting a conversation ("Appointments", "Billing", ...). One to
`MESSAGE_TOPICS_MAX` distinct one-line texts of at most `MESSAGE_TOPIC_MAX`
characters each, trimmed, in the order the clinic lists them."""
from __future__ import annotations

from chalicelib.core.errors import InvalidRequest

DEFAULT_TOPICS = ("Appointments", "Billing", "Ask my care team", "Other")


def clean_topics(value: object, where: str = "settings") -> list[str]:
    """The topics, trimmed and checked; 400 with a sentence naming the setting otherwise."""
    from chalicelib.api.fields import bad_character
    from chalicelib.core.limits import MESSAGE_TOPIC_MAX, MESSAGE_TOPICS_MAX

    rule = (f"{where}.message_topics must be a list of 1 to {MESSAGE_TOPICS_MAX} different topics, "
            f"each 1 to {MESSAGE_TOPIC_MAX} characters on one line.")
    if not isinstance(value, list) or not 1 <= len(value) <= MESSAGE_TOPICS_MAX:
        raise InvalidRequest(rule)
    out, seen = [], set()
    for topic in value:
        if not isinstance(topic, str) or bad_character(topic, one_line=True):
            raise InvalidRequest(rule)
        topic = " ".join(topic.split())
        if not topic or len(topic) > MESSAGE_TOPIC_MAX or topic.casefold() in seen:
            raise InvalidRequest(rule)
        seen.add(topic.casefold())
        out.append(topic)
    return out
