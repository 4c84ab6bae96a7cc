"""Build a corpus site and record exactly which articles and pages it produced.

Adopting Agora must not lose or move anything an existing Pelican site publishes:
every article, translation and page that bare Pelican builds must come out of the
Agora build at the same URL.  :func:`bare_build` builds a site of
``tests/fixtures/pelican-sites`` with Pelican alone (no plugins, default theme)
and returns a :class:`BuildResult`; :func:`agora_build` builds it as an
adopting site does, with the settings ``agora adopt`` writes, and returns a
result of the same type: :meth:`BuildResult.differences` compares the two.

Several Pelican builds share one test process, and Pelican keeps process-wide
state (blinker signals, the locale, the ``pelicanconf`` module, the log
de-duplication filter).  Each build therefore runs in a sandbox that gives it
fresh signals and puts that state back afterwards, so a bare build is bare even
after an Agora build registered its receivers in the same process, and neither
build sees the other's receivers or log records.
"""

from __future__ import annotations

import json
import locale
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blinker import NamedSignal, Signal
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.plugins import signals
from pelican.settings import DEFAULT_THEME, read_settings

SITES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "pelican-sites"

#: The record buckets of a :class:`BuildResult`, in the order reports show them.
BUCKETS = ("articles", "translations", "hidden_articles", "pages", "hidden_pages", "drafts")

#: Key fields a record is compared on: what a reader of the site would notice moving.
Key = tuple[str, str, str, str, str]


def expected(site: str) -> dict[str, Any]:
    """What ``site`` was written to hold (its ``expected.json``)."""
    return json.loads((SITES_DIR / site / "expected.json").read_text(encoding="utf-8"))


def site_names() -> list[str]:
    """The corpus sites, sorted, so parametrized test ids are stable."""
    return sorted(
        entry.name
        for entry in SITES_DIR.iterdir()
        if entry.is_dir() and (entry / "pelicanconf.py").is_file()
    )


@dataclass(frozen=True)
class ContentRecord:
    """One article or page as Pelican saw it.

    Only ``source``, ``url``, ``save_as``, ``lang`` and ``status`` take part in
    ``==``: they are what must survive adoption unchanged.  The other fields are
    there to make failure reports readable and may legitimately differ (a theme
    or a typography filter can change a title's markup).
    """

    source: str
    url: str
    save_as: str
    lang: str
    status: str
    kind: str = field(compare=False)
    slug: str = field(compare=False)
    title: str = field(compare=False)
    date: str | None = field(default=None, compare=False)
    modified: str | None = field(default=None, compare=False)
    category: str | None = field(default=None, compare=False)
    authors: tuple[str, ...] = field(default=(), compare=False)

    def key(self) -> Key:
        """The compared fields as a plain tuple, for sets and readable diffs."""
        return (self.source, self.url, self.save_as, self.lang, self.status)


Records = dict[str, ContentRecord]


@dataclass
class BuildResult:
    """What one build produced, bucketed the way Pelican's generators bucket it.

    Each bucket maps the source path (POSIX, relative to the site's content
    folder) to its record.  ``translations`` holds the translations of published
    articles and pages alike (``kind`` tells them apart); hidden translations go
    with their hidden originals; ``drafts`` holds draft articles, draft pages and
    their translations.  ``errors`` and ``warnings`` are the messages Pelican (or
    anything it called) logged during the build.
    """

    output: Path
    articles: Records = field(default_factory=dict)
    translations: Records = field(default_factory=dict)
    hidden_articles: Records = field(default_factory=dict)
    pages: Records = field(default_factory=dict)
    hidden_pages: Records = field(default_factory=dict)
    drafts: Records = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def buckets(self) -> dict[str, Records]:
        """Every bucket by name, so callers can loop instead of naming each one."""
        return {name: getattr(self, name) for name in BUCKETS}

    def records(self) -> Iterator[ContentRecord]:
        """All records of all buckets (each source file appears once)."""
        for records in self.buckets().values():
            yield from records.values()

    def find(self, source: str) -> ContentRecord | None:
        """The record of ``source`` in whichever bucket it landed."""
        bucket = self.bucket_of(source)
        return None if bucket is None else getattr(self, bucket)[source]

    def bucket_of(self, source: str) -> str | None:
        """The bucket ``source`` landed in, to tell "missing" from "now a draft"."""
        return next((name for name, recs in self.buckets().items() if source in recs), None)

    def summary(self) -> dict[str, int]:
        """Counts per bucket and of errors: the shape ``expected.json`` is written in."""
        counts = {name: len(records) for name, records in self.buckets().items()}
        counts["errors"] = len(self.errors)
        return counts

    def comparable(self) -> dict[str, set[Key]]:
        """The compared fields of every record per bucket, independent of output paths."""
        return {name: {r.key() for r in recs.values()} for name, recs in self.buckets().items()}

    def differences(self, other: BuildResult) -> list[str]:
        """Human-readable lines saying how ``other`` departs from this result (empty: same).

        Sorted by bucket, then source, so a failing comparison reads like a checklist.
        """
        lines: list[str] = []
        for name in BUCKETS:
            mine, theirs = getattr(self, name), getattr(other, name)
            for source in sorted(mine.keys() | theirs.keys()):
                if source in mine and source in theirs:
                    if mine[source] != theirs[source]:
                        lines.append(f"{name}: {source} {mine[source].key()} != "
                                     f"{theirs[source].key()}")
                elif source in mine:
                    elsewhere = other.bucket_of(source)
                    lines.append(f"{name}: {source} "
                                 + (f"found in {elsewhere}" if elsewhere else "missing"))
                elif self.bucket_of(source) is None:
                    lines.append(f"{name}: {source} is extra")
        return lines


#: Builds of corpus sites by name (the session fixtures ``bare`` and ``agora``).
Builds = Callable[[str], "BuildResult"]


def copy_site(site: str, workdir: Path) -> Path:
    """Copy corpus site ``site`` to ``workdir/site`` so a build never writes into the corpus."""
    root = workdir / "site"
    shutil.copytree(
        SITES_DIR / site,
        root,
        ignore=shutil.ignore_patterns("output", "__pycache__", "*.pyc", "expected.json"),
    )
    return root


def bare_overrides(workdir: Path) -> dict[str, Any]:
    """Settings that make a build "bare Pelican": no plugins, default theme, no cache.

    ``PLUGINS`` must be an empty list rather than absent: ``None`` would make
    Pelican load every namespace plugin installed in the environment.
    """
    return {
        "PLUGINS": [],
        "THEME": DEFAULT_THEME,
        "OUTPUT_PATH": str(workdir / "output"),
        "CACHE_PATH": str(workdir / "cache"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }


def bare_build(site: str, workdir: Path) -> BuildResult:
    """Build corpus site ``site`` with bare Pelican inside ``workdir`` (a fresh folder)."""
    root = copy_site(site, workdir)
    return capture_build(root / "pelicanconf.py", bare_overrides(workdir))


def capture_build(settings_file: Path, override: dict[str, Any], *,
                  fresh_signals: bool = True) -> BuildResult:
    """Run Pelican in-process on ``settings_file`` with ``override`` and record what it built.

    Everything, reading the settings included, happens inside the sandbox:
    ``read_settings`` imports the site's ``pelicanconf`` and sets the locale.
    ``fresh_signals=False`` keeps the process's signals: Agora's capabilities
    connected their receivers to them when first imported, and act only in
    builds whose ``PLUGINS`` list them.
    """
    with _sandbox(fresh_signals=fresh_signals) as log:
        settings = read_settings(str(settings_file), override=override)
        _resolve_site_relative_paths(settings, settings_file.parent)
        capture = _Capture()
        signals.article_generator_finalized.connect(capture.articles_done, weak=False)
        signals.page_generator_finalized.connect(capture.pages_done, weak=False)
        try:
            Pelican(settings).run()
        finally:
            signals.article_generator_finalized.disconnect(capture.articles_done)
            signals.page_generator_finalized.disconnect(capture.pages_done)
    result = capture.result(Path(settings["OUTPUT_PATH"]))
    result.errors = log.errors
    result.warnings = log.warnings
    return result


def _resolve_site_relative_paths(settings: dict[str, Any], site_root: Path) -> None:
    """Anchor ``THEME_TEMPLATES_OVERRIDES`` at the site folder, as the site's own build does.

    Pelican makes PATH, OUTPUT_PATH, THEME and CACHE_PATH absolute but hands the
    template overrides to Jinja as they are, i.e. relative to the working
    directory; sites are built from their own folder, tests are not.
    """
    overrides = settings.get("THEME_TEMPLATES_OVERRIDES") or []
    settings["THEME_TEMPLATES_OVERRIDES"] = [
        entry if os.path.isabs(entry) else str(site_root / entry) for entry in overrides
    ]


class _Capture:
    """Remembers the finished generators; records are read from them once the build is over.

    Reading after ``run()`` rather than inside the receivers means a URL changed by
    a plugin late in the build (after the generators finished) is recorded as it
    was written, which is what the Agora comparison needs.
    """

    def __init__(self) -> None:
        self.article_generators: list[Any] = []
        self.page_generators: list[Any] = []

    def articles_done(self, generator: Any) -> None:
        self.article_generators.append(generator)

    def pages_done(self, generator: Any) -> None:
        self.page_generators.append(generator)

    def result(self, output: Path) -> BuildResult:
        result = BuildResult(output=output)
        for gen in self.article_generators:
            _add(result, gen, "articles", "article", gen.articles)
            _add(result, gen, "translations", "article", gen.translations)
            _add(result, gen, "hidden_articles", "article",
                 [*gen.hidden_articles, *gen.hidden_translations])
            _add(result, gen, "drafts", "article", [*gen.drafts, *gen.drafts_translations])
        for gen in self.page_generators:
            _add(result, gen, "pages", "page", gen.pages)
            _add(result, gen, "translations", "page", gen.translations)
            _add(result, gen, "hidden_pages", "page",
                 [*gen.hidden_pages, *gen.hidden_translations])
            _add(result, gen, "drafts", "page", [*gen.draft_pages, *gen.draft_translations])
        return result


def _add(result: BuildResult, generator: Any, bucket: str, kind: str,
         contents: Iterable[Any]) -> None:
    records: Records = getattr(result, bucket)
    for content in contents:
        record = _record(content, kind, generator.path)
        if result.bucket_of(record.source) is not None:
            raise AssertionError(f"{record.source} reported twice (in {bucket} and "
                                 f"{result.bucket_of(record.source)})")
        records[record.source] = record


def _record(content: Any, kind: str, content_root: str) -> ContentRecord:
    date = getattr(content, "date", None)
    modified = getattr(content, "modified", None)
    category = getattr(content, "category", None)
    return ContentRecord(
        source=Path(os.path.relpath(content.source_path, content_root)).as_posix(),
        url=content.url,
        save_as=content.save_as,
        lang=content.lang,
        status=content.status,
        kind=kind,
        slug=content.slug,
        title=str(getattr(content, "title", "")),
        date=date.isoformat() if date is not None else None,
        modified=modified.isoformat() if modified is not None else None,
        category=category.name if category is not None else None,
        authors=tuple(author.name for author in getattr(content, "authors", [])),
    )


class _LogCollector(logging.Handler):
    """Keeps the text of every warning and error logged while a build runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message} ({type(error).__name__}: {error})"
        target = self.errors if record.levelno >= logging.ERROR else self.warnings
        target.append(f"{record.name}: {message}")


@contextmanager
def _sandbox(fresh_signals: bool = True) -> Iterator[_LogCollector]:
    """Give one build fresh Pelican signals and a log collector; restore global state after.

    Fresh signals: Pelican never disconnects plugin receivers, so once any build
    in this process registered Agora, later "bare" builds would still run Agora
    code.  Pelican's modules look signals up as ``signals.<name>`` at send time,
    so swapping the module attributes is enough, and the real signals (with
    whatever was connected to them) come back untouched afterwards.

    The log filter's memory is cleared so that a warning already given by an
    earlier build is reported again for this one, and put back afterwards.
    """
    saved_signals = {
        name: value for name, value in vars(signals).items() if isinstance(value, Signal)
    }
    saved_locale = locale.setlocale(locale.LC_ALL)
    saved_conf = sys.modules.get("pelicanconf")
    saved_path = list(sys.path)
    saved_raised = set(LimitFilter._raised_messages)
    saved_groups = dict(LimitFilter._group_count)
    root_logger = logging.getLogger()
    saved_level = root_logger.level
    collector = _LogCollector()

    for name, value in saved_signals.items() if fresh_signals else ():
        named = isinstance(value, NamedSignal)
        setattr(signals, name, NamedSignal(value.name, value.__doc__) if named else Signal())
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    root_logger.addHandler(collector)
    if saved_level > logging.WARNING:
        root_logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        root_logger.removeHandler(collector)
        root_logger.setLevel(saved_level)
        LimitFilter._raised_messages.clear()
        LimitFilter._raised_messages.update(saved_raised)
        LimitFilter._group_count.clear()
        LimitFilter._group_count.update(saved_groups)
        sys.path[:] = saved_path
        if saved_conf is None:
            sys.modules.pop("pelicanconf", None)
        else:
            sys.modules["pelicanconf"] = saved_conf
        locale.setlocale(locale.LC_ALL, saved_locale)
        for name, value in saved_signals.items():
            setattr(signals, name, value)


AGORA_CONFIG = "agora-pelicanconf.py"


def agora_overrides(workdir: Path) -> dict[str, Any]:
    """What a test build changes in an adopted site's settings: where it writes, no cache."""
    return {
        "OUTPUT_PATH": str(workdir / "output"),
        "CACHE_PATH": str(workdir / "cache"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }


def agora_build(site: str, workdir: Path, *, add: dict[str, str] | None = None,
                **override: Any) -> BuildResult:
    """Build corpus site ``site`` as an adopting site would: with the settings ``agora adopt``
    writes (Agora's defaults, then the site's own settings, then Agora's plugins and theme).

    The settings file is written beside the site's own ``pelicanconf.py``, as
    ``agora adopt . --write-config agora-pelicanconf.py`` run in the site's folder does.
    ``add`` writes more files into the copy first (path relative to the site -> text);
    ``override`` changes settings of this build only.
    """
    from agora.adopt.config import adopt_settings, write_config  # noqa: PLC0415

    root = copy_site(site, workdir)
    for relative, text in (add or {}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    settings_file = write_config(adopt_settings(root / "pelicanconf.py"), root / AGORA_CONFIG)
    return capture_build(settings_file, {**agora_overrides(workdir), **override},
                         fresh_signals=False)
