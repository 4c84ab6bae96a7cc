"""Search (agora.search): Pagefind indexes published content only; without it, one warning.

Queries in a browser are in tests/browser/test_visitors.py.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from agora import search
from agora.search import shards
from tests.conftest import REPO, some_articles

ARTICLE = "---\ntitle: Un article\ndate: 2026-11-01\n---\nTexte.\n"


def indexed_pages(site):
    return sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html")
                  if "data-pagefind-body" in p.read_text(encoding="utf-8"))


def test_the_build_indexes_articles_events_members_and_pages(demo_site):
    entry = json.loads(demo_site.text("pagefind/pagefind-entry.json"))
    pages = indexed_pages(demo_site)
    assert entry["languages"]["fr"]["page_count"] == len(pages)  # one index, every language
    for url in ("blog/astuce-semences/", "events/atelier-compost/", "members/camille-roux/",
                "charter/", "en/charter/", "about/", "onboarding/"):
        assert url + "index.html" in pages, url
    assert (demo_site.output / "pagefind" / "pagefind.js").exists()


def test_listings_drafts_archives_and_the_404_are_not_indexed(demo_site):
    pages = indexed_pages(demo_site)
    for url in ("index.html", "blog/index.html", "blog/page/2/index.html", "events/index.html",
                "members/index.html", "tag/compost/index.html", "search/index.html",
                "404.html", "charter/v/1.0/index.html"):
        assert url not in pages, url
    assert not [p for p in pages if p.startswith("drafts/")]
    assert demo_site.path("drafts/astuce-planifier-saison/").exists()  # previewed, not indexed
    assert not demo_site.path("members/marc-petit/").exists()  # no consent: no page at all


def test_filters_and_metadata_are_on_the_indexed_pages(demo_site):
    event = demo_site.html("events/atelier-compost/")
    body = event.cssselect("[data-pagefind-body]")[0]
    assert body.get("data-pagefind-filter") == "type:event"
    assert body.get("data-pagefind-meta").startswith("start:2026-12-05T10:00")
    assert event.cssselect('[data-pagefind-filter="lang:fr"]')
    assert event.cssselect('[data-pagefind-meta="when"]')
    member = demo_site.html("members/camille-roux/")
    assert member.cssselect("[data-pagefind-body]")[0].get("data-pagefind-filter") == (
        "type:member")
    assert member.cssselect('[data-pagefind-meta^="roles:"]')
    assert member.cssselect('[data-pagefind-filter="role"]')
    english = demo_site.html("en/charter/")
    assert english.cssselect('[data-pagefind-filter="lang:en"]')


def test_a_scheduled_post_is_not_indexed(make_site):
    site = make_site({"articles/plus-tard.md": "---\ntitle: Plus tard\ndate: 2026-12-24\n---\n"
                                               "Bientôt.\n", "articles/un.md": ARTICLE},
                     name="scheduled", with_demo_members=False)
    assert "blog/un/index.html" in indexed_pages(site)
    assert not [p for p in indexed_pages(site) if "plus-tard" in p]


def test_without_the_binary_the_site_is_built_with_one_warning(make_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    site = make_site({"articles/un.md": ARTICLE}, name="no-pagefind", with_demo_members=False)
    assert [w for w in site.state.warnings if "Pagefind" in w] == site.state.warnings
    assert len(site.state.warnings) == 1
    assert not (site.output / "pagefind").exists()
    assert site.path("blog/un/").exists()
    page = site.text("search/")
    assert "search.js" not in page and "La recherche est indisponible" in page
    report = json.loads(site.text("build.json"))
    assert len([w for w in report["warnings"] if "Pagefind" in w]) == 1


def test_a_rebuild_leaves_no_stale_index_file(make_site):
    site = make_site({"articles/un.md": ARTICLE}, name="reindex", with_demo_members=False)
    stale = site.output / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.write_bytes(b"old")
    search.index_pages(site.settings, search.pagefind_binary(), site.output / "pagefind", None)
    assert not stale.exists()
    assert (site.output / "pagefind" / "pagefind-entry.json").exists()


def test_pagefind_reads_the_marked_pages_alone_at_their_paths(tmp_path):
    output = tmp_path / "output"
    (output / "blog" / "un").mkdir(parents=True)
    (output / "blog" / "un" / "index.html").write_text('<main data-pagefind-body>Un</main>')
    (output / "index.html").write_text("<main>Accueil</main>")
    with search.staged_pages(output, tmp_path / "cache") as site:
        assert site != output
        assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) == [
            "blog/un/index.html"]
        assert (site / "blog/un/index.html").read_text() == '<main data-pagefind-body>Un</main>'
    assert not site.exists()  # nothing left in the cache


def test_with_no_marked_page_every_page_but_the_unpublished_ones_is_indexed(tmp_path):
    output = tmp_path / "output"
    (output / "drafts" / "x").mkdir(parents=True)
    (output / "index.html").write_text("<main>Accueil</main>")
    (output / "drafts" / "x" / "index.html").write_text(
        '<div data-preview-banner>Aperçu</div><main>Brouillon</main>')
    with search.staged_pages(output, tmp_path / "cache") as site:
        assert site != output  # Pagefind would index every page: not a preview's draft
        assert [p.relative_to(site).as_posix() for p in site.rglob("*.html")] == ["index.html"]


def test_pagefind_reads_the_output_when_the_cache_cannot_be_written(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "page.html").write_text("<main data-pagefind-body>Page</main>")
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("")
    with search.staged_pages(output, not_a_folder) as site:
        assert site == output


def spy_binary(folder, real):
    """A Pagefind that notes the folder it was given and the pages in it, then indexes."""
    spy = folder / "pagefind-spy"
    spy.write_text('#!/bin/sh\nsite=""\nprev=""\nfor a in "$@"; do\n'
                   '  [ "$prev" = "--site" ] && site="$a"\n  prev="$a"\ndone\n'
                   f'echo "$site" > "{folder}/site.txt"\n'
                   f'(cd "$site" && find . -name "*.html" | sort) > "{folder}/pages.txt"\n'
                   f'exec "{real}" "$@"\n')
    spy.chmod(0o755)
    return str(spy)




@pytest.mark.parametrize("workers", [1, 2])
def test_pagefind_reads_the_pages_linked_as_they_were_written(make_site, monkeypatch,
                                                              tmp_path, workers):
    real = search.pagefind_binary()
    monkeypatch.setattr(search, "pagefind_binary", lambda: spy_binary(tmp_path, real))
    site = make_site(some_articles(60), name=f"staged-{workers}", with_demo_members=False,
                     AGORA_RENDER_WORKERS=workers)
    assert site.state.report.get("parallel_rendering", {}).get("workers", 1) == workers
    given = Path((tmp_path / "site.txt").read_text().strip())
    assert given.parent == Path(site.settings["CACHE_PATH"])  # a staging folder, not the output
    assert not given.exists()  # removed once indexed
    read = [line.removeprefix("./") for line in (tmp_path / "pages.txt").read_text().split()]
    assert read == indexed_pages(site) and len(read) == 60
    entry = json.loads(site.text("pagefind/pagefind-entry.json"))
    assert entry["languages"]["fr"]["page_count"] == len(read)


def test_a_pagefind_failure_is_in_the_build_report(make_site, monkeypatch, tmp_path):
    failing = tmp_path / "pagefind-fails"
    failing.write_text("#!/bin/sh\necho 'Error: no space left to write the index' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: str(failing))
    site = make_site(some_articles(60), name="pagefind-fails", with_demo_members=False)
    assert site.path("blog/a1/").exists()
    expected = [w for w in site.state.warnings if "no space left to write the index" in w]
    assert len(expected) == 1 and "expected Pagefind to index the site" in expected[0]
    report = json.loads(site.text("build.json"))
    assert [w for w in report["warnings"] if "no space left" in w] == expected
    assert not [p for p in Path(site.settings["CACHE_PATH"]).iterdir()
                if p.name.startswith("search-")]


def test_without_agora_render_the_index_is_made_at_the_end(make_site):
    from pelican.settings import read_settings  # noqa: PLC0415

    plugins = [p for p in read_settings(str(REPO / "pelicanconf.py"))["PLUGINS"]
               if p != "agora.render"]
    site = make_site(some_articles(5), name="no-render", with_demo_members=False,
                     PLUGINS=plugins)
    entry = json.loads(site.text("pagefind/pagefind-entry.json"))
    assert entry["languages"]["fr"]["page_count"] == len(indexed_pages(site)) == 5


def test_an_incomplete_staging_folder_gives_way_to_the_output(tmp_path):
    output = tmp_path / "output"
    for name in ("un", "deux"):
        (output / "blog" / name).mkdir(parents=True)
        (output / "blog" / name / "index.html").write_text("<main data-pagefind-body>x</main>")
    staged = tmp_path / "cache" / "search-x"
    search.link_page(output / "blog/un/index.html", staged / "blog/un/index.html")
    (staged / search.INCOMPLETE).touch()  # "deux" could not be linked
    with search.pages_to_index(output, tmp_path / "cache", staged) as site:
        assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) == [
            "blog/deux/index.html", "blog/un/index.html"]
    assert not staged.exists()


# --- shards: a big hub is indexed in bounded Pagefind runs, merged in the browser -----------

def fragment_urls(bundle: Path) -> list[str]:
    """The page addresses a Pagefind bundle holds (its fragments: gzip, then JSON)."""
    urls = []
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.append(json.loads(data)["url"])
    return urls


def test_a_big_hub_is_indexed_in_shards_of_bounded_size(sharded_site):
    index = sharded_site.output / "pagefind"
    listed = json.loads((index / shards.SHARD_LIST).read_text())
    assert listed == {"shards": ["shard-2/", "shard-3/"]}
    bundles = [index, index / "shard-2", index / "shard-3"]
    counts = [json.loads((b / "pagefind-entry.json").read_text())["languages"]["fr"]["page_count"]
              for b in bundles]
    assert counts == [20, 20, 20]  # 60 pages dealt out in turn, at most 25 in each
    urls = [url for bundle in bundles for url in fragment_urls(bundle)]
    assert len(urls) == len(set(urls)) == 60  # each page in one shard alone
    assert sorted(u.strip("/") + "/index.html" for u in urls) == indexed_pages(sharded_site)
    assert (index / "pagefind.js").exists()
    for shard in bundles[1:]:  # the first shard's script and WebAssembly search them all
        assert not list(shard.glob("*.js")) and not list(shard.glob("wasm.*"))


def test_a_whole_index_lists_no_shard(demo_site):
    assert json.loads(demo_site.text("pagefind/shards.json")) == {"shards": []}
    assert not list((demo_site.output / "pagefind").glob("shard-*"))


def test_shards_are_dealt_in_turn_and_removed_afterwards(tmp_path):
    site = tmp_path / "site"
    for number in range(5):
        (site / f"p{number}").mkdir(parents=True)
        (site / f"p{number}" / "index.html").write_text(f"<main data-pagefind-body>{number}</main>")
    with shards.shard_folders(site, tmp_path / "cache", 2) as dealt:
        assert [sorted(p.relative_to(s.folder).as_posix() for p in s.folder.rglob("*.html"))
                for s in dealt] == [["p0/index.html", "p3/index.html"],
                                    ["p1/index.html", "p4/index.html"], ["p2/index.html"]]
        assert [s.pages for s in dealt] == [["p0/index.html", "p3/index.html"],
                                            ["p1/index.html", "p4/index.html"], ["p2/index.html"]]
    assert not any(s.folder.exists() for s in dealt)
    with shards.shard_folders(site, tmp_path / "cache", 5) as dealt:
        assert [s.folder for s in dealt] == [site]


def test_a_failing_shard_stops_the_index_with_one_warning(make_site, monkeypatch, tmp_path):
    real = search.pagefind_binary()
    calls = tmp_path / "calls"
    flaky = tmp_path / "pagefind-flaky"  # the second run fails
    flaky.write_text(f'#!/bin/sh\necho run >> "{calls}"\n'
                     f'if [ "$(wc -l < "{calls}")" -eq 2 ]; then\n'
                     f'  echo "Error: disk full" >&2; exit 1\nfi\nexec "{real}" "$@"\n')
    flaky.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: str(flaky))
    site = make_site(some_articles(30), name="shard-fails", with_demo_members=False,
                     AGORA_SEARCH_SHARD_PAGES=10)
    assert len(calls.read_text().split()) == 2  # the third shard is not indexed
    assert [w for w in site.state.warnings if "disk full" in w]
    assert not (site.output / "pagefind" / shards.SHARD_LIST).exists()  # search.js: no shards


def test_which_shards_an_incremental_build_indexes_again():
    record = [["a/index.html", "c/index.html"], ["b/index.html", "d/index.html"]]
    written = {"c/index.html", "blog/index.html"}  # a listing is written, never indexed
    assert shards.shards_to_update(record, written, {"c/index.html"}) == [1]
    assert shards.shards_to_update(record, {"blog/index.html"}, set()) == []  # index kept
    assert shards.shards_to_update(record, {"a/index.html", "d/index.html"},
                                   {"a/index.html", "d/index.html"}) == [1, 2]
    # a new page to index, or an indexed page written without the mark: every page again
    assert shards.shards_to_update(record, {"e/index.html"}, {"e/index.html"}) is None
    assert shards.shards_to_update(record, {"c/index.html"}, set()) is None


def test_a_shard_made_again_replaces_its_own_files_alone(tmp_path):
    index, fresh = tmp_path / "pagefind", tmp_path / "fresh"
    for path in ("pagefind-entry.json", "fragment/old.pf_fragment", "shards.json",
                 "shard-2/pagefind-entry.json", "shard-2/fragment/two.pf_fragment"):
        (index / path).parent.mkdir(parents=True, exist_ok=True)
        (index / path).write_text("old")
    for path in ("pagefind-entry.json", "fragment/new.pf_fragment", "pagefind.js"):
        (fresh / path).parent.mkdir(parents=True, exist_ok=True)
        (fresh / path).write_text("new")
    shards.install_shard(index, 1, fresh)
    assert sorted(p.relative_to(index).as_posix() for p in index.rglob("*") if p.is_file()) == [
        "fragment/new.pf_fragment", "pagefind-entry.json", "pagefind.js",
        "shard-2/fragment/two.pf_fragment", "shard-2/pagefind-entry.json", "shards.json"]
    assert (index / "shards.json").read_text() == "old"
    again = tmp_path / "again"
    (again / "fragment").mkdir(parents=True)
    (again / "fragment" / "three.pf_fragment").write_text("new")
    (again / "wasm.fr.pagefind").write_text("unused in a shard")
    shards.install_shard(index, 2, again)
    assert sorted(p.name for p in (index / "shard-2").rglob("*") if p.is_file()) == [
        "three.pf_fragment"]
