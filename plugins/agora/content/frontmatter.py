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


class AliasRefused(yaml.YAMLError):
    """Front matter repeating a value by alias (``*name``): refused before it is built.

    Nine aliases of nine aliases ("billion laughs") are a few lines of YAML, and
    billions of values once a field turns them into text: one pull request could
    stop every build. Front matter has no use for them.
    """

    def __init__(self, token: Any):
        super().__init__("an alias")
        self.problem = f"an alias (*{token.value}), which front matter does not allow"
        self.problem_mark = token.start_mark


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available, refusing aliases."""
    if "*" in text:
        for token in yaml.scan(text, Loader=YAML_LOADER):
            if isinstance(token, yaml.AliasToken):
                raise AliasRefused(token)
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
