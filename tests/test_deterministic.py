"""Two builds of one commit in two processes give the same bytes, build.json included.

Pelican lists content files in a set, whose order changes with each process's
string hashing (``PYTHONHASHSEED``): nothing a build writes may follow it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DEMO_NOW, REPO, output_files, write_files

EVENT = ("---\ntitle: Atelier {n}\nstart: 2026-12-{day:02d}T18:00\nduration: 2h\n"
         "status: cancelled\nattendance: online\nonline_url: https://visio.example/{n}\n---\n"
         "Annulé, faute de salle.\n")


def build_in_process(root, seed: str) -> None:
    settings = {"OUTPUT_PATH": str(root / "output"), "CACHE_PATH": str(root / ".cache"),
                "THEME": str(REPO / "theme"), "LOAD_CONTENT_CACHE": False,
                "AGORA_NOW": DEMO_NOW, "AGORA_FORUM_SNAPSHOT_DIR": str(REPO / "data" / "forum")}
    command = [sys.executable, "-m", "pelican", str(root / "content"), "-s",
               str(REPO / "pelicanconf.py"), "-e",
               *(f"{key}={json.dumps(value)}" for key, value in settings.items())]
    subprocess.run(command, check=True, capture_output=True, cwd=REPO,
                   env={**os.environ, "PYTHONHASHSEED": seed})


def test_two_processes_write_the_same_bytes_and_report(tmp_path):
    files = {f"events/atelier-{n}.md": EVENT.format(n=n, day=n + 10) for n in range(12)}
    files.update({f"articles/a{n}.md": f"---\ntitle: Article {n}\ndate: 2026-10-01\n---\n"
                                       f"Texte {n}.\n" for n in range(6)})
    roots = [tmp_path / "one", tmp_path / "two"]
    for root, seed in zip(roots, ("1", "2"), strict=True):
        write_files(root / "content", files)
        build_in_process(root, seed)
    reports = [json.loads((root / "output" / "build.json").read_text()) for root in roots]
    assert len([w for w in reports[0]["warnings"] if "cancelled event" in w]) == 12
    assert reports[0] == reports[1]
    assert output_files(roots[0]) == output_files(roots[1])
