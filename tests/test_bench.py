"""The benchmark harness runs end to end on a tiny corpus (this is not a timed test).

What is checked: the corpus is deterministic and has the announced shape, and
one benchmark run writes a JSON result and a Markdown table with every variant,
sane figures, the preview server's edits, how figures grow with the number of
articles, and the targets of issue #16.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import bench  # noqa: E402
import corpus  # noqa: E402

TINY = 20


def test_same_seed_gives_identical_corpus(tmp_path: Path) -> None:
    first = corpus.generate(tmp_path / "a", 30, seed=11)
    second = corpus.generate(tmp_path / "b", 30, seed=11)
    files_a = list(corpus.corpus_files(first.root))
    assert files_a == list(corpus.corpus_files(second.root))
    assert len(files_a) > 30
    other = corpus.generate(tmp_path / "c", 30, seed=12)
    assert files_a != list(corpus.corpus_files(other.root)), "the seed must matter"


def test_corpus_has_the_announced_shape(tmp_path: Path) -> None:
    info = corpus.generate(tmp_path, 70)
    assert (info.events, info.members, info.forum_topics) == (7, 10, 35)
    assert len(info.article_files()) == 70
    assert len(list((info.agora_content / "events").glob("*.md"))) == 7
    assert len(list((info.agora_content / "members").glob("*.md"))) == 10
    bare = sorted(p.name for p in (info.bare_content / "articles").glob("*.md"))
    assert bare == [p.name for p in info.article_files()], "the baseline has the same articles"
    snapshot = json.loads((info.forum_snapshot / "snapshot.json").read_text(encoding="utf-8"))
    assert snapshot["format"] == 1 and len(snapshot["topics"]) == 35


def test_baseline_article_has_the_same_body_with_native_metadata(tmp_path: Path) -> None:
    info = corpus.generate(tmp_path, 10)
    agora_text = info.article_files()[0].read_text(encoding="utf-8")
    bare_text = (info.bare_content / "articles" / info.article_files()[0].name).read_text(
        encoding="utf-8")
    assert agora_text.startswith("---\n") and bare_text.startswith("Title: ")
    agora_body = agora_text.split("\n---\n", 1)[1]
    bare_body = bare_text.split("\n\n", 1)[1]
    assert agora_body == bare_body
    assert "## " in agora_body, "articles have headings"


def test_non_consenting_members_are_never_referenced(tmp_path: Path) -> None:
    info = corpus.generate(tmp_path, 200)
    refused = [p.stem for p in (info.agora_content / "members").glob("*.md")
               if "consent: false" in p.read_text(encoding="utf-8")]
    assert refused, "the corpus has members without consent, as real hubs do"
    for path in [*info.article_files(), *(info.agora_content / "events").glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert not any(slug in text for slug in refused), path


def test_benchmark_run_writes_every_variant_target_and_table(tmp_path: Path) -> None:
    """One run on 20 articles, one repeat (one test: the run is the slow part)."""
    status = bench.main(["--sizes", str(TINY), "--repeats", "1", "--out", str(tmp_path),
                         "--keep-work", "--quiet"])
    assert status == 0, "the benchmark failed (its error is printed above)"
    result = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    check_result(result)
    check_table((tmp_path / "bench.md").read_text(encoding="utf-8"))
    check_edit(tmp_path / "work" / f"n{TINY}")


def check_result(result: dict[str, Any]) -> None:
    assert result["machine"]["nproc"] >= 1 and result["machine"]["pelican"]
    size = result["sizes"][str(TINY)]
    assert size["baseline"] == "bare-pelican"
    assert list(size["variants"]) == [v.name for v in bench.VARIANTS]
    for name, entry in size["variants"].items():
        assert len(entry["runs"]) == 1, name
        run = entry["runs"][0]
        assert run["wall_s"] > 0 and run["cpu_s"] > 0 and run["max_rss_mb"] > 10, (name, run)
        if not name.startswith("agora-serve"):  # the server built them before timing
            assert run["articles_built"] == TINY, name
        assert run["html_pages"] > TINY, name
        assert entry["median"]["wall_s"] == run["wall_s"]
        assert entry["ratio_to_baseline"]["wall_s"] > 0
    assert size["variants"]["bare-pelican"]["ratio_to_baseline"]["wall_s"] == 1.0
    # preview variants measure what they claim: a rebuild from the content cache
    warm = size["variants"]["agora-warm"]["runs"][0]
    assert (warm["build_mode"], warm["pages_rendered"]) == ("incremental", 0), warm
    edit = size["variants"]["agora-edit"]["runs"][0]
    assert (edit["build_mode"], edit["pages_rendered"]) == ("incremental", 1), edit
    cold = size["variants"]["agora-cold"]["runs"][0]
    assert cold["build_mode"] == "full" and cold["pages_rendered"] > TINY, cold
    one_core = size["variants"]["agora-cold-one-core"]["runs"][0]
    assert (one_core["read_workers"], one_core["render_workers"]) == (1, None), one_core
    # the preview server rewrote one page for a body, the page and listings for a title
    body = size["variants"]["agora-serve-body"]["runs"][0]
    assert (body["build_mode"], body["pages_rendered"]) == ("incremental", 1), body
    title = size["variants"]["agora-serve-title"]["runs"][0]
    assert title["build_mode"] == "incremental" and title["pages_rendered"] > 1, title
    assert result["load_start"] is None or len(result["load_start"]) == 3
    assert [t["label"] for t in size["targets"]] == [t.label for t in bench.TARGETS]
    for target in size["targets"]:
        assert isinstance(target["met"], bool)
        assert target["value"] == pytest.approx(target["value"])  # a number, not NaN


def check_table(table: str) -> None:
    for variant in bench.VARIANTS:
        assert f"| {variant.name} |" in table
    assert "× bare wall" in table and "Forum snapshot adds" in table


def check_edit(work: Path) -> None:
    """The edit variant edited one article, and its timed rebuild shows the edit."""
    articles = work / "dev-content" / "agora-edit" / "articles"
    edited = [p for p in articles.glob("*.md") if "Paragraphe ajouté" in p.read_text("utf-8")]
    assert len(edited) == 1
    output = work / "output" / "agora-edit"
    pages = [output / folder / edited[0].stem / "index.html" for folder in ("blog", "drafts")]
    page = next((p for p in pages if p.is_file()), None)
    assert page is not None, f"no page for {edited[0].name}"
    assert "Paragraphe ajouté" in page.read_text("utf-8")


def test_growth_compares_each_size_with_the_previous_one() -> None:
    def size(wall: float, rss: float) -> dict[str, Any]:
        return {"variants": {"agora-cold": {"median": {"wall_s": wall, "cpu_s": wall,
                                                       "max_rss_mb": rss}}}}

    sizes = {"500": size(2.0, 100), "2000": size(8.0, 150), "8000": size(36.0, 300)}
    rows = bench.growth(sizes)
    assert [(r["from"], r["to"], r["articles"], r["wall_s"], r["max_rss_mb"]) for r in rows] == [
        (500, 2000, 4.0, 4.0, 1.5), (2000, 8000, 4.0, 4.5, 2.0)]
    [linear] = [t.evaluate(sizes) for t in bench.GROWTH_TARGETS]
    assert linear is not None and linear["value"] == 4.5 and linear["met"] is False
    report = bench.growth_report({"growth": rows, "growth_targets": [linear]})
    assert "| agora-cold | 2,000 → 8,000 | 4.00 | 4.5 | 4.5 | 2.0 |" in report
    assert bench.GROWTH_TARGETS[0].evaluate({"2000": sizes["2000"]}) is None


def test_large_sizes_run_the_variants_the_issue_asks_for() -> None:
    large = [v.name for v in bench.VARIANTS if v.runs_at(8000, every_variant=False)]
    assert large == ["bare-pelican", "agora-cold", "agora-cold-no-search", "agora-serve-body",
                     "agora-serve-title"]
    assert all(v.runs_at(8000, every_variant=True) for v in bench.VARIANTS)
    assert all(v.runs_at(2000, every_variant=False) for v in bench.VARIANTS)


def test_build_failure_is_reported(tmp_path: Path) -> None:
    with pytest.raises(bench.BuildFailed, match="exited with 3"):
        bench.run_measured([sys.executable, "-c", "import sys; sys.exit(3)"], {}, tmp_path,
                           tmp_path / "log.txt")


def test_measurement_counts_child_cpu_and_memory(tmp_path: Path) -> None:
    code = "x = bytearray(80 * 1024 * 1024); s = sum(range(3_000_000))"
    measured = bench.run_measured([sys.executable, "-c", code], {}, tmp_path,
                                  tmp_path / "log.txt")
    assert measured.max_rss_mb > 80
    assert measured.cpu_s > 0.02 and measured.wall_s >= measured.cpu_s * 0.5


def test_help_describes_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--help"])
    text = capsys.readouterr().out
    for option in ("--sizes", "--repeats", "--out", "--profile", "--variants", "--all-variants"):
        assert option in text
    with pytest.raises(SystemExit):
        corpus.main(["--help"])
    assert "--articles" in capsys.readouterr().out
