"""Bylines: member slugs or people's names, as in Pelican; members only with their consent."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from agora.members.authors import MemberIndex, build_index, normalized
from tests.conftest import REPO, Site

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
    # members have their profile, not an author page
    assert not site.path("author/camille-roux/").exists()
    assert not site.path("author/ines-moreau/").exists()
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
