"""Shared fixtures: real Pelican builds into temporary folders, built once per session."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from pelican import Pelican
from pelican.settings import read_settings

from agora.state import STATE_KEY, BuildState
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

REPO = Path(__file__).resolve().parent.parent
DEMO_NOW = "2026-11-20T10:00:00+01:00"


@dataclass
class Site:
    """A built site: where it is, and what the build said about itself."""

    root: Path
    output: Path
    state: BuildState
    settings: dict[str, Any]

    def path(self, url: str) -> Path:
        target = self.output / url.lstrip("/")
        return target / "index.html" if url.endswith("/") or not url else target

    def html(self, url: str) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.path(url).read_bytes())

    def text(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        """Every HTML page of the site (a newsletter's email.html is an e-mail, not a page)."""
        return [p for p in sorted(self.output.rglob("*.html")) if p.name != "email.html"]

    def all_text(self) -> str:
        """Every text file of the output, concatenated (for "appears nowhere" checks)."""
        chunks = []
        for file in sorted(self.output.rglob("*")):
            if file.is_file() and file.suffix in {".html", ".xml", ".ics", ".json", ".txt"}:
                chunks.append(file.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(chunks)


def build(root: Path, settings_file: Path | None = None, **override: Any) -> Site:
    """Build the site whose content is under ``root/content`` into ``root/output``."""
    output = root / "output"
    settings_path = settings_file or REPO / "pelicanconf.py"
    options = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(output),
        "THEME": str(REPO / "theme"),
        "CACHE_PATH": str(root / ".cache"),
        "LOAD_CONTENT_CACHE": False,
        "AGORA_NOW": DEMO_NOW,
        "AGORA_FORUM_SNAPSHOT_DIR": str(REPO / "data" / "forum"),
    }
    options.update(override)
    # Pelican keeps each settings file it reads as a module named after the file: the
    # last tests/…/pelicanconf.py read must not be what publishconf.py imports.
    sys.modules.pop("pelicanconf", None)
    settings = read_settings(str(settings_path), override=options)
    Pelican(settings).run()
    return Site(root, output, settings[STATE_KEY], settings)


SEARCH_INDEX = "pagefind"


def output_files(root: Path) -> dict[str, bytes]:
    """Every output file of the site under ``root`` but build.json, by relative path.

    Pagefind's index stands as the language and page counts of each shard's entry
    file: Pagefind names its files after hashes of data it orders differently from
    run to run.
    """
    base = root / "output"
    found = {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*"))
             if p.is_file() and p.name != "build.json"
             and p.relative_to(base).parts[0] != SEARCH_INDEX}
    for entry in sorted((base / SEARCH_INDEX).rglob("pagefind-entry.json")):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        found[f"{entry.parent.relative_to(base).as_posix()}/"] = json.dumps(
            {lang: info["page_count"] for lang, info in sorted(languages.items())}).encode()
    return found


def build_report(root: Path) -> dict[str, Any]:
    """``output/build.json`` of the site under ``root``."""
    return json.loads((root / "output" / "build.json").read_text(encoding="utf-8"))


def write_check_settings(root: Path, snapshot: Path | None = None) -> Path:
    """A settings file for ``agora check`` on the site under ``root``: the demo's, with
    the theme, clock and snapshot of the tests."""
    settings = root / "checkconf.py"
    settings.write_text(
        (REPO / "pelicanconf.py").read_text(encoding="utf-8") + "\n"
        f"THEME = {str(REPO / 'theme')!r}\nAGORA_NOW = {DEMO_NOW!r}\n"
        f"AGORA_FORUM_SNAPSHOT_DIR = {str(snapshot or REPO / 'data' / 'forum')!r}\n"
        "LOAD_CONTENT_CACHE = False\n", encoding="utf-8")
    return settings


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The demo hub exactly as `make html` builds it (bundled content and snapshot)."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(REPO / "content", root / "content")
    return build(root)


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The demo hub as `make publish` builds it (publishconf: absolute URLs, strict)."""
    root = tmp_path_factory.mktemp("publish")
    shutil.copytree(REPO / "content", root / "content")
    return build(root, settings_file=REPO / "publishconf.py")


@pytest.fixture(scope="session")
def make_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Site]:
    """Build a small site from ``files`` (path -> text), with settings overrides."""

    def factory(files: dict[str, str], *, name: str = "site", with_demo_members: bool = True,
                **override: Any) -> Site:
        root = tmp_path_factory.mktemp(name)
        if with_demo_members:
            shutil.copytree(REPO / "content" / "members", root / "content" / "members")
            shutil.copy(REPO / "content" / "series.yml", root / "content" / "series.yml")
            avatars = REPO / "content" / "images" / "members"
            if avatars.is_dir():
                shutil.copytree(avatars, root / "content" / "images" / "members")
        write_files(root / "content", files)
        return build(root, **override)

    return factory


def some_articles(count: int) -> dict[str, str]:
    """``count`` short articles, "Article 0" to "Article <count - 1>" (content path -> text)."""
    return {f"articles/a{i}.md": f"---\ntitle: Article {i}\ndate: 2026-10-{1 + i % 28:02d}\n"
                                 f"---\nTexte numéro {i}.\n" for i in range(count)}


@pytest.fixture(scope="session")
def sharded_site(make_site: Callable[..., Site]) -> Site:
    """60 articles indexed for search in shards of at most 25 pages (3 shards of 20)."""
    return make_site(some_articles(60), name="sharded", with_demo_members=False,
                     AGORA_SEARCH_SHARD_PAGES=25)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test process (Playwright's sync API allows only one)."""
    require_chromium()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only for browser tests

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
