"""What a visitor does with the demo in a real browser: search, read a stale page, print.

The demo is built on 20 November 2026 (``DEMO_NOW``); the browser's clock is set
later where a test says so, as when a visitor opens a page not rebuilt since.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from tests.chromium import serve

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TWO_WEEKS_LATER = datetime.fromisoformat("2026-12-04T10:00:00+01:00")
FIVE_DAYS_LATER = datetime.fromisoformat("2026-11-25T10:00:00+01:00")
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""
SEARCH = """async ([bundle, query, filters]) => {
  const pagefind = await import(bundle + "pagefind.js");
  const found = await pagefind.search(query, {filters});
  return Promise.all(found.results.map(async r => {
    const data = await r.data();
    return {url: data.url, title: data.meta.title, type: data.filters.type,
            lang: data.filters.lang};
  }));
}"""


def titles(tab, selector):
    return [t.strip() for t in tab.locator(selector).all_inner_texts()]


# --- listings that stay right -------------------------------------------------------------

@pytest.mark.parametrize(("when", "expected"), [
    # the 3 December webinar, the 28 November party and the café of 24 November have passed;
    # the café's session of 8 December takes its place
    (TWO_WEEKS_LATER, ["Atelier compost collectif", "Le café des jardiniers (en ligne)",
                       "AMA : l'irrigation au goutte-à-goutte"]),
    # only the café of 24 November has passed: the two others move up, the next café comes in
    (FIVE_DAYS_LATER, ["Fête des récoltes", "Le café des jardiniers (en ligne)",
                       "Webinaire : la permaculture pour débuter"]),
], ids=["two weeks later", "five days later"])
def test_home_read_after_its_build_shows_three_upcoming_events_without_shift(
        browser, served_demo, when, expected):
    context = browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.clock.set_fixed_time(when)
    # a slow script: the page must not be painted before the listing is corrected
    tab.route("**/events.js", lambda route: (time.sleep(0.5), route.continue_()))
    tab.goto(served_demo + "/")
    assert titles(tab, "[data-upcoming] li.event-item:visible h3") == expected
    assert tab.evaluate(LAYOUT_SHIFT) == 0
    assert not errors
    context.close()


def test_home_on_its_build_day_shows_the_builds_listing(browser, served_demo):
    context = browser.new_context(timezone_id="Europe/Paris")
    tab = context.new_page()
    tab.clock.set_fixed_time(datetime.fromisoformat("2026-11-20T10:00:00+01:00"))
    tab.goto(served_demo + "/")
    assert titles(tab, "[data-upcoming] li.event-item:visible h3") == [
        "Le café des jardiniers (en ligne)", "Fête des récoltes",
        "Webinaire : la permaculture pour débuter"]
    context.close()


# --- search -------------------------------------------------------------------------------

def search_page(browser, served_demo, query):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{served_demo}/search/?q={query}")
    tab.wait_for_selector("[data-search-results] li")
    return context, tab


def test_search_finds_a_known_article_and_filters_by_type(browser, served_demo):
    context, tab = search_page(browser, served_demo, "grainothèque")
    links = tab.locator("[data-search-results] li a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h.endswith("/blog/astuce-semences/") for h in hrefs), hrefs
    assert any("/events/" in h for h in hrefs), "the query also finds events"
    tab.get_by_label("Événements", exact=True).check()
    tab.wait_for_function("!location.search.includes('type=') ? false : "
                          "[...document.querySelectorAll('[data-search-results] li a')]"
                          ".every(a => a.href.includes('/events/'))")
    assert "type=event" in tab.url
    hrefs = [a.get_attribute("href") for a in tab.locator("[data-search-results] li a").all()]
    assert hrefs and all("/events/" in h for h in hrefs)
    context.close()


def test_index_holds_content_types_and_languages_never_drafts_or_withheld_members(
        browser, served_demo):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(served_demo + "/search/")
    bundle = served_demo + "/pagefind/"
    found = tab.evaluate(SEARCH, [bundle, "jardin", {}])
    assert {r["type"][0] for r in found} == {"article", "event", "member", "page"}
    english = tab.evaluate(SEARCH, [bundle, "charter", {"lang": "en"}])
    assert english and all(r["lang"] == ["en"] for r in english)
    assert any(r["url"].endswith("/en/charter/") for r in english)
    members = tab.evaluate(SEARCH, [bundle, "Marc Petit", {"type": "member"}])
    assert members == []  # no consent: no page, nothing indexed
    draft = tab.evaluate(SEARCH, [bundle, "planifier", {}])
    assert not [r for r in draft if "planifier" in r["url"]]  # the draft is not indexed
    listings = tab.evaluate(SEARCH, [bundle, "événements", {}])
    assert not [r for r in listings if r["url"] in ("/", "/events/", "/blog/", "/members/")]
    context.close()


def test_a_sharded_index_searches_every_shard(page, sharded_site):
    with serve(sharded_site.output) as url:
        page.goto(f"{url}/search/?q=numéro")
        page.wait_for_selector("[data-search-results] li")
        # each shard holds 20 of the 60 articles: all are found only if all are merged
        assert page.locator("[data-search-status]").inner_text() == "60 résultats"
        page.goto(f"{url}/search/?q=59")
        page.wait_for_selector("[data-search-results] li")
        first = page.locator("[data-search-results] li a").first.get_attribute("href")
        assert first == "/blog/a59/"  # the best match, from whichever shard holds it
    assert page.js_errors == []


def test_header_search_box_submits_to_the_search_page(browser, served_demo):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(served_demo + "/blog/")
    assert not tab.locator(".search-link").is_visible()
    box = tab.get_by_role("searchbox", name="Rechercher sur le site")
    box.fill("compost")
    box.press("Enter")
    tab.wait_for_selector("[data-search-results] li")
    assert "/search/?q=compost" in tab.url
    context.close()


def test_an_english_page_searches_from_the_english_search_page(browser, served_demo):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(served_demo + "/en/events/")
    box = tab.get_by_role("searchbox", name="Search the site")
    box.fill("charter")
    box.press("Enter")
    tab.wait_for_selector("[data-search-results] li")
    assert "/en/search/?q=charter" in tab.url
    assert tab.locator("html").get_attribute("lang") == "en"
    assert tab.get_by_role("heading", level=1).inner_text() == "Search"
    hrefs = [a.get_attribute("href") for a in tab.locator("[data-search-results] li a").all()]
    assert any(h.endswith("/en/charter/") for h in hrefs), hrefs
    context.close()


def test_without_javascript_the_search_box_is_a_link(browser, served_demo):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(served_demo + "/blog/")
    assert not tab.locator(".site-search").is_visible()
    link = tab.locator(".search-link")
    assert link.is_visible() and link.get_attribute("href").endswith("search/")
    context.close()


# --- print --------------------------------------------------------------------------------

def printed(browser, served_demo, url):
    context = browser.new_context()
    tab = context.new_page()
    tab.emulate_media(media="print")
    tab.goto(served_demo + url)
    return context, tab


def test_event_page_prints_its_details_without_the_sites_chrome(browser, served_demo):
    context, tab = printed(browser, served_demo, "/events/conference-jardins-montreal/")
    for chrome in (".site-header nav", ".site-footer", ".site-search", ".add-to-calendar"):
        assert not tab.locator(chrome).is_visible(), chrome
    assert tab.locator(".event-facts").is_visible()
    assert tab.locator(".event-facts dd").first.is_visible()
    after = tab.evaluate("""() => getComputedStyle(
        document.querySelector('main a[href^="http"]'), '::after').content""")
    assert "http" in after  # the address of a link is printed after it
    context.close()


def test_charter_prints_numbered_rules_kept_with_their_text(browser, served_demo):
    context, tab = printed(browser, served_demo, "/charter/")
    assert not tab.locator(".site-footer").is_visible()
    rules = tab.locator("h2.rule")
    assert rules.count() == 8 and rules.first.inner_text().startswith("Règle 1")
    keep = tab.evaluate("""() => {
        const rule = document.querySelector('h2.rule');
        return [getComputedStyle(rule).breakAfter,
                getComputedStyle(rule.nextElementSibling).breakInside]; }""")
    assert keep == ["avoid", "avoid"]
    context.close()
