"""Corpus builds shared by the adoption tests: each site built once per session, each way.

The tests using them are in one xdist group, so one worker builds each site once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.adopt.harness import BuildResult, Builds, agora_build, bare_build


def _memoized(build: Callable[[str, Path], BuildResult], name: str,
              factory: pytest.TempPathFactory) -> Builds:
    built: dict[str, BuildResult] = {}

    def get(site: str) -> BuildResult:
        if site not in built:
            built[site] = build(site, factory.mktemp(f"{name}-{site}"))
        return built[site]

    return get


@pytest.fixture(scope="session")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Bare Pelican builds by site name, each made on first use and kept for the session."""
    return _memoized(bare_build, "bare", tmp_path_factory)


@pytest.fixture(scope="session")
def agora(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Agora builds of the adopted sites by name (settings as `agora adopt` writes them)."""
    return _memoized(agora_build, "agora", tmp_path_factory)
