"""What one build knows about itself: options, clock, hub model, problems, next change.

The core plugin makes one :class:`BuildState` per Pelican object at
``initialized`` and keeps it in the settings (never at module level, so two
builds in one process never share anything); each run (``pelican
--autoreload`` runs again and again) starts afresh with :meth:`start_run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agora.problems import Problem, ProblemLog

if TYPE_CHECKING:
    from agora.hub import Hub
    from agora.settings import Options
    from agora.urls import Urls

STATE_KEY = "_AGORA_STATE"


#: A record's message before formatting, kept by whoever flattens it (records rendered in a
#: worker process come back formatted) so :class:`LogCollector` still knows what it says.
TEMPLATE_ATTRIBUTE = "agora_template"


class LogCollector(logging.Handler):
    """Collects the warnings and errors Pelican itself logs during one build.

    Agora's own problems go through :class:`~agora.problems.ProblemLog`; this
    catches the rest (a template error, a Markdown extension's complaint) so
    strict mode fails on them too and ``build.json`` lists them.
    """

    #: Pelican's messages about what Agora checks itself and reports with the file and
    #: the field (:mod:`agora.content.links`, :mod:`agora.content.pairing`), without
    #: Pelican's false alarms (a draft translation of a published article).
    RESTATED = ("Unable to find '%s', skipping url replacement",
                'There are %s items "%s" with lang %s',
                "There are %s original (not translated) items %s",
                'All items ("%s") "%s" are translations',
                "Empty alt attribute for image %s in %s")

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        template = getattr(record, TEMPLATE_ATTRIBUTE, record.msg)
        if isinstance(template, str) and template.startswith(self.RESTATED):
            return
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the build
            message = str(record.msg)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)

    def clear(self) -> None:
        self.errors.clear()
        self.warnings.clear()


@dataclass
class BuildState:
    """Per-build state, kept in the settings dict."""

    now: datetime
    options: Options
    urls: Urls
    hub: Hub
    problems: ProblemLog = field(default_factory=ProblemLog)
    log: LogCollector = field(default_factory=LogCollector)
    next_changes: list[tuple[datetime, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    #: Values that cannot change while one build runs (the member slugs every
    #: reference is checked against...), computed once instead of once per file.
    memo: dict[Any, Any] = field(default_factory=dict)
    #: Runs of the same Pelican object (``pelican --autoreload`` runs again and again).
    runs: int = 0
    #: Work running beside the build (the search index), each waited for by one call
    #: before the build report is written.
    background: list[Callable[[], None]] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Content objects keep a reference to the settings, and Pelican pickles
        # them into its cache: the state of a past build must not travel along.
        return (_no_state, ())

    @property
    def strict(self) -> bool:
        return self.options.strict

    @property
    def errors(self) -> list[str]:
        """Every error of the build: Agora's problems and what Pelican itself logged."""
        return list(dict.fromkeys([*map(str, self.problems.errors), *self.log.errors]))

    @property
    def warnings(self) -> list[str]:
        return list(dict.fromkeys([*map(str, self.problems.warnings), *self.log.warnings]))

    def start_run(self, now: datetime, hub: Hub) -> None:
        """Start a run: after the first, forget everything the previous run found.

        Reset in place, not replaced: Pelican copied the settings (this object
        included) into the run's context before any plugin could swap it.
        """
        self.wait_for_background()  # a failed run's, before its findings are forgotten
        self.runs += 1
        self.now = now
        self.hub = hub
        if self.runs == 1:
            return
        self.problems = ProblemLog()
        self.log.clear()
        for collected in (self.next_changes, self.counts, self.report, self.memo):
            collected.clear()

    def wait_for_background(self) -> None:
        """Wait for the work started beside the build (its problems are then reported)."""
        while self.background:
            self.background.pop(0)()

    def change_at(self, moment: datetime | None, reason: str) -> None:
        """Record a future moment at which some page of the site would change."""
        if moment is not None and moment > self.now:
            self.next_changes.append((moment, reason))

    @property
    def next_change(self) -> tuple[datetime, str] | None:
        return min(self.next_changes, key=lambda item: item[0]) if self.next_changes else None


def _no_state() -> None:
    return None


def build_state(settings: Mapping[str, Any] | None) -> BuildState | None:
    """The current build's state (None outside a build: commands, unit tests)."""
    found = settings.get(STATE_KEY) if settings is not None else None
    return found if isinstance(found, BuildState) else None


def report(settings: Mapping[str, Any] | None, *problems: Problem) -> None:
    """The one channel for problems: recorded in the build's list (once each) and logged.

    Outside a build (commands, unit tests) they are only logged.
    """
    state = build_state(settings)
    for item in problems:
        if state is not None:
            state.problems.add(item)
        else:
            item.log()
