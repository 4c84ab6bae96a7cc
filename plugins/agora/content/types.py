"""The built-in content types: articles, pages, and the series they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from agora.content import fields as f
from agora.content.schema import ContentType, pelican_schema
from agora.problems import Problem, problem
from agora.settings import options
from agora.state import report

ARTICLE = pelican_schema(
    "article",
    series=f.slug(ref="series", help="Series slug from content/series.yml"),
    spotlight=f.slug(ref="member", help="Member slug this spotlight post is about"),
)

PAGE = pelican_schema(
    "page",
    onboarding_step=f.integer(minimum=1, help="Position in the onboarding path"),
)


@dataclass(frozen=True)
class Series:
    """A recurring series of ``content/series.yml``: the practice's regular rendezvous.

    ``spotlight`` marks the series member spotlights belong to: an article with
    ``spotlight:`` and no ``series:`` joins it.
    """

    slug: str
    title: str
    cadence: str = ""
    description: str = ""
    spotlight: bool = False
    #: language -> {"title": ..., "description": ...} (``translations:`` in series.yml)
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def in_language(self, lang: str | None) -> Series:
        """The series as a page in ``lang`` names it (its own words where it has none)."""
        words = self.translations.get(lang or "") or {}
        return replace(self, title=words.get("title") or self.title,
                       description=words.get("description") or self.description)


def series_file(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"]) / options(settings).series_file


def load_series(settings: Mapping[str, Any]) -> dict[str, Series]:
    """Series declared in ``content/series.yml``, by slug (problems reported, never raised)."""
    path = series_file(settings)
    if not path.exists():
        return {}
    shown = path.as_posix()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        report(settings, problem(shown, "series", "expected valid YAML",
                                 found_text=str(getattr(exc, "problem", None) or exc)))
        return {}
    if not isinstance(data, dict):
        report(settings, problem(shown, "series", "expected a mapping of series slug -> "
                                 "title and cadence", data))
        return {}
    found: list[Problem] = []
    series = parse_series(data, shown, found)
    report(settings, *found)
    return series


def parse_series(data: Mapping[Any, Any], shown: str, found: list[Problem]
                 ) -> dict[str, Series]:
    """The series of a ``series.yml`` mapping, by slug; what is malformed goes to ``found``."""
    series = {}
    for slug, info in data.items():
        info = info if isinstance(info, dict) else {"title": str(info)}
        series[str(slug)] = Series(str(slug), str(info.get("title", slug)),
                                   str(info.get("cadence") or ""),
                                   str(info.get("description") or ""),
                                   info.get("spotlight") is True,
                                   series_translations(info.get("translations"), str(slug),
                                                       shown, found))
    return series


def series_translations(value: Any, slug: str, shown: str, found: list[Problem]
                        ) -> dict[str, dict[str, str]]:
    """``translations: {en: {title: ..., description: ...}}`` of one series, checked."""
    if value is None:
        return {}
    expected = "a mapping of language -> title and description, like en: {title: Tuesday tips}"
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        found.append(problem(shown, f"{slug}: translations", f"expected {expected}",
                             value, severity="warning"))
        return {}
    return {str(lang): {key: str(words[key]) for key in ("title", "description")
                        if words.get(key)} for lang, words in value.items()}


CONTENT_TYPES = (
    ContentType("article", ARTICLE),
    ContentType("page", PAGE, paths_setting="PAGE_PATHS"),
    ContentType("series", None, keys=load_series),
)
