"""How ``agora check`` shows what a build found: by file, with lines, for people or for GitHub.

Every problem of the build is gathered here: Agora's own (file, field, what
was expected, what was found), the notes of whole-site checks, and what
Pelican itself logged (those name no file: they belong to the build). A
problem without a line gets the line its field is written on; a required
field that is missing points at the file's header, where it belongs.

For people, problems are grouped by file, files with errors first; in each
file errors come before warnings, warnings before notes, then by line. For
GitHub, each problem is one workflow command annotating its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from agora.content.lines import file_header, with_lines
from agora.content.schema import Schema, content_model
from agora.problems import Problem
from agora.state import BuildState

RANK = {"error": 0, "warning": 1, "note": 2}
BUILD = "(the whole build)"


def gather(state: BuildState, settings: Mapping[str, Any]) -> list[Problem]:
    """Every problem, warning and note of the build, once each."""
    found = list(state.problems.problems)
    for check in content_model(settings).site_checks:
        # whole-site notes are worth an editor's eye but never logged by a build
        found += [item for item in check(settings) if item.severity == "note"]
    mine = {str(p) for p in found}
    logged = [(m, "error") for m in state.log.errors] + [(m, "warning")
                                                         for m in state.log.warnings]
    for message, severity in dict.fromkeys(logged):
        if message not in mine:  # what Pelican (or a generator) logged itself
            found.append(Problem(_logged_about(message, settings), "", message,
                                 severity="error" if severity == "error" else "warning"))
    return list(dict.fromkeys(found))


def _logged_about(message: str, settings: Mapping[str, Any]) -> str:
    """The content file a logged message names ("events/x.md left out of the build...",
    "Empty alt attribute for image a.jpg in /…/content/articles/b.md"), as problems show
    it; "" for a message about the build as a whole."""
    from agora.content.reader import display_path  # noqa: PLC0415

    root = Path(str(settings.get("PATH", "content"))).resolve()
    for word in message.split():
        word = word.strip("'\".,:;()[]")
        if not word or ("/" not in word and "." not in word):
            continue
        candidate = Path(word) if Path(word).is_absolute() else root / word
        if candidate.is_file() and root in candidate.resolve().parents:
            return display_path(str(candidate), str(root))
    return ""


def resolve(shown: str, settings: Mapping[str, Any]) -> Path | None:
    """The file a problem's path names (paths are shown relative to where agora runs, or
    to the folder holding the content folder); None for the build or a folder."""
    if not shown:
        return None
    path = Path(shown)
    candidates = [path] if path.is_absolute() else [
        Path.cwd() / path, Path(str(settings.get("PATH", "content"))).resolve().parent / path]
    return next((c.resolve() for c in candidates if c.is_file()), None)


def locate(problems: Iterable[Problem], settings: Mapping[str, Any]) -> list[Problem]:
    """Each problem with the line of its field when it had none.

    The line is looked up when the problem is shown, not when it is found, so
    every check (Agora's, a capability's, a site check) gets one, and the
    build's own messages stay as they are.
    """
    model = content_model(settings)
    root = Path(str(settings.get("PATH", "content"))).resolve()
    by_file: dict[Path | None, list[Problem]] = {}
    for item in problems:
        file = resolve(item.path, settings) if item.line is None else None
        by_file.setdefault(file, []).append(item)
    located = by_file.pop(None, [])
    for file, items in by_file.items():
        assert file is not None
        ctype = model.type_for(file.relative_to(root).as_posix(), settings) \
            if root in file.parents else None
        schema = ctype.schema if ctype is not None else None
        located += with_lines(items, file_header(file), _field_of(schema))
    return located


def _field_of(schema: Schema | None) -> Callable[[str], bool]:
    """Whether a name is a field of ``schema`` (a missing one points at the header)."""
    return lambda name: schema is not None and schema.spec(name) is not None


def describe(item: Problem) -> str:
    text = f"{item.field}: {item.expected}" if item.field else item.expected
    return f"{text}, found {item.found}" if item.found else text


def _order(item: Problem) -> tuple[int, int, str]:
    return RANK.get(item.severity, 3), item.line if item.line is not None else 1 << 30, item.field


def grouped(problems: Iterable[Problem]) -> list[tuple[str, list[Problem]]]:
    """(path, its problems in order), files with the worst problems first, the build last."""
    groups: dict[str, list[Problem]] = {}
    for item in problems:
        groups.setdefault(item.path, []).append(item)
    ordered = sorted(groups.items(), key=lambda pair: (
        pair[0] == "", min(RANK.get(p.severity, 3) for p in pair[1]), pair[0]))
    return [(path, sorted(items, key=_order)) for path, items in ordered]


def text_lines(problems: Iterable[Problem]) -> Iterator[str]:
    """For people: a heading per file, then one line per problem."""
    for number, (path, items) in enumerate(grouped(problems)):
        if number:
            yield ""
        yield path or BUILD
        for item in items:
            where = f"line {item.line}: " if item.line else ""
            yield f"  {where}{item.severity}: {describe(item)}"


def github_lines(problems: Iterable[Problem], settings: Mapping[str, Any]) -> Iterator[str]:
    """For pull requests: one annotation per problem, on its file and line when it has one."""
    for _path, items in grouped(problems):
        for item in items:
            yield item.github(in_file=resolve(item.path, settings) is not None)


def file_of(item: Problem, settings: Mapping[str, Any]) -> Path | None:
    """The file a problem is about, existing or removed (None: the build, a folder)."""
    found = resolve(item.path, settings)
    if found is not None or not item.path:
        return found
    path = Path(item.path).resolve()
    return None if path.is_dir() else path
