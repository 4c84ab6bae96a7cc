"""Every content file with its type and metadata as written, without building the site.

``agora new --series`` (which slots are taken) and ``agora check --changed-only``
(which files refer to a changed profile or series) need to know what files
say before, or besides, a build; both read it here, through the content model.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agora.content.fields import Invalid
from agora.content.lines import Header, file_header
from agora.content.schema import ContentModel, ContentType
from agora.content.types import Series

READABLE = frozenset({".md", ".markdown", ".mkd", ".mdown", ".rst", ".html", ".htm"})


@dataclass(frozen=True)
class ContentFile:
    path: Path  # absolute
    rel: str  # relative to the content folder, with /
    ctype: ContentType | None
    header: Header

    @property
    def values(self) -> Mapping[str, Any]:
        return self.header.values

    def words(self, name: str) -> list[str]:
        """A field's values as text: a list, or text separated by commas (native syntax)."""
        raw = self.values.get(name)
        if raw is None:
            return []
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        return [str(item).strip() for item in items if str(item).strip()]

    def moment(self, name: str) -> datetime | None:
        """A date field converted by the content model (None when absent or invalid)."""
        spec = self.ctype.schema.spec(name) if self.ctype and self.ctype.schema else None
        raw = self.values.get(name)
        if spec is None or raw in (None, ""):
            return None
        try:
            value = spec.coerce(raw)
        except Invalid:
            return None
        return value if isinstance(value, datetime) else None

    def series(self, declared: Mapping[str, Series]) -> str | None:
        """The series this file belongs to: its ``series:``, or the spotlight series for a
        spotlight article without one (see :class:`~agora.content.types.Series`)."""
        named = self.words("series")
        if named:
            return named[0]
        if self.words("spotlight"):
            return next((s.slug for s in declared.values() if s.spotlight), None)
        return None


def _ignored(path: Path, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)


def content_files(settings: Mapping[str, Any], model: ContentModel) -> list[ContentFile]:
    """Every file of the content folder a reader reads, in path order."""
    root = Path(settings["PATH"]).resolve()
    ignore = settings.get("IGNORE_FILES") or ()
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in READABLE or not path.is_file() or _ignored(path, ignore):
            continue
        rel = path.relative_to(root).as_posix()
        found.append(ContentFile(path, rel, model.type_for(rel, settings), file_header(path)))
    return found


def of_type(files: Iterable[ContentFile], name: str) -> list[ContentFile]:
    return [f for f in files if f.ctype is not None and f.ctype.name == name]
