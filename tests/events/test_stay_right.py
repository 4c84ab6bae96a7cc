"""Listings of "the next N" stay right between builds.

The demo is built on 20 November and again two weeks later. Read on 4 December,
the first build's listings -- the sessions shown then by the rule events.js
applies (ended: out; ``data-shown-from`` not reached: hidden) -- must be the
second build's. The script itself is tested in a browser (tests/browser).
"""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from tests.conftest import REPO, build

TWO_WEEKS_LATER = "2026-12-04T10:00:00+01:00"


@pytest.fixture(scope="module")
def demo_later(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-later")
    shutil.copytree(REPO / "content", root / "content")
    return build(root, AGORA_NOW=TWO_WEEKS_LATER)


def moment(li, name):
    value = li.get(name)
    return datetime.fromisoformat(value) if value else None


def shown_at(page, selector, when):
    """(title, start) of the items of ``selector`` a reader sees at ``when``, as events.js does."""
    shown = []
    for li in page.cssselect(selector):
        start, end = moment(li, "data-event-start"), moment(li, "data-event-end")
        since = moment(li, "data-shown-from")
        if end > when and (since is None or since <= when):
            shown.append((li.cssselect("a")[0].text_content().strip(), start))
    return shown


def built(page, selector):
    """(title, start) of what the build itself shows (its hidden items left out)."""
    return [(li.cssselect("a")[0].text_content().strip(), moment(li, "data-event-start"))
            for li in page.cssselect(selector) if li.get("hidden") is None]


@pytest.mark.parametrize(("url", "selector"), [
    ("", "[data-upcoming] li"),
    ("onboarding/", "[data-upcoming] li"),
    ("events/", "[data-upcoming] li"),
    ("members/amina-diallo/", "[data-upcoming] li"),
    ("events/format/meetup/", "[data-upcoming] li"),
])
def test_a_page_read_two_weeks_later_shows_what_a_new_build_shows(demo_site, demo_later, url,
                                                                  selector):
    when = datetime.fromisoformat(TWO_WEEKS_LATER)
    then = shown_at(demo_site.html(url), selector, when)
    assert then == built(demo_later.html(url), selector)
    assert then, "the listing is not empty two weeks later"


def test_home_keeps_three_events_for_four_weeks(demo_site):
    page = demo_site.html("")
    start = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
    ends = sorted({moment(li, "data-event-end") for li in page.cssselect("[data-upcoming] li")})
    for when in [start, *ends]:
        if (when - start).days > 28:
            break
        shown = shown_at(page, "[data-upcoming] li", when)
        titles = [title for title, _ in shown]
        assert len(shown) == 3 and len(set(titles)) == 3, (when, titles)


def test_without_javascript_the_listing_is_the_builds(demo_site):
    page = demo_site.html("")
    visible = page.cssselect("[data-upcoming] li:not([hidden])")
    assert [li.cssselect("a")[0].text_content().strip() for li in visible] == [
        "Le café des jardiniers (en ligne)", "Fête des récoltes",
        "Webinaire : la permaculture pour débuter"]
    assert all(li.get("data-shown-from") for li in page.cssselect("[data-upcoming] li[hidden]"))


def test_the_period_comes_from_the_settings(make_site):
    files = {"events/cafe.md": """
        ---
        title: Café
        start: 2026-11-03T18:00
        duration: 1h
        rrule: FREQ=WEEKLY
        format: meetup
        attendance: online
        ---
        Chaque semaine.
        """}
    none = make_site(files, name="stay-right-off", with_demo_members=False,
                     AGORA_LISTINGS_STAY_RIGHT_DAYS=0)
    assert not none.html("").cssselect("[data-upcoming] li[hidden]")
    week = make_site(files, name="stay-right-week", with_demo_members=False,
                     AGORA_LISTINGS_STAY_RIGHT_DAYS=7)
    hidden = week.html("").cssselect("[data-upcoming] li[hidden]")
    assert [li.get("data-event-start") for li in hidden] == ["2026-12-01T17:00:00+00:00"]
