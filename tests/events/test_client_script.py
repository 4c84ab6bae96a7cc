"""events.js in a real browser: a page older than its events corrects itself.

The site is built at 2026-03-20 12:00 Paris time; the browser's clock is then set
later, as when a visitor opens a page that has not been rebuilt since.
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.browser


def open_page(browser, url, moment, zone="Europe/Paris"):
    context = browser.new_context(timezone_id=zone, locale="fr-FR")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.clock.set_fixed_time(datetime.fromisoformat(moment))
    tab.goto(url)
    tab.wait_for_load_state("load")
    return context, tab, errors


def titles(tab, selector):
    return [t.strip() for t in tab.locator(f"{selector} h3").all_inner_texts()]


def test_ended_sessions_leave_upcoming(browser, served_events):
    context, tab, errors = open_page(browser, served_events + "/events/",
                                     "2026-03-24T19:30:00+01:00")
    ended = titles(tab, "[data-past-target] li")
    assert "Atelier en cours" in ended and "Café du mardi" in ended
    assert tab.locator("[data-just-ended]").is_visible()
    upcoming = titles(tab, "[data-upcoming] li")
    assert upcoming[0] == "Tour d'arrosage" and "Visite du jardin Papineau" in upcoming[:3]
    assert "Atelier en cours" not in upcoming
    assert not errors
    context.close()


def test_session_under_way_gets_its_badge(browser, served_events):
    context, tab, errors = open_page(browser, served_events + "/events/",
                                     "2026-03-25T18:30:00+01:00")
    item = tab.locator("[data-upcoming] li", has_text="Visite du jardin Papineau")
    assert item.locator("[data-live-badge]").is_visible()
    assert not errors
    context.close()


def test_event_page_says_it_is_over_and_hides_registration(browser, served_events):
    context, tab, errors = open_page(browser, served_events + "/events/montreal/",
                                     "2026-03-26T09:00:00+01:00")
    assert tab.locator("[data-ended-note]").is_visible()
    assert not tab.locator("[data-hide-when-ended]").is_visible()
    assert not errors
    context.close()


def test_time_in_the_readers_zone_only_when_it_differs(browser, served_events):
    context, tab, _ = open_page(browser, served_events + "/events/montreal/",
                                "2026-03-20T12:00:00+01:00", zone="Asia/Tokyo")
    viewer = tab.locator("[data-viewer-time]")
    assert viewer.is_visible()
    # 17:00 UTC is 02:00 the next day in Tokyo
    text = viewer.inner_text()
    assert "Asia/Tokyo" in text and "26 mars 2026" in text and "02:00" in text
    context.close()
    context, tab, _ = open_page(browser, served_events + "/events/montreal/",
                                "2026-03-20T12:00:00+01:00", zone="Europe/Paris")
    assert not tab.locator("[data-viewer-time]").is_visible()
    context.close()


def test_series_page_drops_past_sessions_but_is_not_over(browser, served_events):
    context, tab, errors = open_page(browser, served_events + "/events/cafe/",
                                     "2026-04-07T18:30:00+02:00")
    sessions = tab.locator(".event-sessions li").evaluate_all(
        "items => items.map(i => i.getAttribute('data-event-start'))")
    assert sessions[0] == "2026-04-07T18:00:00+02:00"  # under way; 24 March is gone
    assert not tab.locator("[data-ended-note]").is_visible()
    assert tab.locator("p.banner[data-live-badge]").is_visible()
    assert not errors
    context.close()
