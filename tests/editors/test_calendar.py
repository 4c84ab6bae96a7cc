"""The editorial calendar at the demo's frozen date (Friday 20 November 2026): series slots
from their cadences, the gaps, scheduled posts, events and newsletter issues; text in the
site's language, iCalendar parsed back, JSON; `agora check --plan`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from icalendar import Calendar

from agora.editors.cadence import CadenceError, parse
from agora.editors.calendar import Words, render_ics, render_json, render_text
from agora.editors.plan import gap_problems, make_plan
from tests.editors.conftest import agora, copy_hub

FRIDAY = date(2026, 11, 20)


# --- the cadence grammar -------------------------------------------------------------------

@pytest.mark.parametrize(("cadence", "habit", "slots"), [
    ("weekly", [date(2026, 11, 17)], ["2026-11-24", "2026-12-01", "2026-12-08"]),
    ("weekly on Thursday", [], ["2026-11-26", "2026-12-03", "2026-12-10"]),
    ("every friday", [], ["2026-11-20", "2026-11-27", "2026-12-04"]),
    ("every 3 weeks on friday", [date(2026, 11, 13)], ["2026-12-04"]),
    ("fortnightly", [date(2026, 11, 10), date(2026, 11, 17)], ["2026-12-01"]),
    ("biweekly on monday", [], ["2026-11-23", "2026-12-07"]),
    ("monthly", [date(2026, 9, 15), date(2026, 10, 15), date(2026, 11, 16)], ["2026-12-15"]),
    ("monthly on the first thursday", [], ["2026-12-03"]),
    ("monthly on the last friday", [], ["2026-11-27", "2026-12-25"]),
    ("Monthly on the 2nd Tuesday", [], ["2026-12-08"]),
    ("monthly on the 15th", [], ["2026-12-15"]),
    ("monthly on day 31", [], ["2026-11-30", "2026-12-31"]),
])
def test_cadences_give_their_slots(cadence, habit, slots):
    found = parse(cadence).slots(FRIDAY, date(2027, 1, 1), habit)
    assert [d.isoformat() for d in found][:len(slots)] == slots


@pytest.mark.parametrize(("cadence", "expected"), [
    ("daily", "expected a cadence like weekly, weekly on tuesday"),
    ("chaque mardi", "expected a cadence like"),
    ("every 0 weeks", "expected every 1 to 52 weeks, found 0"),
    ("monthly on the 32nd", "expected a day of the month from 1 to 31, found 32"),
])
def test_cadences_outside_the_grammar_say_what_was_expected(cadence, expected):
    with pytest.raises(CadenceError, match=expected):
        parse(cadence)


# --- the demo's plan -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan(demo_site):
    return make_plan(demo_site.state, demo_site.settings, 4)


def test_the_weeks_start_today(plan):
    assert (plan.start, plan.end) == (FRIDAY, date(2026, 12, 18))
    assert [(a.isoformat(), b.isoformat()) for a, b, _ in plan.weeks()] == [
        ("2026-11-20", "2026-11-26"), ("2026-11-27", "2026-12-03"),
        ("2026-12-04", "2026-12-10"), ("2026-12-11", "2026-12-17")]


def test_series_slots_are_filled_or_flagged(plan):
    slots = [(e.day.isoformat(), e.series, e.status) for e in plan.entries if e.kind == "slot"]
    assert slots == [
        ("2026-11-24", "astuces-du-mardi", "scheduled"),  # astuce-planifier-saison
        ("2026-12-01", "astuces-du-mardi", "gap"),
        ("2026-12-08", "astuces-du-mardi", "gap"),
        ("2026-12-15", "astuces-du-mardi", "gap"),
        ("2026-12-15", "portrait-du-mois", "gap"),  # monthly, on the 15th like its portraits
    ]
    assert len(plan.gaps) == 4
    assert not [e for e in plan.entries if e.kind == "article"]  # the scheduled post is a slot


def test_text_in_the_sites_language(plan, demo_site):
    text = render_text(plan, Words(demo_site.settings, "fr"), "Les Jardiniers du Partage")
    lines = text.splitlines()
    assert lines[0] == ("Calendrier éditorial de Les Jardiniers du Partage, du 20 novembre 2026 "
                        "au 17 décembre 2026")
    assert "Semaine du vendredi 27 novembre au jeudi 3 décembre" in lines
    for line in [
        "mardi 24 novembre : astuces-du-mardi — Astuce du mardi : planifier la saison en "
        "équipe (article programmé, 08:00)",
        "mardi 1 décembre : astuces-du-mardi — rien de prévu",
        "mardi 8 décembre : astuces-du-mardi — rien de prévu",
        "mardi 15 décembre : portrait-du-mois — rien de prévu",
        "jeudi 3 décembre : lettre d’information — numéro à paraître (pas encore d’éditorial)",
        "samedi 5 décembre : événement — Atelier compost collectif (10:00)",
        "mardi 1 décembre : événement — Le café des jardiniers (en ligne) (18:00)",
        "dimanche 13 décembre : événement — Balade des jardins partagés de Nantes (annulé, 10:00)",
    ]:
        assert f"  {line}" in lines, line
    assert lines[-1] == "4 trous dans le rythme des séries"


def test_text_in_english(plan, demo_site):
    text = render_text(plan, Words(demo_site.settings, "en"), "")
    assert "  Tuesday 8 December: astuces-du-mardi — nothing scheduled" in text.splitlines()
    assert "  Thursday 3 December: newsletter — issue due (no editorial intro yet)" in text
    assert text.endswith("4 gaps in the series' cadences\n")


def test_ics_parses_back_with_stable_uids(plan, demo_site):
    words = Words(demo_site.settings, "fr")
    data = render_ics(plan, words, "Les Jardiniers du Partage", "jardiniers.example")
    assert render_ics(plan, words, "Les Jardiniers du Partage", "jardiniers.example") == data
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "Les Jardiniers du Partage — Calendrier éditorial"
    items = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(items) == len(plan.entries)
    gap = items["editorial-slot-astuces-du-mardi-2026-12-08@jardiniers.example"]
    assert gap.decoded("dtstart") == date(2026, 12, 8)
    assert str(gap["summary"]) == "astuces-du-mardi — rien de prévu"
    assert str(gap["status"]) == "TENTATIVE"
    assert [str(e["uid"]) for e in calendar.walk("VEVENT") if e.get("status") == "TENTATIVE"] \
        == [f"editorial-{e.key}@jardiniers.example" for e in plan.gaps]
    issue = items["editorial-newsletter-2026-12-03@jardiniers.example"]
    assert issue.decoded("dtstart") == date(2026, 12, 3)


def test_json_lists_every_entry(plan, demo_site):
    data = json.loads(render_json(plan, Words(demo_site.settings, "en"), "Europe/Paris"))
    assert (data["from"], data["until"], data["gaps"]) == ("2026-11-20", "2026-12-17", 4)
    assert data["cadences"] == {"astuces-du-mardi": "weekly", "portrait-du-mois": "monthly"}
    first = data["entries"][0]
    assert first == {
        "date": "2026-11-24", "kind": "slot", "status": "scheduled", "gap": False,
        "series": "astuces-du-mardi", "title": "Astuce du mardi : planifier la saison en équipe",
        "time": "08:00", "source": first["source"], "uid": "slot-astuces-du-mardi-2026-11-24",
        "text": "Tuesday 24 November: astuces-du-mardi — Astuce du mardi : planifier la saison "
                "en équipe (scheduled post, 8:00\u202fAM)"}  # CLDR: a narrow no-break space
    assert first["source"].endswith("content/articles/astuce-planifier-saison.md")
    assert [e["date"] for e in data["entries"] if e["gap"]] == [
        "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-15"]


def test_a_week_ahead_has_no_gap(demo_site):
    assert gap_problems(make_plan(demo_site.state, demo_site.settings, 1),
                        demo_site.settings) == []


# --- drafts, events and special issues on slots -------------------------------------------

SERIES = """
    jardin-ouvert:
      title: Jardin ouvert
      cadence: every 2 weeks on saturday
    carnet:
      title: Le carnet
      cadence: monthly on the first thursday
    mystere:
      title: Mystère
      cadence: quand on peut
    """


@pytest.fixture(scope="module")
def planned(make_site):
    return make_site({
        "series.yml": SERIES,
        "events/jardin-ouvert-1.md": """
            ---
            title: Jardin ouvert de novembre
            start: 2026-11-21T14:00
            series: jardin-ouvert
            ---
            Visite.
            """,
        "events/jardin-ouvert-2.md": """
            ---
            title: Jardin ouvert de décembre
            start: 2026-12-05T14:00
            series: jardin-ouvert
            status: cancelled
            modified: 2026-11-18
            ---
            Annulé : il gèlera.
            """,
        "articles/carnet-decembre.md": """
            ---
            title: Le carnet de décembre
            date: 2026-12-03T09:00
            series: carnet
            status: draft
            ---
            Brouillon.
            """,
        "newsletter/2026-11-26.md": """
            ---
            subject: Numéro spécial
            ---
            Édition spéciale.
            """,
    }, name="planned", AGORA_NEWSLETTER_START="2026-09-01", AGORA_NEWSLETTER_CADENCE="monthly")


def test_events_fill_slots_drafts_do_not_and_special_issues_are_due(planned):
    plan = make_plan(planned.state, planned.settings, 4)
    slots = {(e.day.isoformat(), e.series): (e.status, e.title) for e in plan.entries
             if e.kind == "slot"}
    assert slots == {
        ("2026-11-21", "jardin-ouvert"): ("scheduled", "Jardin ouvert de novembre"),
        ("2026-12-05", "jardin-ouvert"): ("cancelled", "Jardin ouvert de décembre"),
        ("2026-12-03", "carnet"): ("draft", "Le carnet de décembre"),
    }
    assert [e.day.isoformat() for e in plan.gaps] == ["2026-12-03", "2026-12-05"]
    issues = [(e.day.isoformat(), e.title) for e in plan.entries if e.kind == "newsletter"]
    assert issues == [("2026-11-26", "Numéro spécial"), ("2026-12-03", "")]
    text = render_text(plan, Words(planned.settings, "en"), "")
    assert ("Thursday 3 December: carnet — nothing scheduled (draft: Le carnet de décembre)"
            in text)
    assert "Thursday 26 November: newsletter — Numéro spécial (issue due)" in text
    assert ("Saturday 5 December: jardin-ouvert — nothing scheduled (cancelled: Jardin ouvert "
            "de décembre)") in text
    assert [p.found for p in gap_problems(plan, planned.settings)] == [
        "only a draft (Le carnet de décembre)",
        "only a cancelled event (Jardin ouvert de décembre)"]
    assert [str(p) for p in plan.problems] == [
        "content/series.yml:9: mystere: cadence: expected a cadence like weekly, weekly on "
        "tuesday, every 2 weeks on friday, fortnightly, monthly, monthly on the first "
        "thursday, monthly on the 15th, found \"quand on peut\""]


# --- the commands ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    return copy_hub(tmp_path_factory.mktemp("calendar-hub"))


def test_agora_calendar_writes_an_ics_to_subscribe_to(hub, plan):
    result = agora("calendar", "--format", "ics", "--output", "plan.ics", cwd=hub)
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical((hub / "plan.ics").read_bytes())
    uids = [str(e["uid"]) for e in calendar.walk("VEVENT")]
    assert uids == [f"editorial-{e.key}@jardiniers-du-partage.example" for e in plan.entries]


def test_check_plan_fails_on_the_gaps_of_the_next_weeks(hub):
    result = agora("check", "--plan", cwd=hub)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "content/series.yml"
    assert lines[1] == ("  line 2: error: astuces-du-mardi: expected an article on Tuesday "
                        "2026-12-01 (cadence: weekly), found nothing scheduled")
    assert "  line 8: error: portrait-du-mois: expected an article on Tuesday 2026-12-15 " \
           "(cadence: monthly), found nothing scheduled" in lines
    assert "agora check: 4 error(s), 0 warning(s)" in result.stderr
