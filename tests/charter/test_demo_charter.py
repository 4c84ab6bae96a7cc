"""The demo's charter, onboarding and charter links, as a visitor reads them."""

from __future__ import annotations

import json

from tests.charter.helpers import site_path

FORUM = "https://forum.jardiniers-du-partage.example"


def test_charter_shows_version_effective_date_and_summary(demo_site):
    page = demo_site.html("charter/")
    article = page.cssselect("article.charter")[0]
    assert article.get("data-charter-version") == "2.1"
    meta = article.cssselect("header .meta")[0].text_content()
    assert "2.1" in meta and "1 octobre 2026" in meta
    summary = article.cssselect(".charter-summary")[0].text_content()
    assert "parlez des idées et jamais des personnes" in summary


def test_rules_have_number_anchors_visible_links_and_a_table_of_contents(demo_site):
    page = demo_site.html("charter/")
    rules = page.cssselect(".entry-content .rule")
    assert [r.get("id") for r in rules] == [f"rule-{n}" for n in range(1, 9)]
    for rule in rules:
        link = rule.cssselect("a.rule-link")[0]
        assert link.get("href") == "#" + rule.get("id")
        assert link.text_content().strip().startswith(f"Règle {rule.get('data-rule')} —")
    toc = [a.get("href") for a in page.cssselect("nav.charter-toc a")]
    assert toc[:8] == [f"#rule-{n}" for n in range(1, 9)]
    assert "#charter-contacts-title" in toc and "#charter-history-title" in toc
    for href in toc:
        assert page.cssselect(href), f"table of contents points at a missing {href}"


def test_reporting_contacts_are_listed(demo_site):
    contacts = demo_site.html("charter/").cssselect(".charter-contacts li")
    hrefs = {a.get("href") for li in contacts for a in li.cssselect("a")}
    assert "mailto:moderation@jardiniers-du-partage.example" in hrefs
    assert any("112" in li.text_content() for li in contacts)


def test_change_history_renders_with_previous_versions_readable(demo_site):
    page = demo_site.html("charter/")
    rows = page.cssselect(".charter-history tbody tr")
    assert [r.get("data-version") for r in rows] == ["2.1", "2.0", "1.0"]
    assert "in-force" in rows[0].get("class")
    assert "Règle 5" in rows[0].text_content()
    assert rows[2].cssselect("time")[0].get("datetime") == "2024-03-15"
    for row in rows[1:]:
        href = row.cssselect("th a")[0].get("href")
        target = site_path(href, "charter/")
        assert target == f"charter/v/{row.get('data-version')}/"
        old = demo_site.html(target)
        assert old.cssselect("article.charter-archived")
        back = old.cssselect(".banner a[data-charter-link]")[0].get("href")
        assert site_path(back, target) == "charter/"
        assert old.cssselect('meta[name="robots"][content="noindex"]')
    assert "Règle 6 — Pas de publicité" in demo_site.text("charter/v/2.0/")


def test_charter_and_onboarding_exist_in_both_languages_linked_by_hreflang(demo_site):
    for url, english in (("charter/", "en/charter/"), ("onboarding/", "en/onboarding/"),
                         ("charter/moderation/", "en/charter/moderation/")):
        french_page, english_page = demo_site.html(url), demo_site.html(english)
        assert french_page.get("lang") == "fr" and english_page.get("lang") == "en"
        alternates = {link.get("hreflang"): site_path(link.get("href"), url)
                      for link in french_page.cssselect('link[rel="alternate"][hreflang]')}
        assert alternates == {"fr": url, "en": english, "x-default": url}
        back = {link.get("hreflang"): site_path(link.get("href"), english)
                for link in english_page.cssselect('link[rel="alternate"][hreflang]')}
        assert back == {"fr": url, "en": english, "x-default": url}
    english = demo_site.html("en/charter/")
    assert "Rule 3 — Share what you know" in english.text_content()
    assert english.cssselect(".entry-content #rule-3")
    # earlier versions exist in French only: the English history links them
    older = english.cssselect('.charter-history tr[data-version="2.0"] th a')[0]
    assert site_path(older.get("href"), "en/charter/") == "charter/v/2.0/"


def test_every_page_footer_links_the_charter_in_force(demo_site):
    pages = demo_site.pages()
    assert len(pages) > 20
    for file in pages:
        url = str(file.relative_to(demo_site.output))
        page_url = url[: -len("index.html")] if url.endswith("index.html") else url
        html = demo_site.html(url)
        links = html.cssselect("footer a[data-charter-link]")
        assert links, f"{url}: no charter link in the footer"
        expected = "en/charter/" if html.get("lang") == "en" else "charter/"
        assert site_path(links[0].get("href"), page_url) == expected, url


def test_every_event_page_says_it_follows_the_charter(demo_site):
    event_pages = [p for p in (demo_site.output / "events").glob("*/index.html")
                   if p.parent.name != "past"]
    assert event_pages
    for file in event_pages:
        url = str(file.relative_to(demo_site.output))
        note = demo_site.html(url).cssselect(".charter-note a[data-charter-link]")
        assert note, f"{url}: no charter note"
        assert site_path(note[0].get("href"), url[: -len("index.html")]) == "charter/"


def test_onboarding_links_charter_forum_introductions_events_and_subscriptions(demo_site):
    page = demo_site.html("onboarding/")
    steps = [li.get("data-step") for li in page.cssselect("ol.onboarding-path > li")]
    assert steps[:5] == ["charter", "introduce", "events", "people", "subscribe"]
    charter = page.cssselect("#step-charter")[0]
    assert "jamais des personnes" in charter.text_content()
    assert site_path(charter.cssselect("a[data-charter-link]")[0].get("href"),
                     "onboarding/") == "charter/"
    intro = page.cssselect("a[data-forum-introductions]")[0].get("href")
    assert intro == FORUM + "/c/presentations/5"
    upcoming = page.cssselect("#step-events .event-item h3 a")
    assert upcoming, "no upcoming event suggested"
    for link in upcoming:
        target = site_path(link.get("href"), "onboarding/")
        assert target.startswith("events/") and demo_site.path(target).exists()
    subscribe = {site_path(a.get("href"), "onboarding/")
                 for a in page.cssselect("#step-subscribe a")}
    assert {"newsletter/", "events/calendar.ics", "feeds/all.atom.xml"} <= subscribe
    contribute = page.cssselect("#step-contribute a")[0]
    assert site_path(contribute.get("href"), "onboarding/") == "contribute/"
    assert "pull request" in demo_site.text("contribute/")


def test_english_onboarding_uses_the_english_charter_and_pages(demo_site):
    page = demo_site.html("en/onboarding/")
    charter = page.cssselect("#step-charter")[0]
    assert "never people" in charter.text_content()
    assert site_path(charter.cssselect("a[data-charter-link]")[0].get("href"),
                     "en/onboarding/") == "en/charter/"
    assert site_path(page.cssselect("#step-contribute a")[0].get("href"),
                     "en/onboarding/") == "en/contribute/"
    assert page.cssselect("#step-charter h2")[0].text_content() == "Read our charter"
    assert demo_site.html("onboarding/").cssselect("#step-charter h2")[0].text_content() == (
        "Lisez notre charte")


def test_demo_translations_are_up_to_date(demo_site):
    report = json.loads((demo_site.output / "build.json").read_text())
    assert not [w for w in report["warnings"] if "translation" in w]
