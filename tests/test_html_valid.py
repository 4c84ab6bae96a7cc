"""Every HTML page of the demo passes the Nu HTML Checker (vnu) without errors.

One batch run of vnu.jar (npm ``vnu-jar``, installed under ``.cache/vnu`` on first
use) with Debian's Java over every page the demo build wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

VNU_VERSION = "26.9.27"
VNU_FOLDER = REPO / ".cache" / "vnu"
VNU_JAR = VNU_FOLDER / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def skip_or_fail(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — under CI=true a missing checker is a failure")
    pytest.skip("SKIPPED LOUDLY: " + message)


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        skip_or_fail("Java is not installed (Debian: apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("npm is not installed: cannot install the Nu HTML Checker")
        VNU_FOLDER.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(VNU_FOLDER), "--no-audit", "--no-fund",
                        "--silent", f"vnu-jar@{VNU_VERSION}"], check=True, timeout=600)
    return [str(java), "-jar", str(VNU_JAR)]


def html_pages(output: Path) -> list[Path]:
    """The site's pages (a newsletter's email.html is an e-mail: its links are placeholders
    the sender fills in)."""
    return sorted(p for p in output.rglob("*.html")
                  if p.relative_to(output).parts[0] != "pagefind" and p.name != "email.html")


def test_every_page_of_the_demo_is_valid_html(vnu, demo_site):
    pages = html_pages(demo_site.output)
    assert len(pages) > 80
    done = subprocess.run([*vnu, "--errors-only", "--format", "json", *map(str, pages)],
                          capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    assert errors == []
    assert done.returncode == 0
