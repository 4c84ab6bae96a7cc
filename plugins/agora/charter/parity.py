"""Translation parity: warn when a translation lags behind its original.

A translation is paired with its original by slug (as Pelican pairs them) or
by ``translation_of: <slug>``. Its "last change" is the latest of its
``modified``, ``effective`` and ``date`` (and, for a charter, the dates of its
``changes:``), compared by day. A translation is stale when it is older than
the original's last change, or when both carry a ``version`` and they differ.
Pages with no date at all cannot be compared and are left alone: give a page
a ``modified:`` date when you change it, and its translations are checked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from agora.charter.history import as_date
from agora.content.reader import display_path
from agora.problems import Problem, problem
from agora.state import report

logger = logging.getLogger(__name__)


def last_change(page: Any) -> date | None:
    """The latest date the page's front matter says it changed."""
    candidates = [as_date(getattr(page, name, None)) for name in ("modified", "effective", "date")]
    for change in getattr(page, "changes", None) or []:
        if isinstance(change, Mapping):
            candidates.append(as_date(change.get("date")))
    dated = [d for d in candidates if d is not None]
    return max(dated) if dated else None


def original_of(page: Any, by_slug: Mapping[str, Any], default_lang: str) -> Any | None:
    """The default-language page ``page`` translates, if any."""
    target = page.metadata.get("translation_of")
    if target:
        return by_slug.get(target)
    for other in getattr(page, "translations", []) or []:
        if other.lang == default_lang:
            return other
    return None


def stale_translation(translation: Any, original: Any, settings: Mapping[str, Any]) -> (
        Problem | None):
    """A warning when ``translation`` is older than ``original``'s last change."""
    version, original_version = (getattr(translation, "version", None),
                                 getattr(original, "version", None))
    mine, theirs = last_change(translation), last_change(original)
    version_lags = bool(version and original_version and version != original_version)
    date_lags = bool(mine and theirs and mine < theirs)
    if not (version_lags or date_lags):
        return None
    root = settings.get("PATH")

    def describe(page: Any, page_version: Any, changed: date | None) -> str:
        parts = [f"version {page_version}"] if page_version else []
        if changed:
            parts.append(f"last changed {changed.isoformat()}")
        return ", ".join(parts) or "no date"

    return problem(
        display_path(translation.source_path, root),
        "version" if version_lags else "modified",
        f"expected the {translation.lang} translation to be as recent as its original "
        f"{display_path(original.source_path, root)} "
        f"({describe(original, original_version, theirs)})",
        found_text=describe(translation, version, mine),
        severity="warning",
    )


def check_parity(pages: Iterable[Any], settings: Mapping[str, Any]) -> list[Problem]:
    """Warn (log and build report) about every stale translation among ``pages``."""
    pages = list(pages)
    default_lang = settings.get("DEFAULT_LANG", "en")
    by_slug = {p.slug: p for p in pages if p.lang == default_lang}
    found = []
    for page in pages:
        if page.lang == default_lang:
            continue
        original = original_of(page, by_slug, default_lang)
        if original is None or original is page:
            continue
        warning = stale_translation(page, original, settings)
        if warning is not None:
            found.append(warning)
    report(settings, *found)
    return found
