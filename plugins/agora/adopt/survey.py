"""What adopting a Pelican site changes, found by building it twice into temporary folders.

Once with bare Pelican (no plugins, its default theme), once with the settings
``agora adopt`` would write. Comparing the two says, before anything changes
in the site's folder: which articles and pages each build publishes and at
which URL, which authors become members, which articles become events, which
fields no schema knows, which templates render what, and why a file Agora
cannot build is left out.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import LimitFilter
from pelican.plugins import signals
from pelican.settings import DEFAULT_THEME, read_settings

from agora.adopt.config import AdoptedConfig, adopt_settings, render
from agora.problems import Problem
from agora.state import build_state

#: Where Pelican files what it read, in the order the report shows them.
BUCKETS = ("articles", "translations", "hidden_articles", "pages", "hidden_pages", "drafts")
_ARTICLE_LISTS = {"articles": ("articles",), "translations": ("translations",),
                  "hidden_articles": ("hidden_articles", "hidden_translations"),
                  "drafts": ("drafts", "drafts_translations")}
_PAGE_LISTS = {"pages": ("pages",), "translations": ("translations",),
               "hidden_pages": ("hidden_pages", "hidden_translations"),
               "drafts": ("draft_pages", "draft_translations")}


@dataclass
class Built:
    """One build of the site: each source file's bucket and URL, and what was logged."""

    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (bucket, url)
    contents: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counted = Counter(bucket for bucket, _url in self.files.values())
        return {bucket: counted.get(bucket, 0) for bucket in BUCKETS}


class _Generators:
    """Remembers the article and page generators of one build (connected only meanwhile)."""

    def __init__(self) -> None:
        self.articles: list[Any] = []
        self.pages: list[Any] = []

    def article_done(self, generator: Any) -> None:
        self.articles.append(generator)

    def page_done(self, generator: Any) -> None:
        self.pages.append(generator)

    @contextlib.contextmanager
    def connected(self) -> Iterator[None]:
        signals.article_generator_finalized.connect(self.article_done)
        signals.page_generator_finalized.connect(self.page_done)
        try:
            yield
        finally:
            signals.article_generator_finalized.disconnect(self.article_done)
            signals.page_generator_finalized.disconnect(self.page_done)

    def built(self, content_root: str) -> Built:
        result = Built()
        for generators, lists in ((self.articles, _ARTICLE_LISTS), (self.pages, _PAGE_LISTS)):
            for generator in generators:
                for bucket, names in lists.items():
                    for name in names:
                        for content in getattr(generator, name, []):
                            source = Path(os.path.relpath(content.source_path, content_root))
                            result.files[source.as_posix()] = (bucket, content.url)
                            result.contents.append(content)
        return result


class _Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        target = self.errors if record.levelno >= logging.ERROR else self.warnings
        target.append(record.getMessage())


def run_build(settings_file: Path, override: dict[str, Any]) -> Built:
    """Build quietly: Pelican's console output and log records are collected, not printed.

    ``THEME_TEMPLATES_OVERRIDES`` are anchored at the settings file's folder, as
    when the site is built from there.
    """
    folder = settings_file.resolve().parent
    LimitFilter._raised_messages.clear()  # a warning of the other build is this one's too
    log = _Log()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(log)
    root.setLevel(logging.WARNING)
    generators = _Generators()
    try:
        with contextlib.redirect_stdout(io.StringIO()), generators.connected():
            settings = read_settings(str(settings_file), override=override)
            settings["THEME_TEMPLATES_OVERRIDES"] = [
                os.path.normpath(folder / entry) for entry in settings["THEME_TEMPLATES_OVERRIDES"]]
            Pelican(settings).run()
    finally:
        root.removeHandler(log)
        root.setLevel(previous_level)
    result = generators.built(settings["PATH"])
    result.errors, result.warnings, result.settings = log.errors, log.warnings, settings
    state = build_state(settings)
    if state is not None:
        result.problems = list(state.problems.problems)
        result.report = dict(state.report)
    return result


def bare_build(settings_file: Path, workdir: Path) -> Built:
    """The site as bare Pelican builds it: no plugins, Pelican's default theme."""
    return run_build(settings_file, {
        "PLUGINS": [], "THEME": DEFAULT_THEME, "OUTPUT_PATH": str(workdir / "pelican"),
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
        "CACHE_PATH": str(workdir / "cache-pelican"), "DELETE_OUTPUT_DIRECTORY": False})


def agora_build(config: AdoptedConfig, workdir: Path) -> Built:
    """The site as Agora builds it with the settings ``agora adopt`` would write."""
    settings_file = workdir / "agora-pelicanconf.py"
    settings_file.write_text(render(config, settings_file), encoding="utf-8")
    return run_build(settings_file, {
        "OUTPUT_PATH": str(workdir / "agora"), "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False, "CACHE_PATH": str(workdir / "cache-agora"),
        "DELETE_OUTPUT_DIRECTORY": False})


@dataclass
class Survey:
    """Both builds of one site, and the settings the Agora build used."""

    config: AdoptedConfig
    pelican: Built
    agora: Built


def survey(settings_file: Path) -> Survey:
    """Build the site at ``settings_file`` both ways, in temporary folders."""
    config = adopt_settings(settings_file)
    with tempfile.TemporaryDirectory(prefix="agora-adopt-") as temporary:
        workdir = Path(temporary)
        pelican = bare_build(settings_file, workdir)
        agora = agora_build(config, workdir)
    return Survey(config, pelican, agora)


# --- what the Agora build did with authors, events, fields and templates ------------------

def credited_authors(contents: Iterable[Any]) -> tuple[Counter[str], Counter[str]]:
    """(member slug -> files crediting the member, name -> files crediting that name)."""
    from agora.members.authors import MemberAuthor  # noqa: PLC0415 - members is optional

    members: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for content in contents:
        for author in getattr(content, "authors", None) or []:
            if isinstance(author, MemberAuthor):
                members[author.slug] += 1
            else:
                names[author.name] += 1
    return members, names


def migrated_events(contents: Iterable[Any]) -> list[str]:
    """Published articles that pelican-events metadata turns into events too."""
    return sorted(content.slug for content in contents
                  if type(content).__name__ == "Article" and content.status == "published"
                  and isinstance(content.metadata.get("event-start"), datetime))


def templates_used(contents: Iterable[Any], settings: dict[str, Any]
                   ) -> dict[str, tuple[str, int]]:
    """Template name -> (whose: "site" or "Agora", how many files render with it)."""
    overrides = [Path(folder) for folder in settings.get("THEME_TEMPLATES_OVERRIDES") or []]
    counted = Counter(str(content.template) for content in contents)
    used = {}
    for name, count in sorted(counted.items()):
        own = any((folder / f"{name}.html").is_file() for folder in overrides)
        used[name] = ("site" if own else "Agora", count)
    return used
