"""Interface strings, dates and languages: catalogs, English pages, hreflang, the switcher.

The catalog tests read ``tools/babel.cfg``, the same extraction ``make messages``
runs; the page tests read the demo as ``make html`` builds it (French, with
English translations of a few articles, events, members and pages).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from agora.events.model import ATTENDANCE, EVENT_STATUSES, FORMATS
from agora.members.model import LINK_LABELS, ROLE_GROUP_LABELS, ROLES
from agora.settings import Options, SettingsError
from agora.urls import LABELS, SiteLanguages, Urls
from tests.conftest import REPO, Site

LANGUAGES = ("fr", "en")


# --- catalogs ------------------------------------------------------------------------------

def extracted() -> dict[str, set[str]]:
    """msgid -> files using it: what `make messages` extracts (templates and Python)."""
    with (REPO / "tools" / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, set[str]] = {}
    for file, _line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, set()).add(file)
    return found


@pytest.fixture(scope="module")
def messages() -> dict[str, set[str]]:
    return extracted()


def catalog(lang: str) -> Catalog:
    path = REPO / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def entries(lang: str) -> dict[str, object]:
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}


def test_extraction_reads_templates_and_python(messages):
    assert len(messages) > 200
    assert any(f.startswith("theme/templates/") for f in messages["Skip to content"])
    # Python code: feeds (catalogs_for), calendars (ics.py), the events generator
    assert "plugins/agora/feeds/forum.py" in messages["Hot on the forum"]
    assert "plugins/agora/events/ics.py" in messages["Cancelled: %(title)s"]
    assert "plugins/agora/events/generator.py" in messages["Events"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_every_message_the_code_uses(messages, lang):
    known = entries(lang)
    missing = sorted(f"{m} ({', '.join(sorted(files))})" for m, files in messages.items()
                     if m not in known)
    assert not missing, f"run `make messages` and translate: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_untranslated_fuzzy_or_broken_entry(lang):
    found = catalog(lang)
    assert not found.fuzzy, "the catalog header is marked fuzzy"
    untranslated, fuzzy = [], []
    for message in found:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or len(strings) < (found.num_plurals if message.pluralizable else 1):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"untranslated in {lang}: {untranslated}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"
    # placeholders kept: Babel's checks (python-format) on every entry
    broken = [(message.id, [str(e) for e in errors]) for message, errors in found.check()]
    assert not broken, broken


def test_english_catalog_is_as_complete_as_the_french_one():
    assert set(entries("en")) == set(entries("fr"))


def test_words_python_hands_to_templates_are_translated():
    """Formats, attendance, statuses, roles, navigation labels: msgids kept in Python tables."""
    words = {*FORMATS, *ATTENDANCE, *EVENT_STATUSES, *ROLES, *ROLE_GROUP_LABELS.values(),
             *LINK_LABELS.values(), *LABELS.values()}
    for lang in LANGUAGES:
        known = entries(lang)
        assert not sorted(w for w in words if w not in known), lang


def gettext_in_f_strings(source: str) -> list[int]:
    """Lines where _()/gettext()/ngettext() is called inside an f-string (Babel misses it)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    name = getattr(inner.func, "id", None) or getattr(inner.func, "attr", None)
                    literal = inner.args and isinstance(inner.args[0], ast.Constant)
                    if name in {"_", "gettext", "ngettext", "pgettext", "npgettext"} and literal:
                        lines.append(inner.lineno)
    return lines


def test_no_interface_string_hides_in_an_f_string():
    assert gettext_in_f_strings('f"{_(\'Blog\')}"') == [1]
    assert gettext_in_f_strings('f"{_(label)}"') == []  # a variable: not for extraction
    hidden = {str(path.relative_to(REPO)): found
              for path in sorted((REPO / "plugins" / "agora").rglob("*.py"))
              if (found := gettext_in_f_strings(path.read_text(encoding="utf-8")))}
    assert not hidden, hidden


# --- settings and URLs -----------------------------------------------------------------------

def test_site_text_gives_name_and_subtitle_per_language():
    settings = {"SITENAME": "Les Jardiniers", "SITESUBTITLE": "La communauté",
                "AGORA_SITE_TEXT": {"en": {"subtitle": "The community"}}}
    config = Options.from_settings(settings)
    assert config.site_subtitle(settings, "en") == "The community"
    assert config.site_subtitle(settings, "fr") == "La communauté"
    assert config.site_name(settings, "en") == "Les Jardiniers"  # no English name: SITENAME
    assert config.site_subtitle(settings, "de") == "La communauté"
    for bad in ({"en": "The community"}, {"en": {"tagline": "x"}}, ["en"], {"en": {"name": 3}}):
        with pytest.raises(SettingsError, match="AGORA_SITE_TEXT"):
            Options.from_settings({"AGORA_SITE_TEXT": bad})


def test_pages_in_other_languages_are_the_same_paths_under_the_language():
    urls = Urls({"DEFAULT_LANG": "fr"})
    site = SiteLanguages("fr", ("fr", "en"), {("onboarding", "en"): "en/onboarding/"})
    assert urls.localized("events", "en", site) == "en/events/"
    assert urls.localized("event_format", "en", site, slug="webinar") == (
        "en/events/format/webinar/")
    assert urls.localized("events", "fr", site) == "events/"
    # a Pelican page only where it is translated, the original otherwise
    assert urls.localized("onboarding", "en", site) == "en/onboarding/"
    assert urls.localized("about", "en", site) == "about/"
    # a language the site has no content in, and files (calendars): the default's
    assert urls.localized("events", "de", site) == "events/"
    assert urls.localized("events_calendar", "en", site) == "events/calendar.ics"
    assert urls.feed("EVENTS_FEED_ATOM", for_lang="en") == "en/feeds/events.atom.xml"
    assert urls.feed("TRANSLATION_FEED_ATOM", lang="en") == "feeds/all-en.atom.xml"
    # a site's own <NAME>_LANG_URL pattern wins, as for Pelican's content
    custom = Urls({"DEFAULT_LANG": "fr", "EVENTS_LANG_URL": "{lang}/agenda/",
                   "EVENTS_LANG_SAVE_AS": "{lang}/agenda/index.html"})
    assert custom.localized("events", "en", site) == "en/agenda/"
    assert custom.save_as("events", lang="en") == "en/agenda/index.html"


# --- the English site ------------------------------------------------------------------------

ENGLISH_PAGES = ["en/", "en/blog/", "en/blog/page/2/", "en/blog/archives/", "en/events/",
                 "en/events/past/", "en/events/format/webinar/", "en/members/", "en/forum/",
                 "en/newsletter/", "en/feeds/", "en/404.html", "en/category/",
                 "en/category/astuces/", "en/tag/", "en/tag/hiver/"]
ENGLISH_NAV = ["Blog", "Events", "Members", "Forum", "Charter", "Newsletter"]
SUBTITLE = "The French-speaking community of shared gardens"


def spaced(text: str) -> str:
    """Babel writes "6:30\u202fPM" (a narrow no-break space): compare with plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def site_path(href: str, page_url: str) -> str:
    """Where a (relative) link on the page at ``page_url`` points, from the site root."""
    return urlsplit(urljoin("http://site/" + page_url, href)).path.lstrip("/")


def page_url(file: Path, output: Path) -> str:
    url = file.relative_to(output).as_posix()
    return url[: -len("index.html")] if url.endswith("/index.html") or url == "index.html" else url


def ui_text(page: lxml.html.HtmlElement, lang: str = "en") -> str:
    """The page's text without what is marked as written in another language (content)."""
    copy = lxml.html.fromstring(lxml.html.tostring(page))
    for element in copy.xpath(f"//body//*[@lang and @lang != '{lang}']"):
        element.drop_tree()
    for element in copy.xpath("//script | //style"):
        element.drop_tree()
    return " ".join(copy.text_content().split())


@pytest.mark.parametrize("url", ENGLISH_PAGES)
def test_every_page_type_exists_in_english(demo_site, url):
    page = demo_site.html(url)
    assert page.get("lang") == "en", url
    labels = [a.text_content().strip() for a in page.cssselect("header nav a")]
    assert labels == ENGLISH_NAV, url
    nav_targets = [site_path(a.get("href"), url) for a in page.cssselect("header nav a")]
    assert all(t.startswith("en/") for t in nav_targets), nav_targets
    assert page.cssselect(".site-tagline")[0].text_content() == SUBTITLE
    assert page.cssselect("a.skip-link")[0].text_content() == "Skip to content"
    assert page.cssselect("main h1")[0].text_content().strip()
    footer = page.cssselect("footer")[0].text_content()
    assert "Our community charter" in footer and "Built with Agora" in footer


def test_english_pages_write_dates_in_english(demo_site):
    events = spaced(demo_site.text("en/events/"))
    assert "Thursday, December 3, 2026, 6:30 PM" in events
    assert "December 2026" in [h.text_content() for h in demo_site.html("en/events/")
                               .cssselect(".event-month h2")]
    assert "September 1, 2026" in demo_site.text("en/blog/bienvenue/")
    assert "Thursday, December 3, 2026" in demo_site.text(
        "en/events/webinaire-permaculture-debutants/")
    # the same listings in French, written the French way
    assert "jeudi 3 décembre 2026, 18:30" in spaced(demo_site.text("events/"))
    assert "1 septembre 2026" in demo_site.text("blog/bienvenue/").replace("1er", "1")


def test_no_french_interface_string_on_english_pages(demo_site):
    french = entries("fr")
    # every French translation long enough to be unambiguous, and unlike its English
    phrases = sorted({str(m.string) for m in french.values()
                      if isinstance(m.string, str) and len(m.string) >= 10 and " " in m.string
                      and "%(" not in m.string and m.string != m.id})
    assert len(phrases) > 80
    pages = [f for f in (demo_site.output / "en").rglob("*.html")]
    assert len(pages) > 30
    for file in pages:
        url = page_url(file, demo_site.output)
        text = ui_text(demo_site.html(url))
        found = [p for p in phrases if p in text]
        assert not found, f"{url}: {found}"


def test_english_listings_show_translations_and_mark_the_rest(demo_site):
    blog = demo_site.html("en/blog/")
    cards = {a.text_content(): a for a in blog.cssselect("article.article-card .card-title a")}
    translated = cards["Portrait of the month: Amina Diallo, ambassador in Marseille"]
    assert site_path(translated.get("href"), "en/blog/") == "en/blog/portrait-amina-diallo/"
    assert translated.get("lang") is None and not translated.getparent().cssselect(".lang-note")
    original = cards["Astuce du mardi : entretenir les outils partagés"]
    assert site_path(original.get("href"), "en/blog/") == "blog/astuce-outils/"
    # the French words are marked French, the card's date and byline stay English
    assert original.get("lang") == "fr"
    card = original.getparent().getparent()
    assert card.get("lang") is None and card.cssselect(".summary")[0].get("lang") == "fr"
    note = original.getparent().cssselect(".lang-note")[0]
    assert note.text_content() == "(in French)" and note.get("lang") is None
    # every article is listed once, in English where it is translated
    listed = [*cards, *(a.text_content() for a in demo_site.html("en/blog/page/2/")
                        .cssselect("article.article-card .card-title a"))]
    assert len(listed) == len(set(listed)) == len(demo_site.state.hub.blog.articles)
    assert "Welcome to Les Jardiniers du Partage" in listed
    # events: the English café, the French harvest festival marked
    events = demo_site.html("en/events/")
    titles = {a.text_content(): a for a in events.cssselect(".event-item h3 a")}
    assert site_path(titles["The gardeners' café (online)"].get("href"), "en/events/") == (
        "en/events/cafe-des-jardiniers/")
    assert "Le café des jardiniers (en ligne)" not in titles
    assert titles["Fête des récoltes"].get("lang") == "fr"
    assert titles["Fête des récoltes"].getparent().cssselect(".lang-note")
    # the French listings are unchanged: no English item on them
    assert "Webinar: permaculture for beginners" not in demo_site.text("events/")
    assert not demo_site.html("blog/").cssselect(".lang-note")
    # members: the translated profiles in English, the others as they are
    members = demo_site.html("en/members/")
    hrefs = {site_path(a.get("href"), "en/members/") for a in members.cssselect(".member-name")}
    assert {"en/members/amina-diallo/", "en/members/sofia-martin/",
            "members/camille-roux/"} <= hrefs
    # the home page: the English spotlight and events
    home = demo_site.html("en/")
    assert "Portrait of the month" in home.cssselect(".spotlight-card")[0].text_content()
    assert "Webinar: permaculture for beginners" in ui_text(home)


def test_categories_and_tags_have_english_listings_named_by_the_translations(demo_site):
    # the English article links its original's category and tags, as its translation names them
    page = demo_site.html("en/blog/astuce-paillage/")
    category = page.xpath("//header//p[@class='meta']/a[contains(@href, 'category')]")[0]
    assert (category.text_content(), site_path(category.get("href"), "en/blog/astuce-paillage/"),
            category.get("lang")) == ("Tips", "en/category/astuces/", None)
    tags = [(a.text_content(), site_path(a.get("href"), "en/blog/astuce-paillage/"))
            for a in page.cssselect("p.tags a")]
    assert tags == [("mulching", "en/tag/paillage/"), ("winter", "en/tag/hiver/")]
    # the listing: the English translation where there is one, the rest marked French
    listing = demo_site.html("en/category/astuces/")
    assert listing.cssselect("main h1")[0].text_content() == "Category: Tips"
    cards = {a.text_content(): a for a in listing.cssselect(".article-card .card-title a")}
    assert site_path(cards["Tuesday tip: mulch before winter"].get("href"),
                     "en/category/astuces/") == "en/blog/astuce-paillage/"
    assert "Astuce du mardi : pailler avant l'hiver" not in cards
    french = cards["Astuce du mardi : entretenir les outils partagés"]
    assert french.get("lang") == "fr"
    assert len(cards) == len(demo_site.html("category/astuces/").cssselect(".article-card"))
    # a name no translation gives is the French one, marked French
    heading = demo_site.html("en/category/vie-de-lassociation/").cssselect("main h1 span")[0]
    assert (heading.text_content(), heading.get("lang")) == ("Vie de l'association", "fr")
    assert demo_site.html("en/tag/hiver/").cssselect("main h1")[0].text_content() == "Tag: winter"
    # the indexes, linked from the English blog
    names = {a.text_content(): (site_path(a.get("href"), "en/category/"), a.get("lang"))
             for a in demo_site.html("en/category/").cssselect("main li a")}
    assert names["Tips"] == ("en/category/astuces/", None)
    assert names["Portraits"] == ("en/category/portraits/", "fr")
    blog_links = {a.text_content(): site_path(a.get("href"), "en/blog/")
                  for a in demo_site.html("en/blog/").cssselect("main p a")}
    assert (blog_links["Categories"], blog_links["Tags"]) == ("en/category/", "en/tag/")
    # every category and tag of the French blog has its English listing; the French pages
    # are Pelican's as before
    for kind in ("category", "tag"):
        french = {p.parent.name for p in (demo_site.output / kind).glob("*/index.html")}
        english = {p.parent.name for p in (demo_site.output / "en" / kind).glob("*/index.html")}
        assert french == english and len(french) > 3, kind
    assert demo_site.html("category/astuces/").cssselect("main h1")[0].text_content() == (
        "Catégorie : Astuces")


def test_translations_naming_a_category_twice_is_a_warning(make_site):
    files = {
        f"articles/{slug}{suffix}.md": f"---\ntitle: {slug} {lang}\nslug: {slug}\nlang: {lang}\n"
                                       f"date: 2026-10-0{day}\ncategory: {name}\n---\nTexte.\n"
        for day, slug in ((1, "un"), (2, "deux"))
        for suffix, lang, name in (("", "fr", "Astuces"),
                                   ("-en", "en", "Tips" if slug == "un" else "Hints"))}
    # a translation without a category names none (Pelican gives it its folder's name)
    files["articles/trois.md"] = ("---\ntitle: trois\ndate: 2026-10-03\ncategory: Astuces\n"
                                  "---\nTexte.\n")
    files["articles/trois-en.md"] = ("---\ntitle: three\nslug: trois\nlang: en\n"
                                     "date: 2026-10-03\n---\nText.\n")
    site = make_site(files, name="term-names", with_demo_members=False)
    # the first translation by file path names it; each is told what the other says
    assert sorted(w for w in site.state.warnings if "expected one en name" in w) == [
        "content/articles/deux-en.md: category: expected one en name for the category "
        "Astuces (content/articles/un-en.md names it Tips), found \"Hints\"",
        "content/articles/un-en.md: category: expected one en name for the category "
        "Astuces (content/articles/deux-en.md names it Hints), found \"Tips\""]
    assert site.html("en/category/astuces/").cssselect("main h1")[0].text_content() == (
        "Category: Hints")
    for slug in ("un", "trois"):
        assert site.html(f"en/blog/{slug}/").xpath("//header//a[contains(@href, 'category')]")[
            0].text_content() == "Hints"


def english_links(site: Site) -> Iterator[tuple[str, str]]:
    """(page, target from the site's root) of every link of every English page, but those
    saying they lead to another language (hreflang: the language switcher)."""
    for file in (site.output / "en").rglob("*.html"):
        url = page_url(file, site.output)
        for link in site.html(url).xpath("//body//a[@href][not(@hreflang)]"):
            yield url, site_path(link.get("href"), url)


def test_english_pages_link_members_to_their_english_profile(demo_site):
    """Bylines, cards, the forum's contributors...: a member with an English profile (an
    author with an English page) is linked to it from every English page; links to another
    language say so (hreflang)."""
    english = {folder: {p.parent.name for p in (demo_site.output / "en" / folder).glob(
        "*/index.html")} for folder in ("members", "author")}
    assert {"amina-diallo", "sofia-martin"} <= english["members"]
    to_english = []
    for url, target in english_links(demo_site):
        folder, _, slug = target.partition("/")
        assert slug.rstrip("/") not in english.get(folder, set()), (url, target)
        if target.startswith("en/members/") and target.count("/") == 3:
            to_english.append(url)
    # the article's byline, the blog's cards, the forum's contributors, the directory
    assert {"en/blog/astuce-paillage/", "en/blog/", "en/forum/", "en/members/"} <= set(
        to_english)


def switcher(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.cssselect("header .lang-switcher a[data-lang-switch]")


@pytest.mark.parametrize(("url", "target"), [
    ("blog/bienvenue/", "en/blog/bienvenue/"),
    ("en/blog/bienvenue/", "blog/bienvenue/"),
    ("events/cafe-des-jardiniers/", "en/events/cafe-des-jardiniers/"),
    ("members/amina-diallo/", "en/members/amina-diallo/"),
    ("charter/", "en/charter/"),
    ("", "en/"),
    ("blog/", "en/blog/"),
    ("en/blog/page/2/", "blog/page/2/"),
    ("events/", "en/events/"),
    ("en/events/past/", "events/past/"),
    ("events/format/webinar/", "en/events/format/webinar/"),
    ("members/", "en/members/"),
    ("en/forum/", "forum/"),
    ("newsletter/", "en/newsletter/"),
    ("feeds/", "en/feeds/"),
    ("category/astuces/", "en/category/astuces/"),
    ("en/tag/hiver/", "tag/hiver/"),
    ("en/category/", "category/"),
    ("tag/", "en/tag/"),
])
def test_language_switcher_lands_on_the_translation(demo_site, url, target):
    links = switcher(demo_site.html(url))
    assert len(links) == 1, url
    link = links[0]
    assert site_path(link.get("href"), url) == target
    other = "en" if target.startswith("en/") else "fr"
    assert link.get("hreflang") == other and link.get("lang") == other
    assert link.text_content() == {"en": "English", "fr": "Français"}[other]
    assert link.get("rel") == "alternate"
    assert demo_site.path(target).exists()


def test_without_translation_the_switcher_goes_to_the_other_home_page(demo_site):
    for url, home in (("blog/astuce-outils/", "en/"), ("events/fete-des-recoltes/", "en/"),
                      ("members/camille-roux/", "en/")):
        link = switcher(demo_site.html(url))[0]
        assert site_path(link.get("href"), url) == home, url
        assert link.get("rel") is None
        assert not demo_site.html(url).cssselect('link[rel="alternate"][hreflang]'), url


def hreflang_links(page: lxml.html.HtmlElement, url: str) -> dict[str, str]:
    return {link.get("hreflang"): site_path(link.get("href"), url)
            for link in page.cssselect('head link[rel="alternate"][hreflang]')}


def test_hreflang_links_are_reciprocal_and_point_to_pages(demo_site):
    output = demo_site.output
    checked = 0
    for file in sorted(output.rglob("*.html")):
        url = page_url(file, output)
        links = hreflang_links(demo_site.html(url), url)
        if not links:
            continue
        checked += 1
        assert links.get(demo_site.html(url).get("lang")) == url, url
        assert links["x-default"] == links["fr"], url
        for lang, target in links.items():
            assert demo_site.path(target).exists(), f"{url} -> {target}"
            assert hreflang_links(demo_site.html(target), target) == links, f"{url} <-> {target}"
            if lang != "x-default":
                assert demo_site.html(target).get("lang") == lang
    # every listing in both languages, and the demo's translated content
    assert checked >= 2 * (len(ENGLISH_PAGES) + 3 + 2 + 2)


def test_english_pages_advertise_english_feeds(demo_site):
    def feeds(url: str) -> dict[str, str]:
        return {site_path(link.get("href"), url): link.get("title") for link in
                demo_site.html(url).cssselect('head link[rel="alternate"][type$="+xml"]')}

    home = feeds("en/")
    assert home == {"feeds/all-en.atom.xml": "Les Jardiniers du Partage — Blog (English)"}
    assert "feeds/all.atom.xml" in feeds("")
    events = feeds("en/events/")
    assert events["en/feeds/events.atom.xml"] == "Les Jardiniers du Partage — Upcoming events"
    assert feeds("events/")["feeds/events.atom.xml"].endswith("Événements à venir")
    # the forum feed stays single (its entries are the forum's), titled in English
    assert feeds("en/forum/")["feeds/forum.atom.xml"].endswith("Hot on the forum")
    # the newsletter's: each issue's English edition
    newsletter = feeds("en/newsletter/")
    assert newsletter["en/feeds/newsletter.atom.xml"].endswith("Newsletter")
    assert "feeds/newsletter.atom.xml" not in newsletter


def test_english_events_feed_is_in_english(demo_site):
    import feedparser  # noqa: PLC0415 - test-only dependency

    english = feedparser.parse(demo_site.text("en/feeds/events.atom.xml"))
    french = feedparser.parse(demo_site.text("feeds/events.atom.xml"))
    assert english.feed.language == "en" and english.feed.title.endswith("Upcoming events")
    titles = [spaced(e.title) for e in english.entries]
    assert "Webinar: permaculture for beginners — Thursday, December 3, 2026, 6:30 PM" in titles
    assert any(t.startswith("Fête des récoltes — Saturday") for t in titles)  # not translated
    assert len(english.entries) == len(french.entries)
    assert {e.id for e in english.entries}.isdisjoint({e.id for e in french.entries})
    assert "/en/events/" in english.feed.link and "When" in english.entries[0].content[0].value
    assert demo_site.html("en/feeds/").cssselect('a[href$="en/feeds/events.atom.xml"]')


def test_a_french_only_site_has_no_english_pages(make_site):
    site = make_site({"articles/bonjour.md": """
        ---
        title: Bonjour
        date: 2026-11-01T10:00
        ---
        Texte.
        """}, name="french-only", with_demo_members=False)
    assert site.state.hub.languages == ("fr",)
    assert not (site.output / "en").exists()
    assert not (site.output / "feeds" / "all-en.atom.xml").exists()
    home = site.html("")
    assert not home.cssselect(".lang-switcher")
    assert not home.cssselect('link[rel="alternate"][hreflang]')


def test_languages_are_those_of_the_content(demo_site):
    assert demo_site.state.hub.languages == ("fr", "en")


def test_versions_of_a_page_for_python_callers(demo_site):
    from agora.core.i18n import versions  # noqa: PLC0415

    hub = demo_site.state.hub
    assert versions(hub, name="events") == {"fr": "events/", "en": "en/events/"}
    assert versions(hub, name="event_format", params={"slug": "webinar"})["en"] == (
        "en/events/format/webinar/")
    welcome = next(a for a in hub.blog.articles if a.slug == "bienvenue")
    assert versions(hub, welcome) == {"fr": "blog/bienvenue/", "en": "en/blog/bienvenue/"}
    tools = next(a for a in hub.blog.articles if a.slug == "astuce-outils")
    assert versions(hub, tools) == {"fr": "blog/astuce-outils/"}


def test_series_are_named_in_the_page_language(demo_site):
    note = "p.series-note"
    english = demo_site.html("en/blog/astuce-paillage/").cssselect(note)[0].text_content()
    french = demo_site.html("blog/astuce-paillage/").cssselect(note)[0].text_content()
    assert english == "Part of the series Tuesday tips"  # series.yml's `translations: en:`
    assert french == "Fait partie de la série Les astuces du mardi"


def test_a_malformed_series_translation_is_a_warning(make_site):
    site = make_site({"series.yml": "astuces:\n  title: Astuces\n  translations: [en]\n",
                      "articles/un.md": "---\ntitle: Un\ndate: 2026-11-01\nseries: astuces\n"
                                        "---\nTexte.\n"},
                     name="series-translations", with_demo_members=False)
    assert [w for w in site.state.warnings if "astuces: translations: expected a mapping of "
            "language -> title and description" in w]
    assert "Astuces" in site.text("blog/un/")
