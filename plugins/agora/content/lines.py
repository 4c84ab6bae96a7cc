"""Where each metadata field of a content file is written: its line, for messages.

Problems name a file and a field; an editor (and a pull-request annotation)
also needs the line. The metadata is parsed again here, only for files that
have a problem, in each syntax Agora reads: a YAML header (PyYAML's nodes
carry their position), Pelican's native ``Key: value`` lines in Markdown,
reStructuredText field lists (``:date: ...``) and HTML ``<meta>`` tags.
Field names are lower-cased, as the readers lower-case them.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agora.content.frontmatter import FRONT_MATTER_RE, YAML_LOADER, load_yaml
from agora.problems import Problem

# Python-Markdown's meta extension: what a metadata line, its continuation and its
# optional fences look like (the native syntax ends at the first other line).
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_META_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_META_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
_RST_FIELD = re.compile(r"^:(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_HTML_META = re.compile(r"""<meta\s[^>]*name\s*=\s*["']?(?P<key>[A-Za-z0-9_-]+)""",
                        re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[\s>]", re.IGNORECASE)
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mkd", ".mdown"})


@dataclass(frozen=True)
class Header:
    """The metadata of one file as written: each field's line and raw value.

    ``start`` is the header's first line (the opening ``---`` of a YAML header);
    values are YAML's for a YAML header, the text after the colon otherwise.
    """

    lines: Mapping[str, int] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    start: int | None = None


def yaml_key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """Line of each key of a YAML mapping (``first_line``: the text's first line).

    Keys of nested mappings are dotted: ``location.city``, ``astuces-du-mardi.cadence``.
    """
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return {}  # the reader reports the YAML error itself, with its line
    found: dict[str, int] = {}
    pending: list[tuple[str, yaml.Node | None]] = [("", node)]
    while pending:
        prefix, current = pending.pop()
        if not isinstance(current, yaml.MappingNode):
            continue
        for key, value in current.value:
            if isinstance(key, yaml.ScalarNode):
                name = prefix + str(key.value).strip().lower()
                found.setdefault(name, first_line + key.start_mark.line)
                pending.append((name + ".", value))
    return found


def _yaml_header(text: str) -> Header | None:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None
    opening = text[: match.start(1)].count("\n")  # the line of ---, counted from 1
    header = match.group(1)
    try:
        values = load_yaml(header)
    except (yaml.YAMLError, ValueError):
        values = None
    return Header(yaml_key_lines(header, opening + 1),
                  values if isinstance(values, dict) else {}, opening)


def _native_markdown(text: str) -> Header:
    lines: dict[str, int] = {}
    values: dict[str, Any] = {}
    key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1 and _META_BEGIN.match(line):
            continue
        if not line.strip() or (number > 1 and _META_END.match(line)):
            break
        if match := _META.match(line):
            key = match["key"].lower()
            lines.setdefault(key, number)
            values.setdefault(key, match["value"].strip())
        elif key and (more := _META_MORE.match(line)):
            values[key] = f"{values[key]} {more['value'].strip()}".strip()
        else:
            break
    return Header(lines, values, 1)


def _pattern_lines(text: str, pattern: re.Pattern[str]) -> Header:
    lines: dict[str, int] = {}
    values: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := pattern.search(line):
            key = match["key"].lower()
            lines.setdefault(key, number)
            if "value" in match.groupdict():
                values.setdefault(key, match["value"].strip())
    return Header(lines, values, 1)


def read_header(text: str, suffix: str) -> Header:
    """The metadata of a content file's ``text`` (``suffix``: its extension, with the dot)."""
    suffix = suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return _yaml_header(text) or _native_markdown(text)
    if suffix == ".rst":
        return _pattern_lines(text, _RST_FIELD)
    if suffix in (".html", ".htm"):
        header = _pattern_lines(text, _HTML_META)
        title = next((n for n, line in enumerate(text.splitlines(), start=1)
                      if _HTML_TITLE.search(line)), None)
        return Header({**header.lines, "title": title}, {}, 1) if title else header
    return Header()


def file_header(path: str | os.PathLike[str]) -> Header:
    """:func:`read_header` of a file (an empty header when it cannot be read as text)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Header()
    return read_header(text, Path(path).suffix)


def with_lines(problems: list[Problem], header: Header,
               is_field: Callable[[str], bool] = lambda name: False) -> list[Problem]:
    """``problems`` of one file, each with the line of its field when it had none.

    A field of the file's type that is not written (a missing required field)
    points at the header, where it belongs (``is_field`` says which names are fields).
    """
    located = []
    for item in problems:
        if item.line is None:
            name = item.field.lower()
            line = header.lines.get(name)
            if line is None and is_field(name):
                line = header.start
            item = dataclasses.replace(item, line=line)
        located.append(item)
    return located
