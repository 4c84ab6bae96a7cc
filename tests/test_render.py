"""Rendering pages in worker processes changes nothing but the time a build takes.

A build rendering on two cores must write the same bytes as a serial one, send
Pelican's ``content_written`` for the same files in the same order, and report
the same warnings (here a broken link in a draft, found only while its page is
rendered); what a worker cannot hand back must not be lost.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from pelican import signals
from pelican.log import LimitFilter

from agora import render
from agora.forks import can_fork
from tests.conftest import REPO, build, build_report, output_files

sys.path.insert(0, str(REPO / "tools"))

import corpus

pytestmark = pytest.mark.skipif(not can_fork(), reason="parallel rendering needs fork")

ARTICLES = 40  # with events, members and listings: well above render.MIN_PAGES pages
BROKEN_LINK = "[voir aussi]({filename}/articles/nulle-part.md)"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> corpus.CorpusInfo:
    info = corpus.generate(tmp_path_factory.mktemp("corpus"), ARTICLES, seed=11)
    first = info.article_files()[0]
    draft = first.read_text("utf-8").replace("---\n", "---\nstatus: draft\n", 1)
    (first.parent / "brouillon.md").write_text(f"{draft}\n\n{BROKEN_LINK}\n", "utf-8")
    return info


def hub(tmp: Path, source: corpus.CorpusInfo, name: str, workers: int) -> dict[str, Any]:
    LimitFilter._raised_messages.clear()  # both builds must get to log their warnings
    root = tmp / name
    shutil.copytree(source.agora_content, root / "content")
    written: list[str] = []

    def record(path: str, context: Any = None) -> None:
        written.append(os.path.relpath(path, root / "output"))

    signals.content_written.connect(record)
    try:
        build(root, AGORA_RENDER_WORKERS=workers,
              AGORA_FORUM_SNAPSHOT_DIR=str(source.forum_snapshot))
    finally:
        signals.content_written.disconnect(record)
    return {"files": output_files(root), "report": build_report(root), "written": written}


@pytest.fixture(scope="module")
def builds(source: corpus.CorpusInfo, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("render")
    return {"serial": hub(tmp, source, "serial", 1), "parallel": hub(tmp, source, "parallel", 2)}


def test_pages_were_rendered_in_workers(builds: dict[str, dict[str, Any]]) -> None:
    assert builds["parallel"]["report"]["parallel_rendering"]["workers"] == 2
    assert builds["parallel"]["report"]["parallel_rendering"]["pages"] > render.MIN_PAGES
    assert "parallel_rendering" not in builds["serial"]["report"]


def test_output_is_byte_identical(builds: dict[str, dict[str, Any]]) -> None:
    serial, parallel = builds["serial"]["files"], builds["parallel"]["files"]
    assert sorted(serial) == sorted(parallel)
    assert [name for name in serial if serial[name] != parallel[name]] == []
    assert any(name.startswith("forum/avatars/") for name in parallel), \
        "avatars copied by workers while rendering /forum/ are there"


def test_content_written_is_sent_for_the_same_files_in_the_same_order(
        builds: dict[str, dict[str, Any]]) -> None:
    serial, parallel = builds["serial"]["written"], builds["parallel"]["written"]
    assert len(serial) > render.MIN_PAGES
    assert parallel == serial


def test_warnings_found_while_rendering_reach_the_build_report(
        builds: dict[str, dict[str, Any]]) -> None:
    serial, parallel = builds["serial"]["report"], builds["parallel"]["report"]
    assert any("nulle-part.md" in w for w in serial["warnings"]), serial["warnings"]
    assert parallel["warnings"] == serial["warnings"]
    assert parallel["errors"] == serial["errors"]


# --- what a worker leaves behind --------------------------------------------------------

class Template:
    """Stands for a Jinja template: renders a line, fails or dies on request."""

    def __init__(self, parent: int, fail: str = "", die: str = "") -> None:
        self.parent, self.fail, self.die = parent, fail, die

    def render(self, context: dict[str, Any]) -> str:
        name = context["output_file"]
        if name == self.fail:
            raise ValueError(f"cannot render {name}")
        if name == self.die and os.getpid() != self.parent:
            os._exit(3)  # a worker killed mid-way: the parent renders the page itself
        return f"<p>{name}</p>\n"


def jobs(tmp_path: Path, template: Template, count: int = 60) -> list[render.PageJob]:
    context: dict[str, Any] = {"localsiteurl": ""}
    return [render.PageJob(f"p{i}/index.html", str(tmp_path / f"p{i}" / "index.html"),
                           str(tmp_path / f"p{i}" / "index.html"), template, context,
                           {"number": i}, True) for i in range(count)]


def test_a_page_whose_worker_died_is_rendered_by_the_parent(tmp_path: Path) -> None:
    pages = jobs(tmp_path, Template(os.getpid(), die="p7/index.html"))
    outcomes = render.render_in_workers(pages, 2, pages[0].context)
    assert 7 not in outcomes and len(outcomes) < len(pages)
    writer = render.AgoraWriter(str(tmp_path), settings={"PAGINATED_TEMPLATES": {}})
    writer.workers, writer.pending = 2, pages
    writer.flush()
    for index in range(len(pages)):
        assert (tmp_path / f"p{index}" / "index.html").read_text() == \
            f"<p>p{index}/index.html</p>\n"


def test_an_error_while_rendering_is_raised_by_the_parent(tmp_path: Path) -> None:
    pages = jobs(tmp_path, Template(os.getpid(), fail="p9/index.html"))
    writer = render.AgoraWriter(str(tmp_path), settings={"PAGINATED_TEMPLATES": {}})
    writer.workers, writer.pending = 2, pages
    with pytest.raises(ValueError, match=r"cannot render p9/index\.html"):
        writer.flush()
