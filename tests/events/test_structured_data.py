"""schema.org Event JSON-LD, parsed back with extruct as a search engine would."""

from __future__ import annotations

import extruct
import pytest

SCHEMA = "https://schema.org/"
GOOGLE_REQUIRED = ("name", "startDate", "location")


def events_of(site, slug):
    html = site.path(f"events/{slug}/").read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=f"https://hub.example.org/events/{slug}/",
                           syntaxes=["json-ld"], uniform=True)["json-ld"]
    flat = []
    for item in data:
        flat.extend(item if isinstance(item, list) else [item])
    return [item for item in flat if item.get("@type") == "Event"]


@pytest.mark.parametrize("slug", ["montreal", "webinaire", "annule", "reporte", "deplace",
                                  "en-ligne", "passe", "en-cours"])
def test_required_fields_and_offsets(events_site, slug):
    (event,) = events_of(events_site, slug)
    for field in GOOGLE_REQUIRED:
        assert event.get(field), (slug, field)
    for field in ("startDate", "endDate"):
        value = event[field]
        assert value[-6] in "+-" and value[-3] == ":", (slug, field, value)  # UTC offset
    assert event["eventStatus"].startswith(SCHEMA)
    assert event["eventAttendanceMode"].startswith(SCHEMA)
    assert event["url"] == f"https://hub.example.org/events/{slug}/"
    assert event["description"]


def test_mixed_event_has_place_with_address_and_virtual_location(events_site):
    (event,) = events_of(events_site, "montreal")
    assert event["startDate"] == "2026-03-25T13:00:00-04:00"
    assert event["endDate"] == "2026-03-25T15:00:00-04:00"
    assert event["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    place, virtual = event["location"]
    assert place["@type"] == "Place" and place["name"] == "Jardin Papineau"
    assert place["address"] == {"@type": "PostalAddress", "streetAddress": "4500 avenue Papineau",
                                "postalCode": "H2H 1V4", "addressLocality": "Montréal",
                                "addressRegion": "QC", "addressCountry": "CA"}
    assert place["geo"]["latitude"] == 45.5371
    assert virtual == {"@type": "VirtualLocation", "url": "https://visio.example.org/montreal"}
    assert event["organizer"] == [{"@type": "Person", "name": "Alice Martin",
                                   "url": "https://hub.example.org/members/alice-martin/"}]
    assert [p["name"] for p in event["performer"]] == ["Bruno Leroy"]
    assert event["offers"]["url"] == "https://forum.example.org/inscription"


def test_statuses_and_previous_start(events_site):
    assert events_of(events_site, "annule")[0]["eventStatus"] == SCHEMA + "EventCancelled"
    assert events_of(events_site, "reporte")[0]["eventStatus"] == SCHEMA + "EventPostponed"
    moved = events_of(events_site, "en-ligne")[0]
    assert moved["eventStatus"] == SCHEMA + "EventMovedOnline"
    assert moved["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert moved["location"]["@type"] == "VirtualLocation"
    rescheduled = events_of(events_site, "deplace")[0]
    assert rescheduled["eventStatus"] == SCHEMA + "EventRescheduled"
    assert rescheduled["previousStartDate"] == "2026-04-14T19:00:00+02:00"
    assert rescheduled["startDate"] == "2026-04-16T19:00:00+02:00"


def test_online_event_without_hosts_is_organised_by_the_community(events_site):
    (event,) = events_of(events_site, "webinaire")
    assert event["location"]["@type"] == "VirtualLocation"
    assert event["organizer"]["@type"] == "Organization"
    assert event["organizer"]["name"] == events_site.settings["SITENAME"]


def test_recurring_event_is_one_event_per_upcoming_session(events_site):
    sessions = events_of(events_site, "cafe")
    assert [s["startDate"] for s in sessions[:2]] == ["2026-03-24T18:00:00+01:00",
                                                      "2026-04-07T18:00:00+02:00"]
    assert len({s["@id"] for s in sessions}) == len(sessions)


def test_json_ld_cannot_break_out_of_its_script(make_site):
    site = make_site({"events/piege.md": """
        ---
        title: "Piège </script><b>alert(1)</b>"
        start: 2026-12-03T18:00
        format: webinar
        attendance: online
        ---
        Texte.
        """}, name="jsonld-escape", with_demo_members=False)
    html = site.path("events/piege/").read_text()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    body = html[start:html.index("</script>", start)]
    assert "<" not in body and ">" not in body
    # titles are HTML in Pelican: structured data carries their text
    assert events_of(site, "piege")[0]["name"] == "Piège alert(1)"
