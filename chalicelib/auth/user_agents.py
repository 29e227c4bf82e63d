"""Browser and operating system, in words, from a User-Agent header.

A small parser of our own for the common browsers (Edge, Opera, Samsung Internet,
Firefox, Chrome, Safari) and systems (Windows, iOS, iPadOS, Android, macOS,
ChromeOS, Linux); anything else reads "Unknown browser" / "Unknown system". It
only labels the "Where you're signed in" list: nothing is decided from it. Order
matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android
also says "Linux", iOS also says "like Mac OS X".
"""
from __future__ import annotations

import re

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS|HeadlessChrome)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/")),
)

_SYSTEMS = (
    ("iPadOS", re.compile(r"\biPad\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPod)\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def describe(user_agent: str | None) -> tuple[str, str]:
    """("Firefox 128", "Windows") for a User-Agent; unknown parts say so."""
    ua = user_agent or ""
    browser = "Unknown browser"
    for name, pattern in _BROWSERS:
        match = pattern.search(ua)
        if match:
            browser = f"{name} {match.group(1)}"
            break
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), "Unknown system")
    return browser, system
