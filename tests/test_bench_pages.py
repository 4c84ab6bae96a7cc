"""The page benchmark runs end to end without Lighthouse (this is not a timed test)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import bench_pages  # noqa: E402


def test_weights_table_has_every_page_type(tmp_path: Path) -> None:
    target = tmp_path / "pages.md"
    assert bench_pages.main(["--no-lighthouse", "--output", str(target)]) == 0
    rows = [line for line in target.read_text().splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(bench_pages.PAGES)
    for row in rows:
        html_gz, html_br, css_gz, css_br, total = (int(c) for c in row.split("|")[2:7])
        assert 0 < html_br < html_gz and 0 < css_br < css_gz and total == html_br + css_br
