"""Calendar files parsed back with icalendar: UIDs, DTSTAMP, zones, recurrences, statuses."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import recurring_ical_events

from tests.events.conftest import HOST, NOW, calendar, make, vevents


def test_every_ics_file_parses_and_is_a_calendar(events_site):
    files = sorted(events_site.output.rglob("*.ics"))
    assert len(files) >= 15  # feed + one per event + per format + per tag
    for file in files:
        parsed = calendar(events_site, str(file.relative_to(events_site.output)))
        assert parsed["VERSION"] == "2.0" and "PRODID" in parsed, file
        assert parsed.walk("VEVENT"), f"{file} has no event"


def test_uids_are_slug_at_host_and_stable_across_builds(events_site, events_site_later):
    first = set(vevents(events_site, "events/calendar.ics"))
    second = set(vevents(events_site_later, "events/calendar.ics"))
    assert first == second
    assert all(re.fullmatch(rf"[a-z0-9-]+@{re.escape(HOST)}", uid) for uid in first)
    assert "cafe@hub.example.org" in first
    assert "cafe@hub.example.org" in vevents(events_site, "events/cafe.ics")


def test_dtstamp_is_utc_and_deterministic(events_site, events_site_later):
    text = events_site.path("events/calendar.ics").read_text()
    stamps = re.findall(r"^DTSTAMP(.*)$", text, re.MULTILINE)
    assert stamps and all(re.fullmatch(r":\d{8}T\d{6}Z\r?", s) for s in stamps), stamps
    # an event with `modified` keeps its stamp whatever the build's clock says
    one = vevents(events_site, "events/webinaire.ics")["webinaire@hub.example.org"]
    two = vevents(events_site_later, "events/webinaire.ics")["webinaire@hub.example.org"]
    assert one["DTSTAMP"].dt == two["DTSTAMP"].dt == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    # the others use the build clock, never the wall clock
    cafe = vevents(events_site, "events/cafe.ics")["cafe@hub.example.org"]
    assert cafe["DTSTAMP"].dt == datetime(2026, 3, 20, 11, 0, tzinfo=UTC)


def test_each_zone_has_a_vtimezone_and_times_are_zoned(events_site):
    parsed = calendar(events_site, "events/calendar.ics")
    zones = {str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")}
    assert zones == {"Europe/Paris", "America/Montreal"}
    used = {e["DTSTART"].params.get("TZID") for e in parsed.walk("VEVENT")}
    assert used == zones | {None}  # None: the UTC event
    assert "DTSTART:20260420T150000Z" in events_site.path("events/utc.ics").read_text()
    assert not calendar(events_site, "events/utc.ics").walk("VTIMEZONE")
    montreal = vevents(events_site, "events/montreal.ics")["montreal@hub.example.org"]
    assert montreal["DTSTART"].params["TZID"] == "America/Montreal"
    assert montreal["DTSTART"].dt.astimezone(UTC) == datetime(2026, 3, 25, 17, 0, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in calendar(events_site, "events/montreal.ics")
            .walk("VTIMEZONE")] == ["America/Montreal"]


def test_recurrence_is_rrule_and_exdate_on_one_master_and_keeps_local_time_across_dst(
        events_site):
    parsed = calendar(events_site, "events/cafe.ics")
    (master,) = parsed.walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 31, 18, 0,
                                                             tzinfo=master["DTSTART"].dt.tzinfo)]
    sessions = recurring_ical_events.of(parsed).between(datetime(2026, 3, 20, tzinfo=UTC),
                                                         datetime(2026, 4, 15, tzinfo=UTC))
    starts = [s["DTSTART"].dt for s in sessions]
    assert [s.astimezone(UTC).hour for s in starts] == [17, 16, 16]  # CET, then CEST
    assert all(s.hour == 18 for s in starts)  # always 18:00 on Paris clocks
    assert {str(s["UID"]) for s in sessions} == {"cafe@hub.example.org"}


def test_url_status_location_and_categories(events_site):
    events = vevents(events_site, "events/calendar.ics")
    montreal = events["montreal@hub.example.org"]
    assert str(montreal["URL"]) == "https://hub.example.org/events/montreal/"
    assert str(montreal["STATUS"]) == "CONFIRMED"
    assert str(montreal["LOCATION"]).startswith("Jardin Papineau, 4500 avenue Papineau")
    assert montreal["GEO"].latitude == 45.5371
    assert str(events["annule@hub.example.org"]["STATUS"]) == "CANCELLED"
    assert str(events["annule@hub.example.org"]["SUMMARY"]) == "Annulé : Balade annulée"
    assert str(events["reporte@hub.example.org"]["STATUS"]) == "TENTATIVE"
    assert str(events["en-ligne@hub.example.org"]["LOCATION"]) == "https://visio.example.org/faq"
    assert events["cafe@hub.example.org"].categories == ["débutants"]


def test_feed_keeps_past_events_for_the_configured_window(events_site):
    uids = set(vevents(events_site, "events/calendar.ics"))
    assert "passe@hub.example.org" in uids and "serie-finie@hub.example.org" in uids
    assert "ancien@hub.example.org" not in uids  # ended more than 365 days ago
    assert "ancien@hub.example.org" in vevents(events_site, "events/ancien.ics")


def test_subscription_headers(events_site):
    parsed = calendar(events_site, "events/calendar.ics")
    assert str(parsed["X-WR-CALNAME"]).endswith("Événements")
    assert parsed["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert str(parsed["SOURCE"]) == "https://hub.example.org/events/calendar.ics"


def test_format_and_tag_calendars_hold_only_their_events(events_site):
    assert set(vevents(events_site, "events/format/webinar.ics")) == {
        "webinaire@hub.example.org", "passe@hub.example.org", "utc@hub.example.org"}
    assert set(vevents(events_site, "events/tag/semences.ics")) == {"webinaire@hub.example.org"}
    assert set(vevents(events_site, "events/tag/debutants.ics")) == {"cafe@hub.example.org"}


def test_calendar_bytes_are_identical_when_rebuilt_at_the_same_moment(events_site,
                                                                       tmp_path_factory):
    again = make(tmp_path_factory.mktemp("events-again"), NOW)
    for name in ("events/calendar.ics", "events/cafe.ics", "events/montreal.ics"):
        assert again.path(name).read_bytes() == events_site.path(name).read_bytes(), name


def test_english_calendars_hold_the_english_translations_with_the_same_uids(demo_site):
    french, english = (vevents(demo_site, f"{prefix}events/calendar.ics") for prefix in ("", "en/"))
    assert set(english) == set(french)  # one event, whichever calendar it came from
    cafe = next(uid for uid in french if uid.startswith("cafe-des-jardiniers@"))
    assert str(french[cafe]["SUMMARY"]) == "Le café des jardiniers (en ligne)"
    assert str(english[cafe]["SUMMARY"]) == "The gardeners' café (online)"
    untranslated = next(uid for uid in french if uid.startswith("atelier-compost@"))
    assert str(english[untranslated]["SUMMARY"]) == str(french[untranslated]["SUMMARY"])
    assert str(calendar(demo_site, "en/events/calendar.ics")["X-WR-CALNAME"]).endswith(
        "— Events")
    own = vevents(demo_site, "en/events/cafe-des-jardiniers.ics")
    assert [str(e["SUMMARY"]) for e in own.values()] == ["The gardeners' café (online)"]
    page = demo_site.html("en/events/cafe-des-jardiniers/")
    links = {a.get("href") for a in page.cssselect("a[href$='.ics']")}
    assert "../../../en/events/cafe-des-jardiniers.ics" in links
    assert "../../../en/events/calendar.ics" in links
    listing = demo_site.html("en/events/")
    webcal = [a.get("href") for a in listing.cssselect("a[href^='webcal:']")]
    assert webcal and all(h.endswith("/en/events/calendar.ics") for h in webcal)
    for href in {a.get("href") for a in listing.cssselect("a[href$='.ics']")} - set(webcal):
        assert "/en/events/" in href and demo_site.path("en/events/" + href).exists(), href
