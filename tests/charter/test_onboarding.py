"""The onboarding path: ordered steps, beginner-friendly events first, configurable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from agora.charter.onboarding import Step, ordered_steps, pick_events
from tests.charter.helpers import charter_file, site_path


@dataclass
class FakeEvent:
    slug: str
    start: datetime
    tags: tuple[str, ...] = ()
    format: str = "meetup"
    event_status: str = "scheduled"


def at(day: int) -> datetime:
    return datetime(2026, 12, day, 18, 0)


def test_tagged_events_come_first_then_friendly_formats_then_the_next_ones():
    events = [FakeEvent("a", at(1)), FakeEvent("b", at(2), format="webinar"),
              FakeEvent("c", at(3), tags=("Débutants",)), FakeEvent("d", at(4))]
    chosen, for_beginners = pick_events(events, ["debutants"], ["webinar"], 3)
    assert [e.slug for e in chosen] == ["b", "c"] and for_beginners
    plain = [FakeEvent("a", at(1)), FakeEvent("x", at(2), event_status="cancelled"),
             FakeEvent("d", at(4))]
    chosen, for_beginners = pick_events(plain, ["debutants"], ["webinar"], 3)
    assert [e.slug for e in chosen] == ["a", "d"] and not for_beginners


def test_pages_come_right_after_the_builtin_step_they_name():
    @dataclass
    class FakePage:
        title: str
        onboarding_step: int

    steps = ordered_steps(["charter", "events", "subscribe"],
                          [FakePage("Contribuer", 9), FakePage("Jardins", 1)])
    assert [s.kind if s.kind != "page" else s.page.title for s in steps] == [
        "charter", "Jardins", "events", "subscribe", "Contribuer"]
    assert Step("charter") == steps[0]


EVENT = """---
title: "{title}"
start: 2026-12-{day:02d}T18:00
duration: 1h
format: {format}
tags: [{tags}]
---
Un événement.
"""


@pytest.fixture(scope="module")
def onboarding_site(make_site):
    return make_site({
        "pages/charter/charte.md": charter_file(summary="Le résumé de la charte."),
        "pages/onboarding.md": "---\ntitle: Commencer ici\nslug: onboarding\n---\nBienvenue.\n",
        "pages/jardins.md": ("---\ntitle: Nos jardins\nslug: jardins\nonboarding_step: 1\n"
                             "summary: La carte des jardins.\n---\nTexte.\n"),
        "events/soiree.md": EVENT.format(title="Soirée", day=1, format="social", tags="fête"),
        "events/accueil.md": EVENT.format(title="Accueil", day=8, format="meetup",
                                          tags="débutants"),
        "events/passe.md": EVENT.format(title="Passé", day=1, format="meetup",
                                        tags="débutants").replace("2026-12-01", "2026-10-01"),
    }, name="onboarding", with_demo_members=False, AGORA_FORUM_URL="",
        AGORA_ONBOARDING_STEPS=["charter", "events", "subscribe"])


def test_onboarding_path_follows_settings_and_pages(onboarding_site):
    page = onboarding_site.html("onboarding/")
    steps = [li.get("id") for li in page.cssselect("ol.onboarding-path > li")]
    assert steps == ["step-charter", "step-jardins", "step-events", "step-subscribe"]
    assert "Le résumé de la charte." in page.cssselect("#step-charter")[0].text_content()
    assert not page.cssselect("a[data-forum-introductions]")  # no forum configured


def test_onboarding_suggests_upcoming_beginner_events_only(onboarding_site):
    page = onboarding_site.html("onboarding/")
    links = [site_path(a.get("href"), "onboarding/")
             for a in page.cssselect("#step-events .event-item h3 a")]
    assert links == ["events/accueil/"]
