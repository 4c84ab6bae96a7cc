"""Profiles aggregate what the site knows about a member: events, spotlights, articles, forum."""

from __future__ import annotations

import itertools


def section_links(page, section_id: str) -> list[str]:
    return [a.get("href") for a in page.cssselect(f"section[aria-labelledby={section_id}] a")]


def test_profile_lists_hosted_events(demo_site):
    page = demo_site.html("members/camille-roux/")
    assert "../../events/atelier-compost/" in section_links(page, "member-events")
    assert "en tant qu’hôte" in page.cssselect("section[aria-labelledby=member-events]")[
        0].text_content()


def test_profile_lists_spotlights_about_and_articles_by_the_member(demo_site):
    page = demo_site.html("members/hugo-lefebvre/")
    assert section_links(page, "spotlights") == ["../../blog/portrait-hugo-lefebvre/"]
    assert section_links(page, "articles-by") == ["../../blog/astuce-recuperer-eau/"]
    # newest first
    sofia = demo_site.html("members/sofia-martin/")
    assert section_links(sofia, "articles-by") == ["../../blog/astuce-semences/",
                                                   "../../blog/astuce-paillage/"]


def test_profile_shows_forum_activity_from_the_snapshot(demo_site):
    page = demo_site.html("members/sofia-martin/")
    forum = page.cssselect("section[aria-labelledby=on-the-forum]")[0]
    stats = dict(zip([dt.text_content() for dt in forum.cssselect("dt")],
                     [dd.text_content() for dd in forum.cssselect("dd")], strict=True))
    assert stats == {"Messages": "48", "J’aime reçus": "97",
                     "Dernière activité": "18 novembre 2026"}
    badges = [li.text_content() for li in forum.cssselect(".badges li")]
    assert "Bonne réponse" in badges and "Habitué" in badges
    assert "https://forum.jardiniers-du-partage.example/u/sofia.m" in section_links(
        page, "on-the-forum")


def test_profile_without_forum_data_has_no_forum_block(demo_site):
    page = demo_site.html("members/theo-dubois/")  # theo.d is not in the snapshot
    assert not page.cssselect("section[aria-labelledby=on-the-forum]")


def test_profile_header_and_personal_links(demo_site):
    page = demo_site.html("members/camille-roux/")
    assert page.cssselect("h1")[0].text_content() == "Camille Roux"
    assert "Membre depuis le 14 mars 2021" in page.cssselect(".member-header")[0].text_content()
    links = {a.get("href"): a.get("rel") for a in page.cssselect(".member-links a")}
    assert links == {"https://camille-roux.example": "me",
                     "https://jardins.social.example/@camille": "me",
                     "https://forum.jardiniers-du-partage.example/u/camille.r": "me"}


def test_spotlight_article_links_to_the_profile_and_home_shows_the_latest(demo_site):
    note = demo_site.html("blog/portrait-sofia-martin/").cssselect("aside.spotlight-note")[0]
    assert "../../members/sofia-martin/" in [a.get("href") for a in note.cssselect("a")]
    card = demo_site.html("").cssselect(".home-members .spotlight-card")[0]
    hrefs = [a.get("href") for a in card.cssselect("a")]
    assert hrefs == ["./blog/portrait-amina-diallo/", "./members/amina-diallo/"]


def test_the_author_page_is_the_member_profile(demo_site):
    byline = demo_site.html("blog/astuce-outils/").cssselect("a[rel=author]")[0]
    assert byline.get("href") == "../../members/louis-garnier/"
    assert byline.text_content() == "Louis Garnier"
    assert not (demo_site.output / "author").exists()


def test_profile_pages_have_one_h1_and_ordered_headings(demo_site):
    for folder in sorted((demo_site.output / "members").iterdir()):
        if not folder.is_dir():
            continue
        main = demo_site.html(f"members/{folder.name}/").get_element_by_id("main")
        levels = [int(h.tag[1]) for h in main.iter("h1", "h2", "h3", "h4")]
        assert levels[0] == 1 and levels.count(1) == 1, folder.name
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), folder.name


def test_a_profile_translation_is_published_beside_the_original(edge_site):
    assert not [e for e in edge_site.state.log.errors if "camille-roux-en.md" in e]
    english = edge_site.html("en/members/camille-roux/")
    assert english.get("lang") == "en"
    assert "Croix-Rousse shared garden" in english.get_element_by_id("main").text_content()
    # the same resized avatar serves both languages
    assert english.cssselect(".member-header img")[0].get("src") == (
        "../../../members/camille-roux/avatar-96.webp")
    french = edge_site.html("members/camille-roux/")
    assert [a.get("href") for a in french.cssselect(".translations a")] == [
        "../../en/members/camille-roux/"]


def test_recurring_event_stays_upcoming_on_the_hosts_profile(demo_site):
    # the weekly café started in October; on the demo's "today" (20 Nov) it still has dates
    page = demo_site.html("members/amina-diallo/")
    section = page.cssselect("section[aria-labelledby=member-events]")[0]
    upcoming = section.cssselect("h3 + ul")[0]
    assert section.cssselect("h3")[0].text_content() == "À venir"
    links = [a.get("href") for a in upcoming.cssselect("a")]
    assert "../../events/cafe-des-jardiniers/" in links
    item = next(li for li in upcoming.cssselect("li") if "cafe-des-jardiniers" in
                li.cssselect("a")[0].get("href"))
    assert item.cssselect("time")[0].get("datetime").startswith("2026-11-24")


def test_spotlight_without_series_joins_the_spotlight_series(edge_site):
    # spot-sam.md names no series; series.yml marks portrait-du-mois as the spotlights'
    note = edge_site.html("blog/spot-sam/").cssselect("p.series-note")
    assert note and "Le portrait du mois" in note[0].text_content()
