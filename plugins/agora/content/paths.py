"""Paths as editors see them, and the repository a build may read from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any


def display_path(source_path: str, content_root: str | None = None) -> str:
    """A path editors recognise: ``content/events/ama.md`` (see :func:`_display_path`)."""
    return _display_path(source_path, content_root, os.getcwd())


@lru_cache(maxsize=65536)
def _display_path(source_path: str, content_root: str | None, cwd: str) -> str:
    """A path editors recognise, asked several times per file.

    Relative to the working directory when inside it, else to the folder holding
    the content folder (builds of temporary sites, CI checkouts elsewhere).
    """
    rel = os.path.relpath(source_path)
    if not rel.startswith(".."):
        return rel.replace(os.sep, "/")
    if content_root:
        base = os.path.dirname(os.path.abspath(content_root))
        rel = os.path.relpath(source_path, base)
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return source_path


def project_root(settings: Mapping[str, Any]) -> Path:
    """The repository: the folder holding the content folder (as for ``data/forum``)."""
    return Path(settings["PATH"]).resolve().parent


def inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
