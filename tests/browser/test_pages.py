"""The demo hub in a real browser: readable, keyboard-usable, accessible, no JS errors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every page type, in light and dark, without console errors, failed requests or serious
# accessibility violations: test_page_types.py.


def test_skip_link_is_first_and_moves_focus_to_main(page, served_demo):
    page.goto(served_demo + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_readable_without_javascript(browser, served_demo):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(served_demo + "/events/")
    assert tab.locator("main h1").inner_text().strip() == "Événements à venir"
    assert tab.locator("main .event-item").count() >= 1
    context.close()


def test_small_screen_has_no_horizontal_scroll(browser, served_demo):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    for url in ("/", "/blog/astuce-recuperer-eau/", "/events/"):
        tab.goto(served_demo + url)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px"
    context.close()


def test_dark_mode_follows_the_system(browser, served_demo):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(served_demo + "/")
        colours[scheme] = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        context.close()
    assert colours["light"] != colours["dark"]
