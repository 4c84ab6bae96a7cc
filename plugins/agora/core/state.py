"""What one build knows about itself: problems, counts, the next moment pages change."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agora.problems import ProblemLog

STATE_KEY = "_AGORA_STATE"


class LogCollector(logging.Handler):
    """Collects the warnings and errors Pelican and Agora log during one build.

    Strict mode fails on any error; ``agora check`` reports both lists.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the build
            message = str(record.msg)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)


@dataclass
class BuildState:
    """Per-build state, kept in the settings dict (never at module level)."""

    now: datetime
    strict: bool = False
    problems: ProblemLog = field(default_factory=ProblemLog)
    log: LogCollector = field(default_factory=LogCollector)
    warnings: list[str] = field(default_factory=list)
    next_changes: list[tuple[datetime, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    #: Values that cannot change while one build runs (the member slugs every
    #: reference is checked against...), computed once instead of once per file.
    memo: dict[Any, Any] = field(default_factory=dict)
    #: Runs of the same Pelican object (``pelican --autoreload`` runs again and again).
    runs: int = 0

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Content objects keep a reference to the settings, and Pelican pickles
        # them into its cache: the state of a past build must not travel along.
        return (_no_state, ())

    def start_run(self, now: datetime) -> None:
        """Start a run: after the first, forget everything the previous run found.

        Reset in place, not replaced: Pelican copied the settings (this object
        included) into the run's context before any plugin could swap it.
        """
        self.runs += 1
        if self.runs == 1:
            return
        self.now = now
        self.problems = ProblemLog()
        self.log.errors.clear()
        self.log.warnings.clear()
        for collected in (self.warnings, self.next_changes, self.counts, self.report,
                          self.memo):
            collected.clear()

    def change_at(self, moment: datetime | None, reason: str) -> None:
        """Record a future moment at which some page of the site would change."""
        if moment is not None and moment > self.now:
            self.next_changes.append((moment, reason))

    @property
    def next_change(self) -> tuple[datetime, str] | None:
        return min(self.next_changes, key=lambda item: item[0]) if self.next_changes else None


def _no_state() -> None:
    return None


def build_state(settings: Any) -> BuildState | None:
    """The current build's state (None outside a build, e.g. in unit tests)."""
    return settings.get(STATE_KEY) if settings is not None else None
