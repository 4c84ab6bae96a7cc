"""Every event error names the file and the field; a broken event is never dropped silently."""

from __future__ import annotations

import json

import pytest

from tests.events.conftest import MEMBERS

GOOD = """
    ---
    title: Bon événement
    start: 2026-12-03T18:00
    format: webinar
    attendance: online
    ---
    Texte.
    """

CASES = {
    "unknown-host": ("""
        ---
        title: Hôte inconnu
        start: 2026-12-03T18:00
        hosts: [personne]
        ---
        """, "hosts: expected a known member slug", 'found "personne"'),
    "no-consent": ("""
        ---
        title: Sans consentement
        start: 2026-12-03T18:00
        speakers: [cache-cache]
        ---
        """, "speakers: expected a member that may be published",
        "found a member who may not be named"),
    "rrule-garbage": ("""
        ---
        title: Règle illisible
        start: 2026-12-01T18:00
        rrule: tous les mardis
        ---
        """, "rrule: expected an iCalendar RRULE like FREQ=WEEKLY;BYDAY=TU",
        'found "tous les mardis"'),
    "rrule-hourly": ("""
        ---
        title: Toutes les heures
        start: 2026-12-01T18:00
        rrule: FREQ=HOURLY
        ---
        """, "rrule: expected a rule repeating DAILY, WEEKLY, MONTHLY or YEARLY",
        'found "FREQ=HOURLY"'),
    "rrule-misses-start": ("""
        ---
        title: Le mardi, mais commence un mercredi
        start: 2026-12-02T18:00
        rrule: FREQ=WEEKLY;BYDAY=TU
        ---
        """, "rrule: expected a rule that includes start itself", "FREQ=WEEKLY;BYDAY=TU"),
    "rrule-count-and-until": ("""
        ---
        title: Compte et fin
        start: 2026-12-01T18:00
        rrule: FREQ=WEEKLY;COUNT=3;UNTIL=20270101
        ---
        """, "rrule: expected a rule with COUNT or UNTIL, not both", "found"),
    "exdate-not-a-session": ("""
        ---
        title: Exception mal placée
        start: 2026-12-01T18:00
        rrule: FREQ=WEEKLY;BYDAY=TU
        exdates: [2026-12-09]
        ---
        """, "exdates: expected dates the recurrence falls on (sessions start at 18:00)",
        "found 2026-12-09T18:00"),
    "exdates-without-rule": ("""
        ---
        title: Exception sans règle
        start: 2026-12-01T18:00
        exdates: [2026-12-08]
        ---
        """, "exdates: expected exdates only with an rrule", "found"),
    "dst-gap": ("""
        ---
        title: Heure qui n'existe pas
        start: 2027-03-28T02:30
        ---
        """, "start: expected a time that exists in Europe/Paris", 'found "2027-03-28T02:30"'),
    "end-and-duration": ("""
        ---
        title: Fin et durée
        start: 2026-12-03T18:00
        end: 2026-12-03T19:00
        duration: 2h
        ---
        """, "duration: expected either end or duration, not both", "found"),
    "bad-geo": ("""
        ---
        title: Mauvaises coordonnées
        start: 2026-12-03T18:00
        attendance: in-person
        location: {name: Jardin, city: Lyon, geo: "nord, sud"}
        ---
        """, "location: geo: expected latitude,longitude", 'found "nord, sud"'),
    "bad-start": ("""
        ---
        title: Date illisible
        start: jeudi prochain
        ---
        """, "start: expected ISO date-time like 2026-12-03T18:00", 'found "jeudi prochain"'),
}


@pytest.fixture(scope="module")
def bad_site(make_site):
    files = {**MEMBERS, "events/bon.md": GOOD}
    files.update({f"events/{name}.md": text for name, (text, *_rest) in CASES.items()})
    return make_site(files, name="bad-events", with_demo_members=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_names_file_field_expected_and_found(bad_site, case):
    _text, expected, found = CASES[case]
    where = f"content/events/{case}.md: "
    messages = [m for m in bad_site.state.log.errors if m.startswith(where) and expected in m]
    assert messages, f"no error like {where + expected!r} in {bad_site.state.log.errors}"
    assert found in messages[0], messages[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_event_is_left_out_with_a_message(bad_site, case):
    assert not bad_site.path(f"events/{case}/").exists()
    assert not bad_site.path(f"events/{case}.ics").exists()
    errors = json.loads((bad_site.output / "build.json").read_text())["errors"]
    assert f"events/{case}.md left out of the build (see the errors above)" in errors
    assert case not in bad_site.path("events/calendar.ics").read_text()


def test_good_event_still_builds(bad_site):
    assert bad_site.path("events/bon/").exists()
    assert "bon@" in bad_site.path("events/calendar.ics").read_text()


def test_warnings_for_incomplete_but_usable_events(make_site):
    site = make_site({"events/sans-adresse.md": """
        ---
        title: Sans adresse
        start: 2026-12-03T18:00
        attendance: in-person
        location: {name: Quelque part}
        ---
        """, "events/sans-ancienne-date.md": """
        ---
        title: Reprogrammé sans ancienne date
        start: 2026-12-03T18:00
        status: rescheduled
        ---
        """, "events/heure-double.md": """
        ---
        title: Heure qui arrive deux fois
        start: 2026-10-25T02:30
        ---
        """}, name="event-warnings", with_demo_members=False)
    warnings = site.state.log.warnings
    assert any(w.startswith("content/events/sans-adresse.md: location: expected an address or "
                            "city for an in-person event") for w in warnings), warnings
    assert any(w.startswith("content/events/sans-ancienne-date.md: previous_start: expected the "
                            "old start") for w in warnings), warnings
    assert any(w.startswith("content/events/heure-double.md: start: expected an unambiguous "
                            "time in Europe/Paris") for w in warnings), warnings
    for slug in ("sans-adresse", "sans-ancienne-date", "heure-double"):
        assert site.path(f"events/{slug}/").exists()
    assert not site.state.log.errors
