"""Consent first: a member who did not say yes appears nowhere, under any name."""

from __future__ import annotations

import re
from pathlib import Path

from agora.members.checks import unpublished_profiles
from tests.conftest import REPO, Site

# The demo's non-consenting member: name, slug, forum username.
WITHHELD = (re.compile(r"marc[\s-]petit", re.IGNORECASE), re.compile(r"\bmarc\.p\b"))


def leaks(site: Site, patterns: tuple[re.Pattern[str], ...], skip: tuple[str, ...] = ()
          ) -> list[str]:
    """Every output file whose path or bytes match one of ``patterns``."""
    found = []
    for file in sorted(site.output.rglob("*")):
        relative = file.relative_to(site.output).as_posix()
        if relative in skip:
            continue
        text = relative
        if file.is_file():
            text += "\n" + file.read_bytes().decode("utf-8", errors="replace")
        found += [f"{relative}: {p.pattern}" for p in patterns if p.search(text)]
    return found


def test_the_demo_has_a_member_without_consent():
    profile = (REPO / "content" / "members" / "marc-petit.md").read_text(encoding="utf-8")
    assert "consent: false" in profile and "name: Marc Petit" in profile


def test_the_scan_finds_names_that_are_published(demo_site):
    # the same scan finds a consenting member everywhere: it can fail
    assert leaks(demo_site, (re.compile(r"camille[\s-]roux", re.IGNORECASE),))


def test_non_consenting_member_appears_nowhere_in_the_demo_output(demo_site):
    assert not demo_site.path("members/marc-petit/").exists()
    assert leaks(demo_site, WITHHELD) == []


def test_withheld_forum_accounts_are_not_featured_by_member_pages(edge_site):
    # marc.p (no consent) tops the forum directory; lea_potager's consent lapsed
    patterns = (*WITHHELD, re.compile("lea_potager"), re.compile("Léa du Potager"))
    for url in ("members/", "", "members/camille-roux/"):
        html = edge_site.text(url)
        assert not [p.pattern for p in patterns if p.search(html)], url
    top = [li.text_content() for li in
           edge_site.html("members/").cssselect(".top-contributors li")]
    assert top and "Camille Roux" in top[0]


def test_withheld_forum_accounts_appear_nowhere_in_the_output(edge_site):
    # build.json included: the warning about by-marc.md does not name him
    assert leaks(edge_site, WITHHELD) == []


def test_an_article_by_a_member_without_consent_is_published_without_his_name(edge_site):
    # `author:` is Pelican's field: the article is built, the byline leaves Marc out
    article = edge_site.html("blog/by-marc/")
    assert article.cssselect("h1")[0].text_content() == "Un article de Marc"
    assert not article.cssselect("a[rel=author]")
    assert not (edge_site.output / "author").exists()
    expected = ("content/articles/by-marc.md: author: expected members who agreed to be named "
                "(a profile with `consent: true`); the byline leaves out the others, "
                "found 1 without consent")
    assert expected in edge_site.state.warnings
    assert not [e for e in edge_site.state.errors if "by-marc" in e]


def test_check_notes_profiles_waiting_for_consent(demo_site):
    notes = unpublished_profiles({**demo_site.settings, "PATH": str(REPO / "content")})
    assert [(Path(n.path).name, n.field, n.severity) for n in notes] == [
        ("marc-petit.md", "consent", "note")]
    assert "found false" in str(notes[0])
