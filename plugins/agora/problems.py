"""Problems found in content or settings, reported the same way everywhere.

A problem names the file, the field, what was expected and what was found::

    content/events/ama.md: start: expected ISO date-time like 2026-12-03T18:00, found "3 décembre"
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Literal

# "note": worth telling an editor (agora check), not a problem (never a warning or error).
Severity = Literal["error", "warning", "note"]

logger = logging.getLogger("agora")


def show(value: Any) -> str:
    """Render a found value for a message: quoted strings, short reprs otherwise."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return f'"{text}"'
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    field: str
    expected: str
    found: str = ""
    severity: Severity = "error"
    line: int | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        # a problem of the whole build has neither path nor field
        message = ": ".join(part for part in (where, self.field, self.expected) if part)
        if self.found:
            message += f", found {self.found}"
        return message

    def github(self, *, in_file: bool = True) -> str:
        """GitHub Actions workflow-command form, so problems annotate the pull request.

        The annotation sits on the file's line; ``in_file=False`` (a problem of the
        whole build, or of a folder) annotates the run instead, the path in its text.
        """
        kind = {"error": "error", "note": "notice"}.get(self.severity, "warning")
        text = f"{self.field}: {self.expected}" if self.field else self.expected
        text += f", found {self.found}" if self.found else ""
        properties = []
        if in_file and self.path:
            properties.append(("file", self.path))
            if self.line:
                properties.append(("line", str(self.line)))
        elif self.path:
            text = f"{self.path}: {text}"
        properties.append(("title", f"agora check: {self.field}" if self.field
                           else "agora check"))
        listed = ",".join(f"{name}={_escape(value, True)}" for name, value in properties)
        return f"::{kind} {listed}::{_escape(text, False)}"

    def log(self) -> None:
        {"error": logger.error, "note": logger.info}.get(self.severity, logger.warning)(
            "%s", self)


def _escape(text: str, is_property: bool) -> str:
    """Escape a workflow command's message or property as GitHub's toolkit does."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def problem(path: str, field_name: str, expected: str, found: Any = None, **kw: Any) -> Problem:
    """Build a problem, rendering ``found`` for humans (use ``found_text`` to pass it verbatim)."""
    found_text = kw.pop("found_text", None)
    return Problem(path, field_name, expected, found_text if found_text is not None else
                   (show(found) if found is not None else ""), **kw)


class Mismatch(Exception):
    """Something read (a file, an answer, a document) is not what was expected.

    The message has the shape every problem has: ``where: expected ..., found ...``.
    """

    def __init__(self, where: str, expected: str, found: str):
        self.where = where
        self.expected = expected
        self.found = found
        super().__init__(f"{where}: expected {expected}, found {found}")


class ContentError(Exception):
    """A content file cannot be published as it is; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ProblemLog:
    """Problems found during one build, for strict mode and the build report."""

    problems: list[Problem] = dataclasses.field(default_factory=list)

    def add(self, item: Problem, *, log: bool = True) -> None:
        if item in self.problems:
            return
        self.problems.append(item)
        if log:
            item.log()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
