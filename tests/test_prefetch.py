"""Parsing in worker processes changes nothing but the time a build takes.

Parallel and serial builds of the same hub must give byte-identical output,
report the same problems once, and leave the same reader cache behind.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from pelican.log import LimitFilter

from agora import forks, prefetch
from tests.conftest import REPO, build, build_report, output_files

sys.path.insert(0, str(REPO / "tools"))

import corpus

pytestmark = pytest.mark.skipif(not forks.can_fork(), reason="parallel reading needs fork")

ARTICLES = 70  # with its events and members, above prefetch.MIN_FILES



@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> corpus.CorpusInfo:
    info = corpus.generate(tmp_path_factory.mktemp("corpus"), ARTICLES, seed=5)
    articles = info.agora_content / "articles"
    broken, odd = info.article_files()[10], info.article_files()[20]
    # an error (unknown series: left out) and a warning (unknown field: kept)
    broken.write_text(broken.read_text("utf-8").replace("series: \"", "series: \"pas-une-", 1),
                      "utf-8")
    odd.write_text(odd.read_text("utf-8").replace("---\n", "---\nhumeur: joyeuse\n", 1),
                   "utf-8")
    assert broken.parent == articles
    return info


def hub(tmp: Path, source: corpus.CorpusInfo, name: str, workers: int, **override: Any) -> Path:
    # Pelican logs a warning once per process: both builds must get to log theirs.
    LimitFilter._raised_messages.clear()
    root = tmp / name
    shutil.copytree(source.agora_content, root / "content")
    build(root, AGORA_READ_WORKERS=workers, AGORA_FORUM_SNAPSHOT_DIR=str(source.forum_snapshot),
          **override)
    return root


@pytest.fixture(scope="module")
def builds(source: corpus.CorpusInfo, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("prefetch")
    return {"serial": hub(tmp, source, "serial", 1),
            "parallel": hub(tmp, source, "parallel", 2)}


def test_parallel_reading_was_used(builds: dict[str, Path]) -> None:
    used = build_report(builds["parallel"])["parallel_reading"]
    assert used["workers"] == 2
    assert used["files"] >= ARTICLES - 2, "every clean file is parsed by a worker"
    assert build_report(builds["serial"])["parallel_reading"] == {"workers": 1, "files": 0}


def test_output_is_identical_to_a_serial_build(builds: dict[str, Path]) -> None:
    serial, parallel = output_files(builds["serial"]), output_files(builds["parallel"])
    assert serial.keys() == parallel.keys()
    different = [name for name in serial if serial[name] != parallel[name]]
    assert different == []


def test_problems_are_reported_once_as_in_a_serial_build(builds: dict[str, Path]) -> None:
    serial, parallel = build_report(builds["serial"]), build_report(builds["parallel"])
    assert any("pas-une-" in error for error in parallel["errors"])
    assert any("humeur" in warning for warning in parallel["warnings"])
    assert parallel["errors"] == serial["errors"]
    assert parallel["warnings"] == serial["warnings"]
    assert parallel["counts"] == serial["counts"]
    assert parallel["counts"]["articles"] + parallel["counts"].get("drafts", 0) == ARTICLES - 1


def test_parsed_files_land_in_the_content_cache(source: corpus.CorpusInfo, tmp_path: Path,
                                                builds: dict[str, Path]) -> None:
    root = hub(tmp_path, source, "cached", 2, LOAD_CONTENT_CACHE=True)
    assert build_report(root)["parallel_reading"]["files"] >= ARTICLES - 2
    build(root, AGORA_READ_WORKERS=2, AGORA_FORUM_SNAPSHOT_DIR=str(source.forum_snapshot),
          LOAD_CONTENT_CACHE=True)
    assert build_report(root)["parallel_reading"]["files"] == 0, "the second build reads the cache"
    assert output_files(root) == output_files(builds["serial"])


def test_worker_count() -> None:
    assert prefetch.worker_count({"AGORA_READ_WORKERS": 3}) == 3
    assert 1 <= prefetch.worker_count({}) <= forks.MAX_AUTO_WORKERS


def test_small_batches_stay_serial(tmp_path: Path) -> None:
    assert prefetch.prefetch([], workers=4) == 0
