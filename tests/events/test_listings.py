"""/events/, /events/past/, format pages and the home page: order, split, grouping."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.events.conftest import NOW, make


def items(page, selector="[data-upcoming] li.event-item:not([hidden])"):
    """What the build shows (hidden sessions enter the listing later: test_stay_right.py)."""
    return [(li.get("data-event-start"), li.cssselect("h3")[0].text_content().strip(),
             li) for li in page.cssselect(selector)]


def test_upcoming_are_soonest_first_and_never_past(events_site):
    listed = items(events_site.html("events/"))
    titles = [title for _, title, _ in listed]
    assert titles[:3] == ["Atelier en cours", "Tour d'arrosage", "Tour d'arrosage"]
    assert {"Café du mardi", "Visite du jardin Papineau", "Balade annulée"} <= set(titles)
    starts = [datetime.fromisoformat(start) for start, _, _ in listed]
    assert starts == sorted(starts)
    now = datetime.fromisoformat(NOW)
    ends = [datetime.fromisoformat(li.get("data-event-end")) for _, _, li in listed]
    assert all(end > now for end in ends)
    titles = {title for _, title, _ in listed}
    assert "Webinaire passé" not in titles and "Rencontre de 2024" not in titles
    assert "Cycle d'hiver" not in titles  # a finished series is past


def test_event_under_way_is_upcoming_and_marked_live(events_site):
    first = items(events_site.html("events/"))[0][2]
    assert first.cssselect("h3")[0].text_content().strip() == "Atelier en cours"
    assert "live" in first.get("class")
    badge = first.cssselect("[data-live-badge]")[0]
    assert badge.get("hidden") is None and badge.text_content().strip() == "en ce moment"


def test_upcoming_grouped_by_month_in_french(events_site):
    page = events_site.html("events/")
    headings = [h.text_content() for h in page.cssselect("section.event-month:not([hidden]) h2")]
    assert headings == ["Mars 2026", "Avril 2026", "Mai 2026"]
    april = page.cssselect("section.event-month:not([hidden])")[1]
    assert all(li.get("data-event-start").startswith("2026-04")
               for li in april.cssselect("li.event-item"))


def test_weekly_series_shows_its_next_dates_without_the_excluded_one(events_site):
    starts = [start for start, title, _ in items(events_site.html("events/"))
              if title == "Café du mardi"]
    # 18:00 in Paris: 17:00 UTC before the 29 March change, 16:00 UTC after it
    assert starts[:3] == ["2026-03-24T17:00:00+00:00", "2026-04-07T16:00:00+00:00",
                          "2026-04-14T16:00:00+00:00"]
    assert not any(s.startswith("2026-03-31") for s in starts)
    assert not any(s.startswith("2026-03-17") for s in starts)  # before now


def test_rule_without_end_is_capped_by_the_window(events_site):
    starts = [datetime.fromisoformat(s) for s, title, _ in items(events_site.html("events/"))
              if title == "Tour d'arrosage"]
    now = datetime.fromisoformat(NOW)
    assert len(starts) == 56  # 8 weeks of daily sessions, the default window
    assert max(starts) < now + timedelta(weeks=8)


def test_past_are_most_recent_first_with_recordings_and_slides(events_site):
    past = items(events_site.html("events/past/"), "li.event-item")
    assert [title for _, title, _ in past] == ["Webinaire passé", "Cycle d'hiver",
                                               "Rencontre de 2024"]
    # a finished series is dated by its last session (8 January + 2 weeks)
    assert past[1][0] == "2026-01-22T17:00:00+00:00"
    links = {a.text_content(): a.get("href") for a in past[0][2].cssselect(".event-media a")}
    assert links == {"Voir l’enregistrement": "https://videos.example.org/passe",
                     "Supports de présentation": "https://hub.example.org/supports/passe.pdf"}


def test_statuses_are_shown_in_listings(events_site):
    by_title = {title: li for _, title, li in items(events_site.html("events/"))}
    assert by_title["Balade annulée"].cssselect(".status")[0].text_content() == "annulé"
    assert "event-cancelled" in by_title["Balade annulée"].get("class")
    assert by_title["Troc reporté"].cssselect(".status")[0].text_content() == "reporté"
    assert "en ligne" in by_title["FAQ passée en ligne"].cssselect(".meta")[1].text_content()


def test_format_pages_filter_and_link_their_calendar(events_site):
    page = events_site.html("events/format/webinar/")
    assert page.cssselect("h1")[0].text_content() == "Événements à venir : webinaire"
    assert [t for _, t, _ in items(page)] == ["Webinaire semences", "Call mondial"]
    assert [t for _, t, _ in items(page, "#main section li.event-item:not([hidden])")
            if t == "Webinaire passé"], "past webinars are listed on the format page"
    hrefs = [a.get("href") for a in page.cssselect(".calendar-subscriptions a")]
    assert any(h.endswith("events/format/webinar.ics") for h in hrefs)
    nav = {a.text_content() for a in events_site.html("events/").cssselect(".event-filters a")}
    assert {"Tous les formats", "webinaire (2)", "atelier (1)"} <= nav


def test_home_lists_one_line_per_event(events_site):
    titles = [t for _, t, _ in items(events_site.html(""), "li.event-item:not([hidden])")]
    assert titles == ["Atelier en cours", "Tour d'arrosage", "Café du mardi"]


def test_translation_has_its_page_but_is_not_listed_twice(events_site):
    assert events_site.path("en/events/cafe/").exists()
    page = events_site.html("en/events/cafe/")
    assert page.get("lang") == "en" and page.cssselect("h1")[0].text_content() == "Tuesday coffee"
    titles = [t for _, t, _ in items(events_site.html("events/"))]
    assert "Tuesday coffee" not in titles


def test_hidden_event_has_a_page_and_calendar_file_but_is_listed_nowhere(events_site):
    assert events_site.path("events/cache/").exists()
    assert "cache@hub.example.org" in events_site.path("events/cache.ics").read_text()
    assert "cache@" not in events_site.path("events/calendar.ics").read_text()
    for url in ("events/", "events/past/", ""):
        assert "Réunion du bureau" not in events_site.path(url).read_text(), url


def test_window_and_past_days_come_from_the_settings(tmp_path_factory):
    site = make(tmp_path_factory.mktemp("events-short"), NOW, AGORA_EVENTS_WINDOW_WEEKS=2,
                AGORA_EVENTS_PAST_DAYS=5)
    daily = [s for s, title, _ in items(site.html("events/")) if title == "Tour d'arrosage"]
    assert len(daily) == 14
    feed = site.path("events/calendar.ics").read_text()
    assert "passe@" not in feed  # ended on 10 March, more than 5 days before now
    assert "en-cours@" in feed
