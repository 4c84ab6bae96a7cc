"""Editors' commands run as editors run them: the `agora` command in a copy of the hub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_NOW, REPO

AGORA = [sys.executable, "-m", "agora.cli"]


def copy_hub(root: Path, *, content: bool = True) -> Path:
    """The hub's settings, theme and forum snapshot in ``root`` (its content too, by default)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("data", "theme", *(("content",) if content else ())):
        shutil.copytree(REPO / name, root / name)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(REPO / name, root / name)
    return root


def agora(*args: str, cwd: Path, now: str = DEMO_NOW) -> subprocess.CompletedProcess[str]:
    """Run ``agora ARGS`` in ``cwd`` with Agora's clock pinned."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AGORA_NOW": now,
           "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run([*AGORA, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)
