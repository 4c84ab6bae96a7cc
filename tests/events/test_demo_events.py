"""The demo hub's events: every format, attendance mode and status, a series, another zone."""

from __future__ import annotations

import json

from tests.events.conftest import calendar

DEMO_HOST = "jardiniers-du-partage.example"


def demo_events(site):
    return {str(e["UID"]).split("@")[0]: e for e in calendar(site, "events/calendar.ics")
            .walk("VEVENT")}


def test_demo_has_past_and_upcoming_events_of_every_kind(demo_site):
    upcoming = demo_site.html("events/").cssselect("[data-upcoming] li.event-item")
    past = demo_site.html("events/past/").cssselect("li.event-item")
    assert len({li.cssselect("h3 a")[0].get("href") for li in upcoming}) >= 6
    assert len(past) >= 3
    pages = [p.parent.name for p in (demo_site.output / "events").glob("*/index.html")
             if p.parent.name not in ("past", "format")]
    assert len(pages) >= 8
    classes = " ".join(li.get("class") for li in upcoming)
    for status in ("cancelled", "postponed", "rescheduled", "moved-online"):
        assert f"event-{status}" in classes, status
    formats = {p.name for p in (demo_site.output / "events" / "format").iterdir() if p.is_dir()}
    assert {"webinar", "ama", "live-faq", "meetup", "workshop", "conference", "social",
            "interview"} <= formats


def test_demo_attendance_modes_in_structured_data(demo_site):
    modes = set()
    for page in (demo_site.output / "events").glob("*/index.html"):
        text = page.read_text()
        for mode in ("OnlineEventAttendanceMode", "OfflineEventAttendanceMode",
                     "MixedEventAttendanceMode"):
            if mode in text:
                modes.add(mode)
    assert len(modes) == 3


def test_demo_weekly_series_skips_the_holidays(demo_site):
    cafe = demo_events(demo_site)["cafe-des-jardiniers"]
    assert cafe["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert sorted(d.dt.date().isoformat() for d in cafe["EXDATE"].dts) == ["2026-12-22",
                                                                          "2026-12-29"]
    sessions = [li.get("data-event-start") for li in
                demo_site.html("events/cafe-des-jardiniers/").cssselect(".event-sessions li")]
    assert "2026-12-15T18:00:00+01:00" in sessions and "2027-01-05T18:00:00+01:00" in sessions
    assert not any(s.startswith(("2026-12-22", "2026-12-29")) for s in sessions)


def test_demo_event_in_another_zone(demo_site):
    event = demo_events(demo_site)["conference-jardins-montreal"]
    assert event["DTSTART"].params["TZID"] == "America/Montreal"
    page = demo_site.html("events/conference-jardins-montreal/")
    assert "19:00 – 21:00" in page.cssselect(".site-time")[0].text_content()


def test_demo_uids_use_the_public_host_and_forum_threads_are_linked(demo_site):
    assert all(uid.endswith("@" + DEMO_HOST) for uid in
               (str(e["UID"]) for e in calendar(demo_site, "events/calendar.ics")
                .walk("VEVENT")))
    for slug, topic in (("fete-des-recoltes", "110"), ("bilan-grainotheque", "105")):
        thread = demo_site.html(f"events/{slug}/").cssselect("section.forum-thread")[0]
        assert any(f"/{topic}" in (a.get("href") or "") for a in thread.cssselect("a")), slug


def test_demo_people_never_include_members_without_consent(demo_site):
    for page in (demo_site.output / "events").rglob("*"):
        if page.is_file():
            assert "marc-petit" not in page.read_text(errors="replace"), page


def test_demo_build_has_no_event_problems(demo_site):
    report = json.loads((demo_site.output / "build.json").read_text())
    assert not [m for m in report["errors"] + report["warnings"] if "events/" in m]
    assert report["counts"]["events"] >= 8
