"""Preview rebuilds re-render only what an edit changed, and never leave a stale page.

The reference for "not stale" is a cold build of the same content: after every
incremental rebuild, the output must be byte-identical to it (``build.json``
aside, which reports how the build went).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agora import search
from tests.conftest import REPO, build, build_report, output_files, write_files

sys.path.insert(0, str(REPO / "tools"))

import corpus

ARTICLES = 24


def bump(path: Path) -> None:
    """Give an edited file a modification time no filesystem granularity can hide."""
    moment = max(time.time_ns(), path.stat().st_mtime_ns + 2_000_000_000)
    os.utime(path, ns=(moment, moment))


def append_body(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text}\n")
    bump(path)



class Hub:
    """A synthetic hub (tools/corpus.py) built again and again with the content cache."""

    def __init__(self, root: Path, source: corpus.CorpusInfo, **override: Any):
        self.root = root
        self.snapshot = source.forum_snapshot
        shutil.copytree(source.agora_content, root / "content")
        self.override = override

    @property
    def articles(self) -> list[Path]:
        return sorted((self.root / "content" / "articles").glob("*.md"))

    def build(self, **override: Any) -> dict[str, Any]:
        self.last = build(self.root, LOAD_CONTENT_CACHE=True,
                          AGORA_FORUM_SNAPSHOT_DIR=str(self.snapshot),
                          **{**self.override, **override})
        return build_report(self.root).get("incremental", {})

    def cold_twin(self, tmp: Path) -> dict[str, bytes]:
        """A cold build of this hub's current content, in its own folder."""
        twin = tmp / f"twin-{time.monotonic_ns()}"
        shutil.copytree(self.root / "content", twin / "content")
        build(twin, LOAD_CONTENT_CACHE=False, AGORA_FORUM_SNAPSHOT_DIR=str(self.snapshot))
        assert "incremental" not in build_report(twin), "a cold build (no cache) renders everything"
        return output_files(twin)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> corpus.CorpusInfo:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), ARTICLES, seed=3)


@pytest.fixture(scope="module")
def story(source: corpus.CorpusInfo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """First build, rebuild without change, body edit, title edit; each compared to cold."""
    tmp = tmp_path_factory.mktemp("incremental")
    hub = Hub(tmp / "hub", source)
    seen: dict[str, Any] = {"first": hub.build()}
    unrelated = hub.root / "output" / "blog" / hub.articles[5].stem / "index.html"
    unrelated_mtime = unrelated.stat().st_mtime_ns
    search_index = hub.root / "output" / "pagefind" / "pagefind-entry.json"
    indexed_at = [search_index.stat().st_mtime_ns]

    seen["unchanged"] = hub.build()
    indexed_at.append(search_index.stat().st_mtime_ns)
    edited = hub.articles[3]
    append_body(edited, "Une précision ajoutée après relecture.")
    seen["body"] = hub.build()
    indexed_at.append(search_index.stat().st_mtime_ns)
    seen["indexed_at"] = indexed_at
    seen["body_page"] = (hub.root / "output" / "blog" / edited.stem / "index.html").read_text(
        "utf-8")
    seen["unrelated_untouched"] = unrelated.stat().st_mtime_ns == unrelated_mtime
    seen["body_matches_cold"] = output_files(hub.root) == hub.cold_twin(tmp)

    retitled = hub.articles[7]
    text = retitled.read_text("utf-8").replace("title: \"", "title: \"Nouveau titre : ", 1)
    retitled.write_text(text, "utf-8")
    bump(retitled)
    seen["title"] = hub.build()
    seen["title_matches_cold"] = output_files(hub.root) == hub.cold_twin(tmp)
    seen["title_page"] = (hub.root / "output" / "blog" / retitled.stem / "index.html"
                          ).read_text("utf-8")
    seen["title_shown_on"] = sorted(
        name for name, data in output_files(hub.root).items()
        if name.endswith(".html") and b"Nouveau titre : " in data)
    seen["hub"] = hub
    return seen


def test_search_is_indexed_again_only_when_a_page_changed(story: dict[str, Any]) -> None:
    first, unchanged, body = story["indexed_at"]
    assert unchanged == first  # nothing written: Pagefind's index is kept
    assert body > first  # a page rewritten: indexed again


def test_first_build_is_full(story: dict[str, Any]) -> None:
    assert story["first"]["mode"] == "full"
    assert story["first"]["reason"] == "no previous build"
    assert story["first"]["rendered"] > ARTICLES


def test_rebuild_without_change_renders_nothing(story: dict[str, Any]) -> None:
    assert story["unchanged"]["mode"] == "incremental", story["unchanged"]
    assert story["unchanged"]["rendered"] == 0
    assert story["unchanged"]["skipped"] == story["first"]["rendered"]


def test_body_edit_renders_only_its_page(story: dict[str, Any]) -> None:
    assert story["body"]["mode"] == "incremental", story["body"]
    assert story["body"]["edited_files"] == 1
    assert story["body"]["rendered"] == 1
    assert "Une précision ajoutée après relecture." in story["body_page"]
    assert story["unrelated_untouched"], "an unrelated page was written again"


def test_body_edit_output_equals_a_cold_build(story: dict[str, Any]) -> None:
    assert story["body_matches_cold"]


def test_title_edit_renders_its_page_and_the_listings_showing_it(story: dict[str, Any]
                                                                ) -> None:
    assert story["title"]["mode"] == "incremental", story["title"]
    assert story["title"]["reason"] == "1 edited file(s), titles changed"
    assert "Nouveau titre : " in story["title_page"]
    assert len(story["title_shown_on"]) > 1, "its listings show the new title"
    assert 1 < story["title"]["rendered"] < story["first"]["rendered"], story["title"]
    assert story["title_matches_cold"]


def test_date_edit_rebuilds_every_page(fresh_hub: Hub, tmp_path: Path) -> None:
    """A new date moves the article in every listing: the rules cannot tell, all is rendered."""
    edited = fresh_hub.articles[4]
    text = edited.read_text("utf-8")
    assert "date: 20" in text
    edited.write_text(text.replace("date: 20", "date: 19", 1), "utf-8")
    bump(edited)
    result = fresh_hub.build()
    assert result["mode"] == "full"
    assert "what listings show changed" in result["reason"], result
    assert output_files(fresh_hub.root) == fresh_hub.cold_twin(tmp_path)


@pytest.fixture()
def fresh_hub(source: corpus.CorpusInfo, tmp_path: Path) -> Hub:
    hub = Hub(tmp_path / "hub", source)
    hub.build()
    return hub


def test_new_file_rebuilds_everything(fresh_hub: Hub) -> None:
    copy = fresh_hub.articles[0].read_text("utf-8").replace("title: \"", "title: \"Copie ", 1)
    (fresh_hub.root / "content" / "articles" / "une-copie.md").write_text(copy, "utf-8")
    assert fresh_hub.build()["reason"] == "content files were added, removed or failed"


def test_template_change_rebuilds_everything(fresh_hub: Hub, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    fresh_hub.override["THEME"] = str(theme)
    assert fresh_hub.build()["reason"].startswith("changed: settings")  # another folder
    assert fresh_hub.build()["mode"] == "incremental"
    page = theme / "templates" / "article.html"
    page.write_text(page.read_text("utf-8") + "\n", "utf-8")
    bump(page)
    assert fresh_hub.build()["reason"] == "changed: theme"


def test_missing_output_page_rebuilds_everything(fresh_hub: Hub) -> None:
    shutil.rmtree(fresh_hub.root / "output" / "blog")
    result = fresh_hub.build()
    assert result["mode"] == "full" and "missing from the output" in result["reason"]
    assert (fresh_hub.root / "output" / "blog" / "index.html").is_file()


def test_passed_next_change_rebuilds_everything(fresh_hub: Hub,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The corpus's newest article is scheduled for 19:00 on the day of the pinned
    # "now" (10:00): by 23:00 the same day it is live, so listings changed.
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T23:00:00+01:00")
    result = fresh_hub.build()
    assert result["mode"] == "full"
    assert "has passed" in result["reason"], result


def test_can_be_turned_off(fresh_hub: Hub) -> None:
    assert fresh_hub.build(AGORA_INCREMENTAL=False) == {}, "no plan, every page rendered"


def test_a_retitled_translation_is_retitled_on_the_english_listings(tmp_path: Path) -> None:
    """English listings (the blog, the author's page) show the translation: a new title is
    rendered there, as a cold build writes it."""
    root = tmp_path / "hub"
    write_files(root / "content", {
        "articles/jardin.md": "---\ntitle: Un jardin\ndate: 2026-10-01\n"
                              "author: Jeanne Dupont\n---\nTexte.\n",
        "articles/jardin-en.md": "---\ntitle: A garden\nslug: jardin\nlang: en\n"
                                 "date: 2026-10-01\nauthor: Jeanne Dupont\n---\nText.\n"})
    build(root, LOAD_CONTENT_CACHE=True)
    translation = root / "content" / "articles" / "jardin-en.md"
    translation.write_text(translation.read_text("utf-8").replace("A garden", "Our garden"),
                           "utf-8")
    bump(translation)
    build(root, LOAD_CONTENT_CACHE=True)
    assert build_report(root)["incremental"]["reason"] == "1 edited file(s), titles changed"
    listing = root / "output" / "en" / "author" / "jeanne-dupont" / "index.html"
    assert "Our garden" in listing.read_text("utf-8")
    twin = tmp_path / "cold"
    shutil.copytree(root / "content", twin / "content")
    build(twin)
    assert output_files(root) == output_files(twin)


def shard_contents(output: Path) -> dict[str, dict[str, Any]]:
    """Each bundle of the search index (its folder) -> its pages' fragments, by URL:
    what the index holds, whatever names Pagefind gave its files."""
    shards = {}
    for entry in sorted((output / "pagefind").rglob("pagefind-entry.json")):
        fragments = {}
        for fragment in (entry.parent / "fragment").glob("*.pf_fragment"):
            data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
            fragments[json.loads(data)["url"]] = json.loads(data)
        shards[entry.parent.relative_to(output).as_posix()] = fragments
    return shards


def test_a_body_edit_indexes_again_only_the_shard_of_its_page(
        source: corpus.CorpusInfo, tmp_path: Path) -> None:
    hub = Hub(tmp_path / "hub", source, AGORA_SEARCH_SHARD_PAGES=10)
    hub.build()
    assert search.indexed_by_last_build(hub.last.settings)
    output = hub.root / "output"
    entries = sorted((output / "pagefind").rglob("pagefind-entry.json"))
    assert len(entries) >= 3, "the corpus is indexed in several shards"

    def stamps() -> dict[Path, int]:
        return {entry: entry.stat().st_mtime_ns for entry in entries}

    first = stamps()
    assert hub.build()["rendered"] == 0
    assert stamps() == first  # no page written: the index is kept

    edited = hub.articles[3]
    append_body(edited, "Le mot zanzibar, ajouté après relecture.")
    assert hub.build()["rendered"] == 1
    url = f"/blog/{edited.stem}/"
    holder = next(name for name, pages in shard_contents(output).items() if url in pages)
    again = [e.parent.relative_to(output).as_posix() for e, ns in stamps().items()
             if ns != first[e]]
    assert again == [holder]  # that shard alone was indexed again
    # not the whole index: the preview server keeps what its in-memory edits changed
    assert not search.indexed_by_last_build(hub.last.settings)
    assert "zanzibar" in shard_contents(output)[holder][url]["content"]

    twin = tmp_path / "twin"
    shutil.copytree(hub.root / "content", twin / "content")
    build(twin, AGORA_FORUM_SNAPSHOT_DIR=str(hub.snapshot), AGORA_SEARCH_SHARD_PAGES=10)
    assert shard_contents(output) == shard_contents(twin / "output")  # as a cold build's
    assert json.loads((output / "pagefind" / "shards.json").read_text()) == json.loads(
        (twin / "output" / "pagefind" / "shards.json").read_text())
