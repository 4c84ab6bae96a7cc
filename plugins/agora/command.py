"""What every ``agora`` command shares: reading the hub's settings, showing progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def load_settings(settings_file: str, **override: Any) -> dict[str, Any]:
    """Read a Pelican settings file the way ``pelican -s`` does."""
    from pelican.settings import read_settings  # noqa: PLC0415 - keep --help fast

    if not Path(settings_file).exists():
        raise SystemExit(f"agora: {settings_file}: expected a Pelican settings file, found none "
                         f"(run agora from the hub's folder or pass --settings)")
    return dict(read_settings(settings_file, override=override or None))


def add_settings_argument(parser: argparse.ArgumentParser) -> None:
    """``--settings``: every command reads the hub's Pelican settings file."""
    parser.add_argument("--settings", "-s", default="pelicanconf.py",
                        help="Pelican settings file (default: pelicanconf.py)")


class Progress:
    """One updating line on a terminal; a line per stage otherwise (CI logs)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K  {stage}: {done}/{total}")
            self.stream.flush()
        elif stage != self.stage:
            self.stream.write(f"  {stage}...\n")
        self.stage = stage

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
