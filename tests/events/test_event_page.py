"""/events/<slug>/: times in two zones, banners, people, forum thread, add-to-calendar links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse


def test_time_in_the_event_zone_and_in_the_site_zone(events_site):
    page = events_site.html("events/montreal/")
    when = page.cssselect(".event-when")[0].text_content()
    assert "mercredi 25 mars 2026, 13:00" in when and "15:00" in when
    assert "UTC−04:00" in when  # Montréal is on summer time since 8 March
    site_time = page.cssselect(".site-time")[0].text_content()
    assert "mercredi 25 mars 2026, 18:00 – 20:00" in site_time and "UTC+01:00" in site_time
    viewer = page.cssselect("[data-viewer-time]")[0]
    assert viewer.get("hidden") is not None  # filled in by events.js only
    assert viewer.get("data-zones") == "America/Montreal Europe/Paris"


def test_same_zone_event_shows_one_time(events_site):
    page = events_site.html("events/webinaire/")
    assert not page.cssselect(".site-time")
    assert "jeudi 2 avril 2026, 18:30" in page.cssselect(".event-when")[0].text_content()


def test_status_banners(events_site):
    expected = {
        "annule": "Cet événement n’aura pas lieu.",
        "reporte": "la nouvelle date sera annoncée ici",
        "deplace": "Nouvelle date : 16 avril 2026, 19:00 (initialement prévu le 14 avril 2026, "
                   "19:00).",
        "en-ligne": "Cet événement a désormais lieu uniquement en ligne.",
    }
    for slug, text in expected.items():
        banners = events_site.html(f"events/{slug}/").cssselect("p.banner[role=status]")
        shown = [b.text_content() for b in banners if b.get("hidden") is None]
        assert any(text in b for b in shown), (slug, shown)
    assert not [b for b in events_site.html("events/webinaire/").cssselect("p.banner")
                if b.get("hidden") is None]


def test_past_and_live_notes_are_static_and_complete_without_script(events_site):
    past = events_site.html("events/passe/")
    note = past.cssselect("[data-ended-note]")[0]
    assert note.get("hidden") is None and "Cet événement est terminé." in note.text_content()
    assert past.cssselect(".event-media a")[0].get("href") == "https://videos.example.org/passe"
    live = events_site.html("events/en-cours/").cssselect("p.banner[data-live-badge]")[0]
    assert live.get("hidden") is None
    future = events_site.html("events/montreal/")
    assert future.cssselect("[data-ended-note]")[0].get("hidden") is not None
    assert future.cssselect("[data-hide-when-ended] a.button")[0].get("href") == \
        "https://forum.example.org/inscription"
    scripts = [s.get("src") for s in future.cssselect("script[src]")]
    assert any(s.endswith("theme/js/events.js") for s in scripts)
    assert events_site.path("theme/js/events.js").exists()


def test_hosts_and_speakers_are_member_cards(events_site):
    page = events_site.html("events/montreal/")
    hosts = page.get_element_by_id("event-hosts").getparent()
    speakers = page.get_element_by_id("event-speakers").getparent()
    assert [a.text_content() for a in hosts.cssselect("a.member-name")] == ["Alice Martin"]
    assert [a.get("href") for a in speakers.cssselect("a.member-name")] == \
        ["../../members/bruno-leroy/"]


def test_linked_forum_thread_is_shown(events_site):
    thread = events_site.html("events/montreal/").cssselect("section.forum-thread")[0]
    links = [a.get("href") for a in thread.cssselect("a")]
    assert any("/105" in link for link in links), links


def test_recurring_event_lists_next_sessions_and_skipped_dates(events_site):
    page = events_site.html("events/cafe/")
    sessions = [li.get("data-event-start") for li in page.cssselect(".event-sessions li")]
    assert sessions[:2] == ["2026-03-24T18:00:00+01:00", "2026-04-07T18:00:00+02:00"]
    assert "31 mars 2026" in page.cssselect(".event-sessions p.meta")[0].text_content()


def link_params(page, label):
    link = next(a for a in page.cssselect(".add-to-calendar a") if a.text_content() == label)
    return urlparse(link.get("href")), parse_qs(urlparse(link.get("href")).query)


def test_add_to_calendar_links_carry_utc_times(events_site):
    page = events_site.html("events/montreal/")
    google, params = link_params(page, "Google Agenda")
    assert google.netloc == "calendar.google.com"
    assert params["dates"] == ["20260325T170000Z/20260325T190000Z"]
    assert params["text"] == ["Visite du jardin Papineau"]
    assert "https://hub.example.org/events/montreal/" in params["details"][0]
    outlook, params = link_params(page, "Outlook.com")
    assert outlook.netloc == "outlook.live.com"
    assert (params["startdt"], params["enddt"]) == (["2026-03-25T17:00:00Z"],
                                                    ["2026-03-25T19:00:00Z"])
    assert params["location"][0].startswith("Jardin Papineau, 4500 avenue Papineau")
    assert page.cssselect(".add-to-calendar a")[0].get("href") == "../../events/montreal.ics"


def test_recurring_links_add_the_next_session(events_site):
    _, params = link_params(events_site.html("events/cafe/"), "Google Agenda")
    assert params["dates"] == ["20260324T170000Z/20260324T180000Z"]
    _, params = link_params(events_site.html("events/annule/"), "Outlook.com")
    assert params["subject"] == ["Annulé : Balade annulée"]
