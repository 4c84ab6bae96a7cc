"""A throw-away build for commands that need what a build knows (``agora check``, ``calendar``).

Problems, the hub and the scheduled posts exist only once Pelican has read
everything with Agora's plugins, so these commands build the whole site into
a temporary folder, quietly: the command prints what it found, once, in its
own format, and Pelican's "Done" line goes to stderr (stdout may carry JSON or
an iCalendar file).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agora.command import load_settings
from agora.state import BuildState, build_state


class BuildFailed(Exception):
    """The build itself failed (a broken setting or template), not a content file."""


@dataclass
class Built:
    state: BuildState
    settings: dict[str, Any]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    root = logging.getLogger()
    previous_level, previous_last_resort = root.level, logging.lastResort
    root.setLevel(logging.WARNING)
    # Problems are printed by the command, once: silence the default handler.
    logging.lastResort = logging.NullHandler()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        root.setLevel(previous_level)
        logging.lastResort = previous_last_resort


def build_quietly(settings_file: str, **override: Any) -> Built:
    """Build the hub of ``settings_file`` into a temporary folder; return what it knew.

    Strictness is off (every problem is collected rather than the first one
    stopping the build), and no content cache is read or written.
    """
    from pelican import Pelican  # noqa: PLC0415 - keep --help fast

    with tempfile.TemporaryDirectory(prefix="agora-build-") as output:
        settings = load_settings(settings_file, OUTPUT_PATH=output, AGORA_STRICT=False,
                                 LOAD_CONTENT_CACHE=False, CACHE_CONTENT=False,
                                 DELETE_OUTPUT_DIRECTORY=False, **override)
        with _quiet():
            try:
                Pelican(settings).run()
            except Exception as exc:  # a broken setting or template: the caller says so
                raise BuildFailed(str(exc)) from exc
    state = build_state(settings)
    if state is None:
        raise BuildFailed("expected agora.core in PLUGINS, found it missing")
    return Built(state, settings)
