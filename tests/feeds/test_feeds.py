"""Feeds: every file parses, Atom validates against RFC 4287, ids never move, pages link them."""

from __future__ import annotations

import shutil
import textwrap
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import lxml.etree
import pytest
import rnc2rng

from agora.feeds import moved_path
from agora.feeds.model import Entry, Feed
from agora.feeds.render import XML_LANG, render
from tests.conftest import REPO, Site, build, write_files

PUBLIC = "https://jardiniers-du-partage.example"
ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = REPO / "tests" / "fixtures" / "atom" / "rfc4287.rnc"


@cache
def atom_schema() -> lxml.etree.RelaxNG:
    # rnc2rng writes the RFC's `namespace local = ""` as an empty prefix declaration,
    # which XML forbids; the declaration is not needed for `local:*` (nsName ns="").
    xml = rnc2rng.dumps(rnc2rng.load(str(SCHEMA))).replace(' xmlns:local=""', "")
    return lxml.etree.RelaxNG(lxml.etree.fromstring(xml.encode("utf-8")))


def feed_files(site: Site) -> list[Path]:
    """Every feed of every language (``feeds/``, ``en/feeds/``...) and the OPML."""
    folders = [site.output / "feeds", *site.output.glob("*/feeds")]
    return sorted(p for folder in folders for p in folder.rglob("*")
                  if p.suffix == ".xml" or p.suffix == ".opml")


def parsed(site: Site, relative: str) -> feedparser.FeedParserDict:
    return feedparser.parse((site.output / relative).read_bytes())


def test_every_feed_parses_and_every_atom_feed_is_valid_rfc_4287(demo_site):
    files = [p for p in feed_files(demo_site) if p.suffix == ".xml"]
    assert len(files) > 30  # all, rss, categories, tags, series, members, events, forum...
    for path in files:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        if path.name.endswith(".atom.xml"):
            document = lxml.etree.parse(str(path))
            assert atom_schema().validate(document), (path, atom_schema().error_log)


def test_the_schema_check_can_fail():
    missing_id = lxml.etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>2026-11-20T10:00:00Z</updated></feed>")
    assert not atom_schema().validate(missing_id)


def test_blog_feed_has_absolute_links_authors_categories_and_language(demo_site):
    feed = parsed(demo_site, "feeds/all.atom.xml")
    assert feed.feed.language == "fr"
    assert feed.feed.link == f"{PUBLIC}/blog/"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{PUBLIC}/feeds/all.atom.xml"]
    assert len(feed.entries) == 13  # every published article; the scheduled one waits
    entry = next(e for e in feed.entries if e.link == f"{PUBLIC}/blog/astuce-semences/")
    assert entry.id == f"{PUBLIC}/blog/astuce-semences/"
    assert entry.author == "Sofia Martin"
    assert {t.term for t in entry.tags} >= {"Astuces", "semences"}
    assert entry.summary and "<p>" in entry.content[0].value
    content = " ".join(e.content[0].value for e in feed.entries)
    hrefs = lxml.etree.HTML(f"<div>{content}</div>").xpath("//@href | //@src")
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs)
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)  # newest first


def test_rss_feed_is_the_same_articles(demo_site):
    atom = parsed(demo_site, "feeds/all.atom.xml")
    rss = parsed(demo_site, "feeds/all.rss.xml")
    assert rss.version == "rss20"
    assert [e.link for e in rss.entries] == [e.link for e in atom.entries]
    assert rss.entries[0].get("author") or rss.entries[0].get("dc_creator")


def test_category_tag_series_and_member_feeds(demo_site):
    series = parsed(demo_site, "feeds/series/astuces-du-mardi.atom.xml")
    assert series.entries and all("/blog/astuce-" in e.link for e in series.entries)
    category = parsed(demo_site, "feeds/astuces.atom.xml")
    assert {e.link for e in category.entries} == {e.link for e in series.entries}
    tag = parsed(demo_site, "feeds/tag/semences.atom.xml")
    assert f"{PUBLIC}/blog/astuce-semences/" in [e.link for e in tag.entries]
    member = parsed(demo_site, "feeds/author/sofia-martin.atom.xml")
    assert member.entries and all(e.author == "Sofia Martin" for e in member.entries)
    assert member.feed.link == f"{PUBLIC}/members/sofia-martin/"


def test_no_feed_for_members_without_consent(demo_site):
    withheld = demo_site.state.hub.members.withheld_slugs
    assert withheld  # the demo has profiles without consent
    for slug in withheld:
        assert not (demo_site.output / "feeds" / "author" / f"{slug}.atom.xml").exists()


def test_events_feed_is_upcoming_soonest_first_with_calendar_links(demo_site):
    feed = parsed(demo_site, "feeds/events.atom.xml")
    upcoming = demo_site.state.hub.events.upcoming
    assert [e.link for e in feed.entries] == [f"{PUBLIC}/{o.url}" for o in upcoming]
    assert len(feed.entries) >= 5
    cafe = next(e for e in feed.entries if "/events/cafe-des-jardiniers/" in e.link)
    next_session = next(o for o in upcoming if o.slug == "cafe-des-jardiniers").start
    assert f"{next_session.day} " in cafe.title and "18:00" in cafe.title  # its next session
    assert "UTC+01:00" in cafe.content[0].value
    assert [link.href for link in cafe.links if link.rel == "related"] == [
        f"{PUBLIC}/events/cafe-des-jardiniers.ics"]
    cancelled = next(e for e in feed.entries if "/events/balade-jardins-nantes/" in e.link)
    assert cancelled.title.startswith("Annulé")


def test_forum_feed_is_the_hot_threads_linking_to_the_forum(demo_site):
    feed = parsed(demo_site, "feeds/forum.atom.xml")
    hot = demo_site.state.hub.forum.hot(20)
    assert len(hot) >= 5
    assert [e.link for e in feed.entries] == [str(t["url"]) for t in hot]
    assert all(e.link.startswith("https://forum.jardiniers-du-partage.example/t/")
               for e in feed.entries)


def test_newsletter_feed_is_valid(demo_site):
    feed = parsed(demo_site, "feeds/newsletter.atom.xml")
    assert feed.bozo == 0
    assert feed.feed.link == f"{PUBLIC}/newsletter/"


def test_the_english_newsletter_feed_carries_the_english_editions(demo_site):
    french = parsed(demo_site, "feeds/newsletter.atom.xml")
    english = parsed(demo_site, "en/feeds/newsletter.atom.xml")
    assert english.bozo == 0 and english.feed.link == f"{PUBLIC}/en/newsletter/"
    assert len(english.entries) == len(french.entries) == 3
    assert english.entries[0].title.startswith("The Gardeners' letter — November")
    assert all(e.link.startswith(f"{PUBLIC}/en/newsletter/") for e in english.entries)
    assert not {e.id for e in english.entries} & {e.id for e in french.entries}


def test_ids_are_unique_and_the_same_in_a_production_build(demo_site, published_demo):
    for path in feed_files(demo_site):
        if path.suffix != ".xml":
            continue
        local = feedparser.parse(path.read_bytes())
        ids = [e.id for e in local.entries]
        assert len(ids) == len(set(ids)), path
        production = feedparser.parse((published_demo.output / path.relative_to(
            demo_site.output)).read_bytes())
        assert [e.id for e in production.entries] == ids, path
        assert production.feed.get("id") == local.feed.get("id")


def test_the_feeds_page_and_opml_list_every_feed(demo_site):
    written = {p.relative_to(demo_site.output).as_posix() for p in feed_files(demo_site)
               if p.suffix == ".xml"}
    opml = ElementTree.parse(demo_site.output / "feeds" / "agora.opml")
    listed = {o.get("xmlUrl")[len(PUBLIC) + 1:] for o in opml.iter("outline")
              if o.get("xmlUrl")}
    assert written <= listed
    assert {"events/calendar.ics"} <= listed  # calendars too
    page = demo_site.html("feeds/")
    shown = {field.get("value") for field in page.cssselect("input[data-copy]")}
    assert {f"{PUBLIC}/{path}" for path in written} <= shown


def listed_feeds(page) -> tuple[list[str], dict[str, list[str]]]:
    """The feeds a /feeds/ page lists first, and those it folds by language (addresses)."""
    def addresses(element) -> list[str]:
        return [field.get("value")[len(PUBLIC) + 1:]
                for field in element.cssselect("input[data-copy]")]
    first = [path for section in page.cssselect("main section")
             if section.get("aria-labelledby") != "feeds-other-languages"
             for path in addresses(section)]
    folded = {details.cssselect("summary span")[0].get("lang"): addresses(details)
              for details in page.cssselect("#feeds-other-languages ~ details")}
    return first, folded


def test_the_feeds_page_lists_its_languages_versions_first(demo_site):
    french_first, french_folded = listed_feeds(demo_site.html("feeds/"))
    english_first, english_folded = listed_feeds(demo_site.html("en/feeds/"))
    for first, folded in ((french_first, french_folded), (english_first, english_folded)):
        every = first + [path for paths in folded.values() for path in paths]
        assert len(every) == len(set(every)), "each feed once"
        assert set(every) == set(french_first) | set(english_first)
    assert list(french_folded) == ["en"] and list(english_folded) == ["fr"]
    assert {"feeds/all.atom.xml", "feeds/astuces.atom.xml", "feeds/events.atom.xml",
            "feeds/forum.atom.xml"} <= set(french_first)
    assert not [path for path in french_first if path.startswith("en/")]
    assert {"feeds/all-en.atom.xml", "en/feeds/astuces.atom.xml",
            "en/feeds/events.atom.xml"} <= set(french_folded["en"])
    # in English: the English versions, and the feeds that have none (the forum's)
    assert {"feeds/all-en.atom.xml", "en/feeds/astuces.atom.xml", "en/feeds/events.atom.xml",
            "feeds/forum.atom.xml", "feeds/author/camille-roux.atom.xml"} <= set(english_first)
    assert {"feeds/all.atom.xml", "feeds/astuces.atom.xml"} <= set(english_folded["fr"])
    assert len(english_first) == len(french_first)


@pytest.mark.parametrize(("url", "expected"), [
    ("blog/", {"feeds/all.atom.xml", "feeds/all.rss.xml"}),
    ("category/astuces/", {"feeds/astuces.atom.xml"}),
    ("tag/semences/", {"feeds/tag/semences.atom.xml"}),
    ("blog/astuce-semences/", {"feeds/series/astuces-du-mardi.atom.xml",
                               "feeds/astuces.atom.xml"}),
    ("events/", {"feeds/events.atom.xml", "events/calendar.ics"}),
    ("events/cafe-des-jardiniers/", {"feeds/events.atom.xml",
                                     "events/cafe-des-jardiniers.ics"}),
    ("members/sofia-martin/", {"feeds/author/sofia-martin.atom.xml"}),
    ("forum/", {"feeds/forum.atom.xml"}),
    ("newsletter/", {"feeds/newsletter.atom.xml"}),
    ("en/newsletter/", {"en/feeds/newsletter.atom.xml"}),
    ("en/events/", {"en/feeds/events.atom.xml", "en/events/calendar.ics"}),
    ("en/category/astuces/", {"en/feeds/astuces.atom.xml"}),
    ("en/tag/paillage/", {"en/feeds/tag/paillage.atom.xml"}),
    ("en/blog/astuce-paillage/", {"en/feeds/astuces.atom.xml",
                                  "en/feeds/series/astuces-du-mardi.atom.xml"}),
    ("en/members/sofia-martin/", {"en/feeds/author/sofia-martin.atom.xml"}),
])
def test_each_page_advertises_its_feeds(demo_site, url, expected):
    links = demo_site.html(url).cssselect('head link[rel="alternate"][type]')
    advertised = {site_path(link.get("href")) for link in links}
    assert expected <= advertised, advertised


def test_category_tag_and_series_feeds_in_english_follow_the_english_listings(demo_site):
    english, french = parsed(demo_site, "en/feeds/astuces.atom.xml"), parsed(
        demo_site, "feeds/astuces.atom.xml")
    assert english.feed.title.endswith("Category: Tips") and english.feed.language == "en"
    assert len(english.entries) == len(french.entries)
    links = [e.link for e in english.entries]
    assert f"{PUBLIC}/en/blog/astuce-paillage/" in links
    assert f"{PUBLIC}/blog/astuce-paillage/" not in links
    tagged = parsed(demo_site, "en/feeds/tag/paillage.atom.xml")
    assert tagged.feed.title.endswith("Tag: mulching")
    series = parsed(demo_site, "en/feeds/series/astuces-du-mardi.atom.xml")
    assert series.feed.title.endswith("Tuesday tips")
    assert [e.link for e in series.entries] == links
    # the translation is in the feed's language; an untranslated original says it is French
    entries = lxml.etree.parse(str(demo_site.output / "en/feeds/astuces.atom.xml")).findall(
        f"{ATOM}entry")
    languages = {entry.find(f"{ATOM}link").get("href"): entry.get(XML_LANG)
                 for entry in entries}
    assert languages.pop(f"{PUBLIC}/en/blog/astuce-paillage/") is None
    assert set(languages.values()) == {"fr"}
    assert not any(entry.get(XML_LANG) for entry in lxml.etree.parse(
        str(demo_site.output / "feeds/astuces.atom.xml")).iter(f"{ATOM}entry"))


def test_a_member_has_a_feed_in_each_language_of_their_profiles(demo_site):
    english = parsed(demo_site, "en/feeds/author/sofia-martin.atom.xml")
    assert english.feed.title.endswith("Articles by Sofia Martin")
    assert english.feed.link == f"{PUBLIC}/en/members/sofia-martin/"
    french = parsed(demo_site, "feeds/author/sofia-martin.atom.xml")
    assert len(english.entries) == len(french.entries)
    assert f"{PUBLIC}/en/blog/astuce-paillage/" in [e.link for e in english.entries]
    # Camille's profile is French only: so is her feed
    assert demo_site.path("feeds/author/camille-roux.atom.xml").exists()
    assert not (demo_site.output / "en/members/camille-roux").exists()
    assert not demo_site.path("en/feeds/author/camille-roux.atom.xml").exists()


def test_a_feed_in_another_language_moves_within_its_language_folder():
    when = datetime(2026, 11, 1, tzinfo=UTC)
    feed = Feed("category:events:en", "blog", "t", "", "en/feeds/events.atom.xml",
                "en/category/events/", "en")
    assert moved_path(feed) == "en/feeds/category/events.atom.xml"
    default = Feed("tag:events:rss", "blog", "t", "", "feeds/events.rss.xml", "tag/events/",
                   "fr", "rss", (Entry("i", "t", "u", when, when),))
    assert moved_path(default) == "feeds/tag/events.rss.xml"


def site_path(href: str) -> str:
    """A link of a page built with relative URLs, as a path from the site root."""
    while href.startswith(("./", "../")):
        href = href.split("/", 1)[1]
    return href


ARTICLE = """
    ---
    title: "{title}"
    date: 2026-11-01T10:00
    category: Events
    ---
    Texte avec une <img src="/images/x.png" alt="x"> image.
    """
# Pelican's native metadata: YAML would refuse the control character before a feed sees it.
HOSTILE = (
    "Title: Contrôle \x0b ]]> fin 🌱 <b>gras</b>\nDate: 2026-11-01 10:00\nCategory: Events\n"
    "Slug: bord\n\nUn saut \x0c de page, ]]> et <![CDATA[ ici. 🌻\n")


@pytest.fixture(scope="module")
def edge_feeds(tmp_path_factory):
    def site(name: str, title: str | None, **override) -> Site:
        root = tmp_path_factory.mktemp(name)
        write_files(root / "content", {
            "articles/deux.md": ARTICLE.format(title="Deux").replace("11-01", "11-02"),
            "articles/trois.md": ARTICLE.format(title="Trois").replace("11-01", "11-03"),
        })
        write_files(root / "content", {"images/x.png": "PNG"})  # the image the text shows
        bord = root / "content" / "articles" / "bord.md"
        bord.write_text(HOSTILE if title is None else textwrap.dedent(
            ARTICLE.format(title=title)).lstrip(), encoding="utf-8")
        return build(root, **override)

    hostile = site("hostile", None)
    renamed = site("renamed", "Un tout autre titre")
    limited = site("limited", "Bord", FEED_MAX_ITEMS=2)
    return hostile, renamed, limited


def test_any_text_gives_valid_xml(edge_feeds):
    hostile, _, _ = edge_feeds
    feed = parsed(hostile, "feeds/all.atom.xml")
    assert feed.bozo == 0
    entry = next(e for e in feed.entries if e.link.endswith("/blog/bord/"))
    assert " ".join(entry.title.split()) == "Contrôle ]]> fin 🌱 gras"
    assert "]]&gt;" in entry.content[0].value and "🌻" in entry.content[0].value
    assert atom_schema().validate(lxml.etree.parse(str(hostile.output / "feeds/all.atom.xml")))


def test_ids_survive_a_title_change(edge_feeds):
    hostile, renamed, _ = edge_feeds
    before = {e.link: e.id for e in parsed(hostile, "feeds/all.atom.xml").entries}
    after = {e.link: e.id for e in parsed(renamed, "feeds/all.atom.xml").entries}
    assert before == after


def test_entry_count_is_a_setting(edge_feeds):
    _, _, limited = edge_feeds
    assert len(parsed(limited, "feeds/all.atom.xml").entries) == 2


def test_a_category_named_like_a_feed_does_not_replace_it(edge_feeds):
    hostile, _, _ = edge_feeds
    events = parsed(hostile, "feeds/events.atom.xml")
    assert events.feed.title.endswith("Événements à venir")
    moved = parsed(hostile, "feeds/category/events.atom.xml")
    assert len(moved.entries) == 3
    assert any("feeds/category/events.atom.xml" in w for w in hostile.state.warnings)


def test_a_cancelled_event_is_updated_not_duplicated(tmp_path):
    event = """
        ---
        title: Atelier greffe
        date: 2026-11-01T09:00
        start: 2026-12-12T14:00
        {extra}
        ---
        Venez.
        """
    feeds = []
    for name, extra in (("before", ""), ("after", "status: cancelled\n        "
                                                  "modified: 2026-11-18T10:00")):
        write_files(tmp_path / name / "content", {"events/greffe.md": event.format(extra=extra)})
        feeds.append(parsed(build(tmp_path / name), "feeds/events.atom.xml"))
    before, after = feeds
    [old], [new] = before.entries, after.entries
    assert new.id == old.id
    assert datetime(*new.updated_parsed[:6]) > datetime(*old.updated_parsed[:6])
    assert new.title.startswith("Annulé") and not old.title.startswith("Annulé")


def test_per_language_feeds_when_the_site_has_translations(tmp_path):
    shutil.copytree(REPO / "content" / "members", tmp_path / "content" / "members")
    write_files(tmp_path / "content", {
        "articles/bonjour.md": """
            ---
            title: Bonjour
            date: 2026-11-01T10:00
            ---
            Texte.
            """,
        "articles/hello.md": """
            ---
            title: Hello
            slug: bonjour
            lang: en
            date: 2026-11-01T10:00
            ---
            Text.
            """,
    })
    site = build(tmp_path)
    english = parsed(site, "feeds/all-en.atom.xml")
    assert english.feed.language == "en" and [e.title for e in english.entries] == ["Hello"]
    assert [e.title for e in parsed(site, "feeds/all.atom.xml").entries] == ["Bonjour"]
    assert atom_schema().validate(lxml.etree.parse(str(site.output / "feeds/all-en.atom.xml")))


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_an_entry_in_another_language_than_its_feed_says_so(fmt):
    when = datetime(2026, 11, 1, tzinfo=UTC)
    entries = tuple(Entry(f"{PUBLIC}/{n}", n, f"{PUBLIC}/{n}/", when, when, lang=lang)
                    for n, lang in (("hello", "en"), ("bonjour", "fr"), ("sans", "")))
    feed = Feed("all", "blog", "t", "d", "feeds/all.xml", "blog/", "fr", fmt, entries)
    parsed_back = feedparser.parse(render(feed, lambda p: f"{PUBLIC}/{p}", str, when))
    assert parsed_back.bozo == 0
    if fmt == "atom":  # xml:lang, inherited from the feed where the entry has none
        assert [e.title_detail.language for e in parsed_back.entries] == ["en", "fr", "fr"]
    else:  # dc:language
        assert [e.get("language") for e in parsed_back.entries] == ["en", None, None]
