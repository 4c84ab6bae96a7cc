"""`make publish` (tools/publish.py): a half-updated site is never published.

One copy of the demo hub goes through a story, in order: a first publish, a
second one, a publish killed mid-build, a failing build, rollbacks. Each step
records what it saw; the tests below check the records.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import brotli
import pytest

from tests.conftest import DEMO_NOW, REPO

sys.path.insert(0, str(REPO / "tools"))

import publish as publish_tool

pytestmark = pytest.mark.xdist_group("publish_atomic")  # one story, one process

PUBLISH = [sys.executable, str(REPO / "tools" / "publish.py")]
ENV = {**{k: v for k, v in os.environ.items() if k != "AGORA_SITEURL"}, "AGORA_NOW": DEMO_NOW}
TEXT_ASSETS = ["index.html", "events/calendar.ics", "feeds/all.atom.xml", "members/index.html"]
EDITED = "content/articles/astuce-semences.md"
Hashes = dict[str, str]


def hashes(folder: Path) -> Hashes:
    """Every file under ``folder``: relative path -> SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def publish(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PUBLISH, *args], cwd=root, env=ENV, capture_output=True, text=True,
                          timeout=120)


def staging_folders(root: Path) -> list[Path]:
    return sorted(root.glob(".publish-staging-*"))


def state(root: Path) -> dict[str, Hashes]:
    return {"output": hashes(root / "output"), "previous": hashes(root / "output.previous")}


def kill_mid_build(root: Path) -> dict[str, Any]:
    """Start a publish, SIGKILL it once Pelican writes into staging, then publish again."""
    before = state(root)
    process = subprocess.Popen(PUBLISH, cwd=root, env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(f.is_file() for s in staging_folders(root) for f in s.rglob("*")):
        assert process.poll() is None and time.monotonic() < deadline, "no build to kill"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    abandoned = staging_folders(root)
    seen = {"before": before, "after": state(root), "returncode": process.returncode,
            "abandoned": abandoned,
            "abandoned_files": sum(1 for s in abandoned for f in s.rglob("*") if f.is_file())}
    seen["next"] = publish(root)
    seen["left_after_next"] = staging_folders(root)
    return seen


# Session scope: xdist may interleave other modules' tests on this worker, which would
# tear a module-scoped story down and tell it again.
@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("publish-atomic")
    for name in ("content", "data", "theme"):
        shutil.copytree(REPO / name, root / name)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(REPO / name, root)
    extra = root / "content" / "extra"
    extra.mkdir()
    (extra / "noise.txt").write_bytes(os.urandom(8192))  # compression cannot shrink it
    (extra / "tiny.txt").write_text("Bonjour.\n", encoding="utf-8")  # below the minimum size
    told: dict[str, Any] = {"root": root, "first": publish(root)}
    told["first_output"] = hashes(root / "output")
    with (root / EDITED).open("a", encoding="utf-8") as handle:
        handle.write("\nUne ligne ajoutée pour la deuxième publication.\n")
    told["second"] = publish(root)
    told["second_state"] = state(root)
    told["killed"] = kill_mid_build(root)
    good = (root / EDITED).read_text(encoding="utf-8")
    (root / EDITED).write_text(good.replace("date: 2026-10-27T08:00", "date: 27 octobre"),
                               encoding="utf-8")
    told["failing_before"] = state(root)
    told["failing"] = publish(root)
    told["failing_after"] = state(root)
    told["failing_left"] = staging_folders(root)
    (root / EDITED).write_text(good, encoding="utf-8")
    told["rollback_before"] = state(root)
    told["rollback"] = publish(root, "--rollback")
    told["rollback_after"] = state(root)
    told["rollback_again"] = publish(root, "--rollback")
    told["rollback_again_after"] = state(root)
    return told


def test_first_publish_creates_output(story: dict[str, Any]) -> None:
    first = story["first"]
    assert first.returncode == 0, first.stderr
    assert "published: output/ (first build)" in first.stdout
    assert "index.html" in story["first_output"]


@pytest.mark.parametrize("asset", TEXT_ASSETS)
def test_text_assets_have_gzip_and_brotli_twins(story: dict[str, Any], asset: str) -> None:
    output = story["root"] / "output"
    original = (output / asset).read_bytes()
    assert gzip.decompress((output / f"{asset}.gz").read_bytes()) == original
    assert brotli.decompress((output / f"{asset}.br").read_bytes()) == original


def test_every_twin_matches_its_original(story: dict[str, Any]) -> None:
    output = story["root"] / "output"
    twins = sorted(output.rglob("*.gz")) + sorted(output.rglob("*.br"))
    assert len(twins) > 100
    for twin in twins:
        decompress = gzip.decompress if twin.suffix == ".gz" else brotli.decompress
        assert decompress(twin.read_bytes()) == twin.with_suffix("").read_bytes(), twin


def test_no_twin_where_compression_does_not_pay(story: dict[str, Any]) -> None:
    output = story["root"] / "output"
    for name in ("extra/noise.txt", "extra/tiny.txt"):
        assert (output / name).is_file()
        assert not (output / f"{name}.gz").exists() and not (output / f"{name}.br").exists()
    assert not any(output.rglob("*.webp.gz")) and not any(output.rglob("*.png.br"))


def test_second_publish_keeps_the_first_as_previous(story: dict[str, Any]) -> None:
    second = story["second"]
    assert second.returncode == 0, second.stderr
    assert "published: output/ (previous build kept in output.previous/)" in second.stdout
    now = story["second_state"]
    assert now["previous"] == story["first_output"]
    page = "blog/astuce-semences/index.html"
    assert now["output"][page] != story["first_output"][page]


def test_killed_publish_leaves_output_byte_identical(story: dict[str, Any]) -> None:
    killed = story["killed"]
    assert killed["returncode"] == -signal.SIGKILL
    assert killed["after"] == killed["before"]
    assert len(killed["abandoned"]) == 1, "the kill should leave its staging folder behind"
    # Killed mid-build indeed: some files written, not all of them.
    assert 0 < killed["abandoned_files"] < len(killed["before"]["output"])


def test_next_publish_removes_the_abandoned_staging_folder(story: dict[str, Any]) -> None:
    killed = story["killed"]
    assert killed["next"].returncode == 0, killed["next"].stderr
    assert f"removed {killed['abandoned'][0].name}/" in killed["next"].stderr
    assert killed["left_after_next"] == []


def test_failing_build_leaves_output_as_it_was(story: dict[str, Any]) -> None:
    failing = story["failing"]
    assert failing.returncode != 0
    assert "output/ left as it was" in failing.stderr
    assert story["failing_after"] == story["failing_before"]
    assert story["failing_left"] == []


def test_rollback_swaps_previous_back_and_again(story: dict[str, Any]) -> None:
    before, after = story["rollback_before"], story["rollback_after"]
    assert story["rollback"].returncode == 0, story["rollback"].stderr
    assert "rolled back: output/" in story["rollback"].stdout
    assert after == {"output": before["previous"], "previous": before["output"]}
    assert story["rollback_again_after"] == before


def test_a_truncated_twin_is_caught_before_the_swap(tmp_path: Path) -> None:
    page = b"<p>" + b"Bonjour les jardiniers. " * 200 + b"</p>"
    (tmp_path / "good.html").write_bytes(page)
    (tmp_path / "good.html.gz").write_bytes(gzip.compress(page))
    (tmp_path / "good.html.br").write_bytes(brotli.compress(page))
    (tmp_path / "cut.html").write_bytes(page)
    (tmp_path / "cut.html.br").write_bytes(brotli.compress(page)[:-10])
    (tmp_path / "stale.html").write_bytes(page)
    (tmp_path / "stale.html.gz").write_bytes(gzip.compress(page + b"old"))
    (tmp_path / "archive.tar.gz").write_bytes(b"shipped as is, no original beside it")
    broken = publish_tool.broken_twins(tmp_path)
    assert [p.name for p in broken] == ["cut.html.br", "stale.html.gz"]
