"""The clinic's billing settings: `payment_url`, the clinic's own payment page that
"Pay now" opens (https only, no credentials, no spaces: the portal never takes card
data, it only links out; none set: the page says "Call the clinic to pay"), and
`currency`, the ISO 4217 code the statements are shown in (default USD)."""
from __future__ import annotations

from urllib.parse import urlsplit

from chalicelib.core.errors import InvalidRequest

CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD", "NZD", "CHF", "JPY", "INR", "ZAR")
SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "AUD": "A$", "NZD": "NZ$", "CHF": "CHF ",
           "JPY": "¥", "INR": "₹", "ZAR": "R"}
NO_DECIMALS = ("JPY",)


def clean_payment_url(value: object, where: str = "settings") -> str | None:
    from chalicelib.core.limits import PAYMENT_URL_MAX

    if value is None or value == "":
        return None
    rule = (f"{where}.payment_url must be the https:// address of the clinic's payment page "
            f"(at most {PAYMENT_URL_MAX} characters), or null.")
    if not isinstance(value, str) or len(value) > PAYMENT_URL_MAX:
        raise InvalidRequest(rule)
    value = value.strip()
    if any(c.isspace() or ord(c) < 0x20 or c in '<>"\\`' for c in value):
        raise InvalidRequest(rule)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise InvalidRequest(rule) from None
    host = parts.hostname or ""
    if (parts.scheme.lower() != "https" or not host or "." not in host or parts.username or parts.password
            or port == 0):
        raise InvalidRequest(rule)
    return value


def clean_currency(value: object, where: str = "settings") -> str:
    if not isinstance(value, str) or value.strip().upper() not in CURRENCIES:
        raise InvalidRequest(f"{where}.currency must be one of: {', '.join(CURRENCIES)}.")
    return value.strip().upper()


def clean_setting(name: str, value: object, where: str = "settings"):
    if name == "payment_url":
        return clean_payment_url(value, where)
    return clean_currency(value, where)


def money(cents: int, currency: str) -> str:
    """"$120.50" (integer cents in, never a float)."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    symbol = SYMBOLS.get(currency, currency + " ")
    if currency in NO_DECIMALS:
        return f"{sign}{symbol}{cents:,}"
    return f"{sign}{symbol}{cents // 100:,}.{cents % 100:02d}"
