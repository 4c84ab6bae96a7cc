"""The built-in content types: articles, pages, and the series they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from agora.content import fields as f
from agora.content.schema import ContentType, make_schema, register_content_type
from agora.problems import logger

ARTICLE = make_schema(
    "article",
    author=f.slug(ref="member", help="Member slug of the author"),
    authors=f.list_of(f.slug(ref="member"), help="Member slugs of several authors"),
    category=f.text(help="Blog category"),
    series=f.slug(ref="series", help="Series slug from content/series.yml"),
    spotlight=f.slug(ref="member", help="Member slug this spotlight post is about"),
)

PAGE = make_schema(
    "page",
    onboarding_step=f.integer(minimum=1, help="Position in the onboarding path"),
)


def series_file(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"]) / settings.get("AGORA_SERIES_FILE", "series.yml")


def load_series(settings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Series declared in ``content/series.yml``: slug -> {title, cadence, description}.

    ``spotlight: true`` marks the series member spotlights belong to: an article
    with ``spotlight:`` and no ``series:`` joins it.
    """
    path = series_file(settings)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        logger.error("%s: expected valid YAML, found %s", path, exc)
        return {}
    if not isinstance(data, dict):
        logger.error("%s: expected a mapping of series slug -> title and cadence", path)
        return {}
    series = {}
    for slug, info in data.items():
        info = info if isinstance(info, dict) else {"title": str(info)}
        series[str(slug)] = {"slug": str(slug), "title": info.get("title", str(slug)),
                             "cadence": info.get("cadence", ""),
                             "description": info.get("description", ""),
                             "spotlight": info.get("spotlight") is True}
    return series


register_content_type(ContentType("article", ARTICLE))
register_content_type(ContentType("page", PAGE, paths_setting="PAGE_PATHS"))
register_content_type(ContentType(
    "series", None, keys=load_series,
    extra={"files": lambda s: [s.get("AGORA_SERIES_FILE", "series.yml")]},
))
