"""The language switcher in a real browser: a click lands on the page's translation."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize(("start", "lands", "heading"), [
    ("/blog/bienvenue/", "/en/blog/bienvenue/", "Welcome to Les Jardiniers du Partage"),
    ("/en/events/", "/events/", "Événements à venir"),
    ("/events/", "/en/events/", "Upcoming events"),
])
def test_switcher_click_lands_on_the_translation(page, served_demo, start, lands, heading):
    page.goto(served_demo + start)
    before = page.evaluate("document.documentElement.lang")
    page.locator("header .lang-switcher a").first.click()
    page.wait_for_url(served_demo + lands)
    assert page.evaluate("document.documentElement.lang") != before
    assert page.locator("main h1").first.inner_text().strip() == heading
    assert not page.js_errors, page.js_errors


def test_english_page_has_no_serious_accessibility_violation(page, served_demo):
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    page.goto(served_demo + "/en/")
    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
                         for v in serious]
