"""Editorial intros: ``content/newsletter/<date>.md``, one per issue and language.

Front matter: ``subject`` (the issue's subject line in that language),
optional ``preheader`` (the line mail clients show after the subject), ``lang``
(default: the site's). The file name's date says which issue it opens; an
intro written for a date the cadence does not give adds an issue that day.
A translation is ``<date>-<lang>.md`` with ``lang: <lang>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from agora.content import fields as f
from agora.content.generator import AgoraContent
from agora.content.schema import ContentType, make_schema
from agora.problems import Problem, problem

DATE_IN_NAME = re.compile(r"^(\d{4}-\d\d-\d\d)")

_SCHEMA = make_schema(
    "newsletter intro",
    subject=f.text(help="the issue's subject line in this language"),
    preheader=f.text(help="the line mail clients show after the subject"),
)
# an intro needs no title: the issue has a subject
INTRO = type(_SCHEMA)(_SCHEMA.name, {k: v for k, v in _SCHEMA.fields.items() if k != "title"})


def issue_day(source_path: str) -> date | None:
    match = DATE_IN_NAME.match(Path(source_path).name)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def validate_intro(clean: dict[str, Any], path: str, settings: Mapping[str, Any]
                   ) -> list[Problem]:
    if issue_day(path) is None:
        return [problem(path, "file name", "expected the issue's date first, like "
                        "content/newsletter/2026-12-03.md", Path(path).name)]
    if "\n" in str(clean.get("subject", "")):
        return [problem(path, "subject", "expected one line (it becomes the e-mail's subject)",
                        clean["subject"])]
    return []


CONTENT_TYPE = ContentType("newsletter", INTRO, paths_setting="NEWSLETTER_PATHS",
                           validate=validate_intro)


class Intro(AgoraContent):
    """The editorial of one issue in one language (never a page of its own)."""

    default_template = "agora/newsletter_issue"

    def __init__(self, *args: Any, **kwargs: Any):
        metadata = kwargs.get("metadata")
        if metadata is not None:
            metadata.setdefault("title", metadata.get("subject") or "newsletter")
            metadata.setdefault("save_as", "")  # shown inside its issue, not on its own
            metadata.setdefault("url", "")
            day = issue_day(kwargs.get("source_path") or "")
            if day is not None:  # the French and English intros of a day pair as translations
                metadata.setdefault("slug", day.isoformat())
        super().__init__(*args, **kwargs)

    @property
    def day(self) -> date:
        found = issue_day(self.source_path)
        assert found is not None  # validated when read
        return found
