"""Sites for the event tests, each built once per session around a frozen "now".

``events_site`` holds one event of each kind around 2026-03-20 12:00 Paris time:
a weekly series crossing the European daylight-saving change (29 March), an
event in Montréal during the three weeks when North America has already
changed and Europe has not (Montréal is then 5 hours behind Paris, not 6), an
event under way, past events (one older than the calendar's past window),
every status, a daily rule with no end. ``events_site_later`` builds the same
content a day later, to compare calendar UIDs across builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.chromium import serve
from tests.conftest import Site, build, write_files

NOW = "2026-03-20T12:00:00+01:00"
LATER = "2026-03-21T12:00:00+01:00"
PUBLIC = "https://hub.example.org"
HOST = "hub.example.org"

MEMBERS = {
    "members/alice-martin.md": """
        ---
        name: Alice Martin
        roles: [organiser]
        since: 2024-01-01
        consent: true
        reconfirmed: 2026-01-01
        ---
        Alice organise.
        """,
    "members/bruno-leroy.md": """
        ---
        name: Bruno Leroy
        roles: [expert]
        since: 2024-01-01
        consent: true
        reconfirmed: 2026-01-01
        ---
        Bruno sait.
        """,
    "members/cache-cache.md": """
        ---
        name: Cache Cache
        since: 2024-01-01
        consent: false
        ---
        Pas de profil public.
        """,
}

EVENTS = {
    # weekly, Tuesdays 18:00 Paris, across the 29 March DST change, 31 March skipped
    "events/cafe.md": """
        ---
        title: Café du mardi
        start: 2026-03-03T18:00
        duration: 1h
        rrule: FREQ=WEEKLY;BYDAY=TU
        exdates: [2026-03-31]
        format: meetup
        attendance: online
        online_url: https://visio.example.org/cafe
        hosts: [alice-martin]
        tags: [débutants]
        ---
        Chaque mardi.
        """,
    # 13:00 in Montréal (EDT since 8 March) = 17:00 UTC = 18:00 in Paris (still CET)
    "events/montreal.md": """
        ---
        title: Visite du jardin Papineau
        start: 2026-03-25T13:00
        end: 2026-03-25T15:00
        timezone: America/Montreal
        format: conference
        attendance: mixed
        location: {name: Jardin Papineau, address: 4500 avenue Papineau, city: Montréal,
                   region: QC, postal_code: H2H 1V4, country: CA, geo: "45.5371,-73.5776"}
        online_url: https://visio.example.org/montreal
        hosts: [alice-martin]
        speakers: [bruno-leroy]
        forum_topic: 105
        registration_url: https://forum.example.org/inscription
        ---
        Sur place et en ligne.
        """,
    # under way at 12:00: ends at 13:00 Paris = 12:00 UTC, the next change of the site
    "events/en-cours.md": """
        ---
        title: Atelier en cours
        start: 2026-03-20T11:00
        end: 2026-03-20T13:00
        format: workshop
        attendance: in-person
        location: {name: Jardin, address: 1 rue des Lilas, city: Lyon, country: FR}
        ---
        Il a commencé.
        """,
    "events/webinaire.md": """
        ---
        title: Webinaire semences
        start: 2026-04-02T18:30
        duration: 1h30
        format: webinar
        attendance: online
        speakers: [bruno-leroy]
        tags: [semences]
        modified: 2026-03-01T09:00
        ---
        En ligne.
        """,
    "events/annule.md": """
        ---
        title: Balade annulée
        start: 2026-04-04T10:00
        duration: 2h
        status: cancelled
        format: social
        attendance: in-person
        location: {name: Parc, city: Nantes, country: FR}
        ---
        Annulée.
        """,
    "events/reporte.md": """
        ---
        title: Troc reporté
        start: 2026-04-11T14:00
        duration: 3h
        status: postponed
        format: meetup
        attendance: in-person
        location: {name: Salle, city: Bordeaux}
        ---
        Reporté.
        """,
    "events/deplace.md": """
        ---
        title: AMA déplacé
        start: 2026-04-16T19:00
        duration: 1h
        status: rescheduled
        previous_start: 2026-04-14T19:00
        format: ama
        attendance: online
        speakers: [bruno-leroy]
        ---
        Nouvelle date.
        """,
    "events/en-ligne.md": """
        ---
        title: FAQ passée en ligne
        start: 2026-04-23T18:00
        duration: 1h
        status: moved-online
        format: live-faq
        attendance: in-person
        location: {name: Jardin du Busca, city: Toulouse, country: FR}
        online_url: https://visio.example.org/faq
        ---
        En ligne désormais.
        """,
    # a rule without end is capped by the listing window
    "events/arrosage.md": """
        ---
        title: Tour d'arrosage
        start: 2026-03-01T08:00
        duration: 30min
        rrule: FREQ=DAILY
        format: other
        attendance: in-person
        location: {name: Jardin, city: Lyon}
        ---
        Tous les jours.
        """,
    "events/passe.md": """
        ---
        title: Webinaire passé
        start: 2026-03-10T18:30
        duration: 1h
        format: webinar
        attendance: online
        recording_url: https://videos.example.org/passe
        slides_url: https://hub.example.org/supports/passe.pdf
        ---
        C'était bien.
        """,
    # a series that ended: listed once, among past events, at its last session
    "events/serie-finie.md": """
        ---
        title: Cycle d'hiver
        start: 2026-01-08T18:00
        duration: 1h
        rrule: FREQ=WEEKLY;COUNT=3
        format: workshop
        attendance: online
        ---
        Trois séances.
        """,
    # older than the feed's past window (365 days): on /events/past/, not in calendar.ics
    "events/ancien.md": """
        ---
        title: Rencontre de 2024
        start: 2024-06-01T10:00
        duration: 2h
        format: meetup
        attendance: in-person
        location: {name: Jardin, city: Lyon}
        ---
        Il y a longtemps.
        """,
    # a UTC event is written in UTC ("Z") and needs no VTIMEZONE
    "events/utc.md": """
        ---
        title: Call mondial
        start: 2026-04-20T15:00
        duration: 1h
        timezone: UTC
        format: webinar
        attendance: online
        ---
        Pour tous les fuseaux.
        """,
    # reachable by its URL (with its own calendar file), listed nowhere
    "events/cache.md": """
        ---
        title: Réunion du bureau
        start: 2026-04-01T18:00
        duration: 1h
        status: hidden
        format: other
        attendance: online
        ---
        Pour le bureau seulement.
        """,
    # a translation shares the slug and stays out of listings and calendars
    "events/cafe-en.md": """
        ---
        title: Tuesday coffee
        slug: cafe
        lang: en
        start: 2026-03-03T18:00
        duration: 1h
        rrule: FREQ=WEEKLY;BYDAY=TU
        exdates: [2026-03-31]
        format: meetup
        attendance: online
        ---
        Every Tuesday.
        """,
}


def make(root: Path, now: str, **override: Any) -> Site:
    write_files(root / "content", {**MEMBERS, **EVENTS})
    return build(root, AGORA_NOW=now, PUBLIC_SITEURL=PUBLIC, **override)


@pytest.fixture(scope="session")
def events_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make(tmp_path_factory.mktemp("events"), NOW)


@pytest.fixture(scope="session")
def events_site_later(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make(tmp_path_factory.mktemp("events-later"), LATER)


def calendar(site: Site, path: str) -> icalendar.Calendar:
    """Parse an .ics file of ``site`` back (icalendar raises on malformed input)."""
    return icalendar.Calendar.from_ical(site.path(path).read_bytes())


def vevents(site: Site, path: str) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar(site, path).walk("VEVENT")}


@pytest.fixture(scope="session")
def served_events(events_site: Site) -> Iterator[str]:
    """``events_site`` over HTTP on loopback, for the client-script tests."""
    with serve(events_site.output) as url:
        yield url
