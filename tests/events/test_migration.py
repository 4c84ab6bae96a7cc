"""A site written for pelican-events builds unchanged; its event articles are listed as events.

The site below is what a pelican-events user has: posts at the root of
``content/`` with Pelican's native ``Key: value`` metadata (no YAML), event
times without offset in the site's zone, durations like ``1h 30m``, extra
iCalendar properties as ``event-<property>``, and ``PLUGIN_EVENTS`` naming the
calendar file.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

import pytest

from tests.conftest import build, write_files
from tests.events.conftest import calendar, vevents

SETTINGS = """
from agora.defaults import *  # noqa: F403

SITENAME = "PDX Kernel Meetup"
SITEURL = ""
PUBLIC_SITEURL = "https://meetup.example.org"
TIMEZONE = "America/Los_Angeles"
DEFAULT_LANG = "en"
ARTICLE_PATHS = [""]
PLUGIN_EVENTS = {"ics_fname": "calendar.ics", "metadata_field_for_summary": "title"}
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "upcoming_events_list"]
"""

# a theme template written for pelican-events (its context variables and attributes)
LEGACY_TEMPLATE = """
{% extends "base.html" %}
{% block content %}
<h1>Upcoming</h1>
<ul class="legacy">{% for event in upcoming_events_list %}
<li><a href="{{ SITEURL }}/{{ event.url }}">{{ event.metadata["title"] }}</a>
<span class="start">{{ event.event_plugin_data["dtstart"].isoformat() }}</span></li>{% endfor %}
</ul>
<p class="all">{{ events_list|length }}</p>
{% endblock %}
"""

POSTS = {
    "2026-12-meetup.md": """
        Title: December meetup: eBPF
        Date: 2026-11-01 09:00
        Category: Meetups
        Tags: ebpf, kernel
        Slug: december-meetup
        Event-start: 2026-12-08 18:30
        Event-duration: 1h 30m
        Event-location: Lucky Lab, 915 SE Hawthorne Blvd, Portland
        Event-geo: 45.5122;-122.6563
        Event-url: https://calagator.example.org/events/1234
        Event-comment: Pizza provided
        Event-x-calagator-id: 1234

        We meet to talk about eBPF.
        """,
    "2026-10-meetup.md": """
        Title: October meetup (online)
        Date: 2026-09-20 09:00
        Category: Meetups
        Slug: october-meetup
        Event-start: 2026-10-13T18:30:00-07:00
        Event-end: 2026-10-13T20:00:00-07:00
        Event-location: https://meet.example.org/pdx
        Event-categories: online, kernel
        Event-status: CONFIRMED

        Online this time.
        """,
    "2027-01-social.md": """
        Title: New year social
        Date: 2026-11-10 09:00
        Slug: new-year-social
        Event-start: 2027-01-09 17:00
        Event-end: 2027-01-09 20:00
        Event-location: Portland
        Event-status: CANCELLED

        Cancelled, sorry.
        """,
    "just-a-post.md": """
        Title: Slides from last year
        Date: 2026-01-05 10:00
        Slug: slides

        Not an event.
        """,
}


def legacy_build(root, posts):
    """Build a pelican-events site with its own settings file and theme template."""
    write_files(root / "content", posts)
    write_files(root / "templates", {"upcoming_events_list.html": LEGACY_TEMPLATE})
    (root / "pelicanconf.py").write_text(textwrap.dedent(SETTINGS).lstrip())
    return build(root, settings_file=root / "pelicanconf.py", AGORA_FORUM_URL="",
                 THEME_TEMPLATES_OVERRIDES=[str(root / "templates")])


@pytest.fixture(scope="module")
def legacy_site(tmp_path_factory):
    return legacy_build(tmp_path_factory.mktemp("pelican-events"), POSTS)


def test_builds_without_errors_or_unknown_field_warnings(legacy_site):
    assert not legacy_site.state.log.errors
    assert not [w for w in legacy_site.state.log.warnings if "event-" in w], \
        legacy_site.state.log.warnings


def test_articles_stay_articles(legacy_site):
    page = legacy_site.html("blog/december-meetup/")
    assert page.cssselect("h1")[0].text_content() == "December meetup: eBPF"
    assert legacy_site.path("blog/slides/").exists()
    assert not legacy_site.path("events/december-meetup/").exists()  # no second page


def test_event_articles_are_listed_as_events_linking_to_the_article(legacy_site):
    upcoming = legacy_site.html("events/").cssselect("[data-upcoming] li.event-item")
    titles = [li.cssselect("h3 a")[0].text_content() for li in upcoming]
    assert titles == ["December meetup: eBPF", "New year social"]
    assert upcoming[0].cssselect("h3 a")[0].get("href") == "/blog/december-meetup/"
    # 18:30 in Portland (the site's zone, no offset written) = 02:30 UTC the next day
    assert upcoming[0].get("data-event-start") == "2026-12-09T02:30:00+00:00"
    assert upcoming[0].get("data-event-end") == "2026-12-09T04:00:00+00:00"
    assert "event-cancelled" in upcoming[1].get("class")
    past = legacy_site.html("events/past/").cssselect("li.event-item h3 a")
    assert [a.text_content() for a in past] == ["October meetup (online)"]


def test_legacy_calendar_file_and_properties(legacy_site):
    events = vevents(legacy_site, "calendar.ics")  # where PLUGIN_EVENTS['ics_fname'] says
    assert set(events) == set(vevents(legacy_site, "events/calendar.ics"))
    december = events["december-meetup@meetup.example.org"]
    assert december["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert december["DTSTART"].dt.astimezone(UTC) == datetime(2026, 12, 9, 2, 30, tzinfo=UTC)
    assert str(december["LOCATION"]) == "Lucky Lab, 915 SE Hawthorne Blvd, Portland"
    assert (december["GEO"].latitude, december["GEO"].longitude) == (45.5122, -122.6563)
    assert str(december["URL"]) == "https://calagator.example.org/events/1234"
    assert str(december["COMMENT"]) == "Pizza provided"
    assert str(december["X-CALAGATOR-ID"]) == "1234"
    # its Date, 09:00 in Portland: standard time again since 02:00 that night, so 17:00 UTC
    assert december["DTSTAMP"].dt == datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    october = events["october-meetup@meetup.example.org"]
    assert october["DTSTART"].dt.astimezone(UTC) == datetime(2026, 10, 14, 1, 30, tzinfo=UTC)
    assert str(october["LOCATION"]) == "https://meet.example.org/pdx"
    assert october.categories == ["online", "kernel"]
    assert str(events["new-year-social@meetup.example.org"]["STATUS"]) == "CANCELLED"
    assert [str(tz["TZID"]) for tz in calendar(legacy_site, "calendar.ics").walk("VTIMEZONE")] \
        == ["America/Los_Angeles"]


def test_bad_legacy_metadata_names_file_and_field(tmp_path):
    site = legacy_build(tmp_path, {
        "bad.md": """
            Title: Broken
            Date: 2026-11-01 09:00
            Event-start: next tuesday-ish 99:99
            Event-duration: a while

            Text.
            """,
        "reversed.md": """
            Title: Reversed
            Date: 2026-11-01 09:00
            Event-start: 2026-12-08 18:30
            Event-end: 2026-12-08 17:00

            Text.
            """,
    })
    errors = site.state.log.errors
    assert any(e.startswith("content/bad.md: event-start: expected a date-time like "
                            "2015-01-21 10:30") for e in errors), errors
    assert any(e.startswith("content/bad.md: event-duration: expected a duration like 2h")
               for e in errors), errors
    assert any(e.startswith("content/reversed.md: event-end: expected a time after event-start")
               for e in errors), errors


def test_pelican_events_templates_keep_working(legacy_site):
    page = legacy_site.html("upcoming_events_list.html")
    links = page.cssselect("ul.legacy a")
    assert [a.text_content() for a in links] == ["December meetup: eBPF", "New year social"]
    assert links[0].get("href") == "/blog/december-meetup/"
    assert page.cssselect("ul.legacy .start")[0].text_content() == "2026-12-08T18:30:00-08:00"
    assert page.cssselect("p.all")[0].text_content() == "3"


def test_an_article_cannot_take_the_calendar_uid_of_an_event(tmp_path):
    site = legacy_build(tmp_path, {
        "atelier-annonce.md": """
            Title: Atelier (annonce)
            Date: 2026-11-01 09:00
            Slug: atelier
            Event-start: 2026-12-08 18:30

            Text.
            """,
        "events/atelier.md": """
            ---
            title: Atelier
            start: 2026-12-05T10:00
            ---
            Texte.
            """,
    })
    assert any(e.startswith("content/atelier-annonce.md: event-start: expected an event whose "
                            "slug is not already used by content/events/atelier.md")
               for e in site.state.log.errors), site.state.log.errors
    assert site.path("events/calendar.ics").read_text().count("UID:atelier@") == 1
