"""A static build is right until the next event starts or ends: build.json says when."""

from __future__ import annotations

import json
from datetime import datetime

from tests.events.conftest import NOW


def report(site):
    return json.loads((site.output / "build.json").read_text())


def test_next_change_is_the_next_start_or_end(events_site):
    data = report(events_site)
    # "Atelier en cours" (11:00-13:00 Paris) is under way at 12:00: its end comes first
    assert data["next_change"] == "2026-03-20T12:00:00+00:00"
    assert data["next_change_reason"] == "event ends: en-cours"


def test_next_change_matches_the_earliest_moment_of_the_listings(events_site):
    now = datetime.fromisoformat(NOW)
    moments = []
    for li in events_site.html("events/").cssselect("[data-upcoming] li.event-item"):
        for name in ("data-event-start", "data-event-end"):
            moment = datetime.fromisoformat(li.get(name))
            if moment > now:
                moments.append(moment)
    assert datetime.fromisoformat(report(events_site)["next_change"]) == min(moments)


def test_next_change_a_day_later_is_the_next_session(events_site_later):
    # on 21 March at 12:00 the next moment is the start of the 22 March watering (08:00 Paris)
    data = report(events_site_later)
    assert data["next_change"] == "2026-03-22T07:00:00+00:00"
    assert data["next_change_reason"] == "event starts: arrosage"


def test_only_events_scheduled_after_now_count(make_site):
    site = make_site({"events/fin.md": """
        ---
        title: Dernier atelier
        start: 2026-11-20T08:00
        end: 2026-11-20T09:30
        format: workshop
        attendance: online
        ---
        Fini depuis une demi-heure.
        """, "events/bientot.md": """
        ---
        title: Prochain atelier
        start: 2026-11-21T10:00
        timezone: America/Montreal
        format: workshop
        attendance: online
        ---
        Demain à Montréal.
        """}, name="next-change", with_demo_members=False)
    data = report(site)
    assert data["next_change"] == "2026-11-21T15:00:00+00:00"
    assert [li.cssselect("h3")[0].text_content().strip() for li in
            site.html("events/past/").cssselect("li.event-item")] == ["Dernier atelier"]


def test_listings_carry_machine_readable_utc_times_for_the_client_script(events_site):
    page = events_site.html("events/")
    for li in page.cssselect("li.event-item"):
        start = datetime.fromisoformat(li.get("data-event-start"))
        end = datetime.fromisoformat(li.get("data-event-end"))
        assert start.utcoffset().total_seconds() == 0 and end > start
    assert page.cssselect("[data-past-target]") and page.cssselect("[data-just-ended][hidden]")
    script = events_site.path("theme/js/events.js").read_text()
    assert "data-event-end" in script and "data-past-target" in script
