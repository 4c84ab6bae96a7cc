"""The adoption corpus: bare Pelican builds every site, and builds what each was written to hold.

These tests check the corpus and the harness, not Agora.  Each site carries an
``expected.json`` written by hand from what the site is meant to contain, so a
typo in a fixture (a draft that should be published, a broken translation pair,
a custom URL that does not apply) fails here instead of silently shrinking what
the Agora comparison covers.
"""

from __future__ import annotations

import dataclasses
import locale
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins import signals

from tests.adopt.harness import (
    BUCKETS,
    SITES_DIR,
    BuildResult,
    Builds,
    ContentRecord,
    bare_build,
    expected,
    site_names,
)

# One worker builds the whole corpus, so each site is built once per session
# even under pytest-xdist.
pytestmark = pytest.mark.xdist_group("adopt-corpus")

SITES = site_names()
CONTENT_SUFFIXES = {".md", ".markdown", ".rst", ".html"}




def test_corpus_is_big_enough_and_every_site_is_small() -> None:
    assert len(SITES) >= 12
    for site in SITES:
        content = SITES_DIR / site / "content"
        files = [p for p in content.rglob("*") if p.suffix in CONTENT_SUFFIXES]
        assert 3 <= len(files) <= 8, f"{site}: {len(files)} content files"
        assert (SITES_DIR / site / "expected.json").is_file(), site


@pytest.mark.parametrize("site", SITES)
def test_bare_pelican_builds_without_errors(site: str, bare: Builds) -> None:
    result = bare(site)
    assert result.errors == []
    allowed = expected(site)["allowed_warnings"]
    unexpected = [w for w in result.warnings if not any(a in w for a in allowed)]
    assert unexpected == [], "warnings not listed in expected.json"


@pytest.mark.parametrize("site", SITES)
def test_builds_articles_or_pages_and_writes_each(site: str, bare: Builds) -> None:
    result = bare(site)
    assert result.articles or result.pages
    missing = [r.save_as for r in result.records() if not (result.output / r.save_as).is_file()]
    assert missing == []


@pytest.mark.parametrize("site", SITES)
def test_counts_are_what_the_site_was_written_to_hold(site: str, bare: Builds) -> None:
    counts = bare(site).summary()
    del counts["errors"]
    assert counts == expected(site)["counts"]


@pytest.mark.parametrize("site", SITES)
def test_records_are_what_the_site_was_written_to_hold(site: str, bare: Builds) -> None:
    result = bare(site)
    wrong = []
    for source, fields in expected(site)["records"].items():
        record = result.find(source)
        if record is None:
            wrong.append(f"{source}: not built")
            continue
        for name, want in fields.items():
            got: Any = result.bucket_of(source) if name == "bucket" else getattr(record, name)
            if name == "authors":
                got = list(got)
            if got != want:
                wrong.append(f"{source}: {name} is {got!r}, expected {want!r}")
    assert wrong == []


@pytest.mark.parametrize("site", SITES)
def test_site_level_outputs_exist(site: str, bare: Builds) -> None:
    result = bare(site)
    missing = [p for p in expected(site)["outputs"] if not (result.output / p).is_file()]
    assert missing == []


def test_bare_build_ignores_receivers_already_connected_and_leaks_nothing(
    bare: Builds, tmp_path: Path
) -> None:
    """An Agora build earlier in the process leaves its receivers on Pelican's signals.

    A bare build must not run them, must leave them connected, and must put
    back the process state it touches, so bare and Agora builds can share a
    test session in any order.
    """
    calls: list[str] = []

    def foreign(sender: object, **_kwargs: object) -> None:
        calls.append(type(sender).__name__)

    connected = [signals.readers_init, signals.article_generator_finalized, signals.finalized]
    for signal in connected:
        signal.connect(foreign)
    handlers = list(logging.getLogger().handlers)
    before_locale = locale.setlocale(locale.LC_ALL)
    before_conf = sys.modules.get("pelicanconf")
    try:
        again = bare_build("usergroup-markdown", tmp_path)
        assert calls == []
        assert all(foreign in list(s.receivers_for(None)) for s in connected)
    finally:
        for signal in connected:
            signal.disconnect(foreign)
    assert logging.getLogger().handlers == handlers
    assert locale.setlocale(locale.LC_ALL) == before_locale
    assert sys.modules.get("pelicanconf") is before_conf
    first = bare("usergroup-markdown")
    assert again.buckets() == first.buckets()
    assert again.differences(first) == []


def test_records_compare_on_location_language_and_status_only() -> None:
    record = ContentRecord(source="a.md", url="a.html", save_as="a.html", lang="en",
                           status="published", kind="article", slug="a", title="A")
    retitled = dataclasses.replace(record, title="<em>A</em>", slug="other", authors=("X",))
    moved = dataclasses.replace(record, url="posts/a/", save_as="posts/a/index.html")
    assert record == retitled
    assert record != moved


def test_differences_name_moved_missing_and_misfiled_content() -> None:
    def article(source: str, url: str, status: str = "published") -> ContentRecord:
        return ContentRecord(source=source, url=url, save_as=url, lang="en", status=status,
                             kind="article", slug=source, title=source)

    reference = BuildResult(output=Path("ref"), articles={
        "a.md": article("a.md", "a.html"),
        "b.md": article("b.md", "b.html"),
        "c.md": article("c.md", "c.html"),
    })
    candidate = BuildResult(output=Path("cand"), articles={
        "a.md": article("a.md", "posts/a.html"),
    }, drafts={"c.md": article("c.md", "drafts/c.html", "draft")})
    lines = reference.differences(candidate)
    assert len(lines) == 3
    assert lines[0].startswith("articles: a.md ('a.md', 'a.html'")
    assert lines[1] == "articles: b.md missing"
    assert lines[2] == "articles: c.md found in drafts"
    assert set(reference.comparable()) == set(BUCKETS)
