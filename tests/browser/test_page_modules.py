"""What the pages are built from, checked in Chromium: the server's patterns
work as JavaScript RegExps with the same answers as Python, and the axe-core
check every browser test relies on does catch a violation."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from chalicelib.core import limits
from tests.api.test_page_config import SAMPLES
from tests.browser.conftest import axe_violations


def test_config_patterns_match_in_the_browser(page, portal):
    page.goto("/")
    expect(page.get_by_label("Clinic ID")).to_be_visible()
    answers = page.evaluate("""async (samples) => {
      const config = await (await fetch("/static/portal-config.json")).json();
      const out = {};
      for (const [name, inputs] of Object.entries(samples)) {
        const rx = new RegExp(config.patterns[name]);
        out[name] = inputs.map((s) => rx.test(s));
      }
      return out;
    }""", SAMPLES)
    for name, inputs in SAMPLES.items():
        rx = getattr(limits, name)
        expected = [bool(rx.fullmatch(s)) for s in inputs]
        assert answers[name] == expected, (name, list(zip(inputs, answers[name], expected, strict=True)))
        assert any(expected) and not all(expected), f"{name}: the samples must hold both answers"


def test_the_clinic_id_step_uses_the_served_pattern(page, portal):
    """The Clinic ID step refuses what the server's pattern refuses, without asking the server."""
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/clinics/" in r.url else None)
    page.goto("/")
    page.get_by_label("Clinic ID").fill("-not-an-id")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("We couldn't find that Clinic ID")
    assert not asked
    assert not re.fullmatch(limits.CLINIC_ID_RE, "-not-an-id")


def test_the_accessibility_check_finds_a_violation(page, portal):
    page.goto("/")
    expect(page.get_by_label("Clinic ID")).to_be_visible()
    assert axe_violations(page) == []
    page.evaluate("""() => {
      const input = document.createElement("input");
      input.id = "unlabelled";
      document.getElementById("main").appendChild(input);
    }""")
    found = {v["id"]: v for v in axe_violations(page)}
    assert "label" in found, found.keys()
    assert any("#unlabelled" in n["target"] for n in found["label"]["nodes"])
    page.evaluate("() => document.getElementById('unlabelled').remove()")
