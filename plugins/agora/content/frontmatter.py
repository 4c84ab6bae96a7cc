"""Where the YAML header of a Markdown file ends and its body begins."""

from __future__ import annotations

import re

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
