"""Where the YAML header of a Markdown file ends and its body begins."""

from __future__ import annotations

import re
from typing import Any

import yaml

FRONT_MATTER_RE = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?(.*)\Z",
                             re.MULTILINE | re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (YAML header or None, body, line number where the body starts)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text, 1
    header = match.group(1)
    body_line = text[: match.start(2)].count("\n") + 1
    return header, match.group(2), body_line


#: libyaml's parser when PyYAML was built with it: about ten times faster than the
#: pure-Python one, which was ~9 % of a cold build. Same safe constructors, same
#: error classes and marks (line numbers in messages do not change).
YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available."""
    return yaml.load(text, Loader=YAML_LOADER)


class _DatesAsText(YAML_LOADER):
    """A safe loader that leaves dates as the text written (``2026-13-45`` stays text)."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))


def load_yaml_dates_as_text(text: str) -> Any:
    """The YAML header with every date as written: for the fields to say which date is wrong.

    YAML itself turns ``2026-13-45`` into a date and fails without naming the key.
    """
    return yaml.load(text, Loader=_DatesAsText)
