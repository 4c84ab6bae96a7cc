"""Bylines: member slugs or people's names, as in Pelican; members only with their consent."""

from __future__ import annotations

import re
import subprocess
import sys

import lxml.etree
import pytest

from agora.members.authors import MemberIndex, build_index, normalized
from tests.conftest import REPO, Site
from tests.test_i18n import english_links, hreflang_links, site_path, switcher

FILES = {
    # Pelican's native metadata, a free-text name
    "articles/guest.md": """
        Title: Un invité
        Date: 2026-10-01 09:00
        Author: James Oguya

        Texte.
        """,
    # a member by name, case and accents aside; a free-text co-author
    "articles/by-name.md": """
        Title: Écrit à deux
        Date: 2026-10-02 09:00
        Authors: camille ROUX, Jane Doe

        Texte.
        """,
    "articles/by-slug.md": """
        ---
        title: Par son slug
        date: 2026-10-03T09:00
        author: ines-moreau
        ---
        Texte.
        """,
    "articles/accents.rst": """
        Sans accents
        ############

        :date: 2026-10-04 09:00
        :author: Ines Moreau

        Texte.
        """,
    # a member without consent, by name, among others: left out of the byline
    "articles/withheld.md": """
        Title: Trois auteurs
        Date: 2026-10-05 09:00
        Authors: Marc Petit; Jane Doe; Hugo Lefebvre

        Texte.
        """,
    "articles/withheld-only.md": """
        ---
        title: Seulement Marc
        date: 2026-10-06T09:00
        author: marc-petit
        ---
        Texte.
        """,
    # a typo of a member's name, and a slug no member has
    "articles/typo.md": """
        Title: Une coquille
        Date: 2026-10-07 09:00
        Author: Camile Roux

        Texte.
        """,
    # Pelican's {author} links in the text: to the profile for a member, as in the byline
    "articles/author-links.md": """
        ---
        title: Des liens vers des auteurs
        date: 2026-10-09T09:00
        author: sofia-martin
        ---
        Merci à [Camille]({author}Camille Roux), à [Inès]({author}ines-moreau), à
        [Marc]({author}Marc Petit) et à [notre invité]({author}James Oguya).
        """,
    # its English translation: a member with an English profile is linked to that one
    "articles/author-links-en.md": """
        ---
        title: Links to authors
        slug: author-links
        lang: en
        date: 2026-10-09T09:00
        author: sofia-martin
        ---
        Thanks to [Sofia]({author}Sofia Martin) and [Camille]({author}Camille Roux).
        """,
    # a free-text author in both languages: her English translation, her French-only post,
    # and {author} links in an English text to her, a guest, a member and a withheld member
    "articles/jardin-partage.md": """
        ---
        title: Un jardin partagé
        date: 2026-10-10T09:00
        author: Jeanne Dupont
        ---
        Texte.
        """,
    "articles/jardin-partage-en.md": """
        ---
        title: A shared garden
        slug: jardin-partage
        lang: en
        date: 2026-10-10T09:00
        author: Jeanne Dupont
        ---
        Thanks to [Jeanne]({author}Jeanne Dupont), [our guest]({author}James Oguya),
        [Sofia]({author}Sofia Martin) and [Marc]({author}Marc Petit).
        """,
    "articles/semis.md": """
        ---
        title: Les semis de Jeanne
        date: 2026-10-11T09:00
        author: Jeanne Dupont
        ---
        Texte.
        """,
    "articles/unknown-slug.md": """
        ---
        title: Slug inconnu
        date: 2026-10-08T09:00
        author: personne-inconnue
        ---
        Texte.
        """,
}
WITHHELD = re.compile(r"marc[\s-]petit|marc\.p\b", re.IGNORECASE)
PUBLIC = "https://jardiniers-du-partage.example"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def site(make_site) -> Site:
    return make_site(FILES, name="authors")


def byline(site: Site, url: str) -> list[tuple[str, str]]:
    return [(a.text_content(), a.get("href")) for a in site.html(url).cssselect("a[rel=author]")]


def test_a_free_text_name_gets_an_author_page_as_in_pelican(site):
    assert byline(site, "blog/guest/") == [("James Oguya", "../../author/james-oguya/")]
    page = site.html("author/james-oguya/")
    assert "James Oguya" in page.cssselect("h1")[0].text_content()
    assert [a.text_content() for a in page.cssselect(".article-card h3 a")] == ["Un invité"]


def test_a_member_named_by_slug_or_name_links_to_the_profile(site):
    assert byline(site, "blog/by-slug/") == [("Inès Moreau", "../../members/ines-moreau/")]
    assert byline(site, "blog/accents/") == [("Inès Moreau", "../../members/ines-moreau/")]
    assert byline(site, "blog/by-name/") == [("Camille Roux", "../../members/camille-roux/"),
                                             ("Jane Doe", "../../author/jane-doe/")]
    # members have their profile, not an author page, in any language
    for folder in ("author", "en/author"):
        assert not site.path(f"{folder}/camille-roux/").exists()
        assert not site.path(f"{folder}/ines-moreau/").exists()
        assert not site.path(f"{folder}/sofia-martin/").exists()
    profile = site.text("members/ines-moreau/")
    assert "Par son slug" in profile and "Sans accents" in profile


def test_author_links_in_the_text_lead_to_profiles_and_author_pages(site):
    links = {a.text_content(): a.get("href")
             for a in site.html("blog/author-links/").cssselect(".entry-content a")}
    assert links == {"Camille": "../../members/camille-roux/",
                     "Inès": "../../members/ines-moreau/",
                     "notre invité": "../../author/james-oguya/"}
    for href in links.values():
        assert site.path("blog/author-links/" + href).exists(), href
    # a member without consent: the text as written, no link (its address names him)
    text = site.html("blog/author-links/").cssselect(".entry-content")[0].text_content()
    assert "à Marc et à notre invité" in " ".join(text.split())
    assert ("content/articles/author-links.md: links: expected {author} links to members who "
            "agreed to be named (a profile with `consent: true`); the others are left as plain "
            "text, found 1 without consent") in site.state.warnings


def test_an_english_page_links_a_member_to_the_english_profile_when_there_is_one(site):
    links = {a.text_content(): a.get("href")
             for a in site.html("en/blog/author-links/").cssselect(".entry-content a")}
    assert links == {"Sofia": "../../../en/members/sofia-martin/",
                     "Camille": "../../../members/camille-roux/"}  # no English profile
    assert byline(site, "en/blog/author-links/") == [
        ("Sofia Martin", "../../../en/members/sofia-martin/")]
    card = site.html("en/blog/").xpath(
        "//article[.//a[text()='Links to authors']]//p[@class='meta']/a")
    assert [a.get("href") for a in card] == ["../../en/members/sofia-martin/"]
    # the French pages keep the French profile
    assert byline(site, "blog/author-links/") == [("Sofia Martin", "../../members/sofia-martin/")]
    card = site.html("blog/").xpath(
        "//article[.//a[text()='Des liens vers des auteurs']]//p[@class='meta']/a")
    assert [a.get("href") for a in card] == ["../members/sofia-martin/"]


def test_an_english_byline_naming_a_non_member_links_the_english_author_page(site):
    assert byline(site, "en/blog/jardin-partage/") == [
        ("Jeanne Dupont", "../../../en/author/jeanne-dupont/")]
    card = site.html("en/blog/").xpath(
        "//article[.//a[text()='A shared garden']]//p[@class='meta']/a")
    assert [a.get("href") for a in card] == ["../../en/author/jeanne-dupont/"]
    # a guest with no English article has an English page too: the blog in English lists him
    card = site.html("en/blog/page/2/").xpath(
        "//article[.//a[text()='Un invité']]//p[@class='meta']/a")
    assert [a.get("href") for a in card] == ["../../../../en/author/james-oguya/"]
    # the French pages keep Pelican's author page
    assert byline(site, "blog/jardin-partage/") == [("Jeanne Dupont",
                                                     "../../author/jeanne-dupont/")]
    card = site.html("blog/").xpath(
        "//article[.//a[text()='Un jardin partagé']]//p[@class='meta']/a")
    assert [a.get("href") for a in card] == ["../author/jeanne-dupont/"]


def test_the_english_author_page_lists_the_english_blog(site):
    url = "en/author/jeanne-dupont/"
    page = site.html(url)
    assert page.get("lang") == "en"
    assert page.cssselect("a.skip-link")[0].text_content() == "Skip to content"
    heading = page.cssselect("main h1")[0]
    # a person's name is in no language: not marked French
    assert heading.text_content() == "Articles by Jeanne Dupont" and not heading.xpath(".//@lang")
    assert site.html("en/author/james-oguya/").cssselect("main h1")[0].text_content() == (
        "Articles by James Oguya")
    cards = {a.text_content(): a for a in page.cssselect(".article-card .card-title a")}
    assert list(cards) == ["Les semis de Jeanne", "A shared garden"]  # newest first
    english = cards["A shared garden"]
    assert site_path(english.get("href"), url) == "en/blog/jardin-partage/"
    assert english.get("lang") is None and not english.getparent().cssselect(".lang-note")
    french = cards["Les semis de Jeanne"]
    assert (site_path(french.get("href"), url), french.get("lang")) == ("blog/semis/", "fr")
    assert french.getparent().cssselect(".lang-note")[0].text_content() == "(in French)"
    # the cards' bylines stay on English pages
    assert {site_path(a.get("href"), url) for a in page.cssselect(".article-card .meta a")} == {
        "en/author/jeanne-dupont/"}
    # the French page is Pelican's, in French, its originals only
    french_page = site.html("author/jeanne-dupont/")
    assert french_page.get("lang") == "fr"
    assert french_page.cssselect("main h1")[0].text_content() == "Articles de Jeanne Dupont"
    assert [a.text_content() for a in french_page.cssselect(".article-card .card-title a")] == [
        "Les semis de Jeanne", "Un jardin partagé"]
    assert not french_page.cssselect(".lang-note")


def test_author_pages_in_both_languages_are_alternates_of_each_other(site):
    pair = {"fr": "author/jeanne-dupont/", "en": "en/author/jeanne-dupont/"}
    for lang, url in pair.items():
        page = site.html(url)
        assert hreflang_links(page, url) == {**pair, "x-default": pair["fr"]}, url
        links = switcher(page)
        other = "en" if lang == "fr" else "fr"
        assert [(site_path(a.get("href"), url), a.get("rel")) for a in links] == [
            (pair[other], "alternate")], url
    sitemap = lxml.etree.fromstring(site.path("sitemap.xml").read_bytes())
    entry = sitemap.xpath("s:url[s:loc=$loc]", namespaces=SITEMAP,
                          loc=f"{PUBLIC}/{pair['en']}")[0]
    alternates = {link.get("hreflang"): link.get("href")
                  for link in entry.iterfind("x:link", SITEMAP)}
    assert alternates == {lang: f"{PUBLIC}/{url}" for lang, url in pair.items()}


def test_author_links_in_an_english_text_lead_to_english_author_pages(site):
    url = "en/blog/jardin-partage/"
    links = {a.text_content(): site_path(a.get("href"), url)
             for a in site.html(url).cssselect(".entry-content a")}
    assert links == {"Jeanne": "en/author/jeanne-dupont/",
                     "our guest": "en/author/james-oguya/",
                     "Sofia": "en/members/sofia-martin/"}  # a member: the English profile
    for target in links.values():
        assert site.path(target).exists(), target
    text = " ".join(site.html(url).cssselect(".entry-content")[0].text_content().split())
    assert "Sofia and Marc." in text  # no consent: the text alone
    # the English feed's entry links the same page, absolute
    feed = site.text("feeds/all-en.atom.xml")
    assert f"{PUBLIC}/en/author/jeanne-dupont/" in feed
    assert f"{PUBLIC}/author/jeanne-dupont/" not in feed


def test_english_pages_link_english_author_pages_only(site):
    """Every link of every English page to an author page goes to the English one; only
    authors who are not members have one, in each language."""
    french = {p.parent.name for p in (site.output / "author").glob("*/index.html")}
    english = {p.parent.name for p in (site.output / "en" / "author").glob("*/index.html")}
    assert french == english == {"james-oguya", "jane-doe", "jeanne-dupont", "camile-roux",
                                 "personne-inconnue"}
    linked = set()
    for url, target in english_links(site):
        assert not target.startswith("author/"), (url, target)
        linked.update([target] if target.startswith("en/author/") else [])
    assert {f"en/author/{slug}/" for slug in english} <= linked


def test_an_author_page_advertises_the_authors_feed_in_its_language(site):
    for url, feed in (("author/jeanne-dupont/", "feeds/author/jeanne-dupont.atom.xml"),
                      ("en/author/jeanne-dupont/", "en/feeds/author/jeanne-dupont.atom.xml")):
        links = site.html(url).cssselect('head link[rel="alternate"][type]')
        assert feed in {site_path(link.get("href"), url) for link in links}, url
    english = lxml.etree.fromstring(site.path("en/feeds/author/jeanne-dupont.atom.xml")
                                    .read_bytes())
    atom, xml_lang = "{http://www.w3.org/2005/Atom}", "{http://www.w3.org/XML/1998/namespace}lang"
    entries = {e.find(f"{atom}link").get("href"): e.get(xml_lang)
               for e in english.iter(f"{atom}entry")}
    assert entries == {f"{PUBLIC}/en/blog/jardin-partage/": None, f"{PUBLIC}/blog/semis/": "fr"}


def test_without_author_pages_there_are_none_in_any_language(make_site):
    files = {name: text for name, text in FILES.items() if "jardin-partage" in name}
    site = make_site(files, name="no-author-pages", AUTHOR_SAVE_AS="")
    assert site.path("en/blog/jardin-partage/").exists()
    assert not (site.output / "author").exists() and not (site.output / "en" / "author").exists()
    # bylines and {author} links name her without a link to a page that is not there
    for url in ("blog/jardin-partage/", "en/blog/jardin-partage/", "blog/", "en/blog/"):
        page = site.html(url)
        assert "Jeanne Dupont" in page.text_content(), url
        assert not [a for a in page.xpath("//a[@href]") if "author/" in a.get("href")], url
    text = " ".join(site.html("en/blog/jardin-partage/").cssselect(".entry-content")[0]
                    .text_content().split())
    assert text.startswith("Thanks to Jeanne, our guest, Sofia and Marc.")
    warnings = [w for w in site.state.warnings if "jardin-partage-en.md" in w
                and "author page" in w]
    assert len(warnings) == 1 and "Jeanne Dupont, James Oguya" in warnings[0], warnings


def test_a_translator_credited_on_translations_only_is_named_not_linked(make_site):
    files = {name: text for name, text in FILES.items() if "jardin-partage" in name}
    files["articles/jardin-partage-en.md"] = files["articles/jardin-partage-en.md"].replace(
        "author: Jeanne Dupont", "authors: [Jeanne Dupont, Léa Traductrice]").replace(
        "Thanks to", "Translated by [Léa]({author}Léa Traductrice). Thanks to")
    site = make_site(files, name="translator")
    assert byline(site, "en/blog/jardin-partage/") == [
        ("Jeanne Dupont", "../../../en/author/jeanne-dupont/")]
    page = site.html("en/blog/jardin-partage/")
    assert "Léa Traductrice" in page.cssselect("article.entry header .meta")[0].text_content()
    assert "Translated by Léa." in page.cssselect(".entry-content")[0].text_content()
    assert not site.path("author/lea-traductrice/").exists()
    for url, target in english_links(site):
        assert "lea-traductrice" not in target, (url, target)
    # the other {author} links lead to the pages there are (James Oguya, the guest, wrote
    # nothing in this site: no page either)
    links = {a.text_content() for a in page.cssselect(".entry-content a")}
    assert links == {"Jeanne", "Sofia"}
    [warning] = [w for w in site.state.warnings if "author page" in w]
    assert "jardin-partage-en.md" in warning and "Léa Traductrice, James Oguya" in warning


def test_a_member_without_consent_is_left_out_of_bylines_and_named_nowhere(site):
    assert byline(site, "blog/withheld/") == [("Jane Doe", "../../author/jane-doe/"),
                                              ("Hugo Lefebvre", "../../members/hugo-lefebvre/")]
    assert site.path("blog/withheld-only/").exists()
    assert byline(site, "blog/withheld-only/") == []
    leaks = [str(p.relative_to(site.output)) for p in site.output.rglob("*")
             if WITHHELD.search(p.name) or (p.is_file() and WITHHELD.search(
                 p.read_bytes().decode("utf-8", errors="replace")))]
    assert leaks == []  # build.json and feeds included
    warnings = [w for w in site.state.warnings if "withheld" in w]
    assert ("content/articles/withheld.md: authors: expected members who agreed to be named "
            "(a profile with `consent: true`); the byline leaves out the others, found 1 "
            "without consent") in warnings
    assert len(warnings) == 2


def test_a_slug_no_member_has_is_a_warning_listing_only_consenting_members(site):
    warning = next(w for w in site.state.warnings if "unknown-slug.md" in w)
    assert warning.startswith("content/articles/unknown-slug.md: author: expected a known "
                              "member slug (amina-diallo, camille-roux")
    assert 'found "personne-inconnue"' in warning
    assert "marc-petit" not in warning
    assert site.path("blog/unknown-slug/").exists()
    assert not [e for e in site.state.errors if "unknown-slug" in e]


def test_a_name_close_to_a_member_gets_a_suggestion(site):
    notes = [p for p in site.state.problems.problems if p.severity == "note"
             and p.path.endswith("typo.md")]
    assert [str(n) for n in notes] == [
        "content/articles/typo.md: author: a member's slug to link the byline to the profile "
        '(did you mean camille-roux?), found "Camile Roux"']
    # a note is for `agora check`, not for build.json or the build's warnings
    assert not [w for w in site.state.warnings if "typo.md" in w]


def test_agora_check_shows_the_suggestion(site, tmp_path):
    settings = tmp_path / "pelicanconf.py"
    settings.write_text(
        f"from agora.defaults import *\nPATH = {str(site.root / 'content')!r}\n"
        f"THEME = {str(REPO / 'theme')!r}\nAGORA_NOW = '2026-11-20T10:00:00+01:00'\n"
        f"AGORA_FORUM_SNAPSHOT_DIR = {str(REPO / 'data' / 'forum')!r}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "agora.cli", "check", "-s", str(settings)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert "content/articles/typo.md" in lines  # grouped by file, the note under it
    note = lines[lines.index("content/articles/typo.md") + 1]
    assert note.startswith("  line ") and ": note: author: a member's slug" in note
    assert "(did you mean camille-roux?)" in result.stdout
    assert "marc-petit" not in result.stdout.replace("content/members/marc-petit.md", "")


def test_names_match_members_with_case_and_accents_ignored():
    index: MemberIndex = build_index({
        "helene-dupre": {"name": "Hélène Dupré"},
        "marc-petit": {"name": "Marc Petit", "unpublishable": "no consent"},
    })
    assert normalized("  HÉLÈNE   dupré ") == "helene dupre"
    assert index.match("helene dupre") == "helene-dupre"
    assert index.match("Hélène Dupré") == "helene-dupre"
    assert index.match("helene-dupre") == "helene-dupre"
    assert index.match("Hélène Duprez") is None
    assert index.match("MARC PETIT") == "marc-petit" and not index.may_name("marc-petit")
    assert index.close_to("Hélène Duprez") == "helene-dupre"
    assert index.close_to("Marc Petitt") is None  # never suggested: no consent
    assert index.public_slugs() == ["helene-dupre"]


def test_reference_errors_never_list_members_without_consent():
    from agora.content.schema import listable_keys  # noqa: PLC0415

    keys = {"camille-roux": {"unpublishable": None},
            "marc-petit": {"unpublishable": "its profile has no `consent: true`"},
            "series-slug": "Any other kind of key"}
    assert listable_keys(keys) == ["camille-roux", "series-slug"]
