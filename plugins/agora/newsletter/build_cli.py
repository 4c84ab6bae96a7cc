"""``agora newsletter build``: assemble the issue due on a date and keep it for good.

A site build assembles every issue due from the content as it is: a later edit
or forum sync could change an issue already sent. This command runs a build as
of the issue's date, takes the issue it assembled and writes it as JSON into
``AGORA_NEWSLETTER_ISSUES_DIR`` (``data/newsletter/``): commit that file and
every later build publishes the issue exactly as it was, and ``agora
newsletter send`` sends it. An issue with nothing new is not produced.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agora.command import add_settings_argument, load_settings

EXIT_OK, EXIT_FAILED = 0, 1


@contextmanager
def clock_at(moment: datetime | None) -> Iterator[None]:
    """Pin Agora's clock (the ``AGORA_NOW`` environment variable) for the block."""
    if moment is None:
        yield
        return
    previous = os.environ.get("AGORA_NOW")
    os.environ["AGORA_NOW"] = moment.isoformat()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("AGORA_NOW", None)
        else:
            os.environ["AGORA_NOW"] = previous


def build_as_of(settings_file: str, day: date | None) -> Any:
    """A full build into a throw-away folder, its clock at midnight of ``day``; its state."""
    from agora.cli import run_build  # noqa: PLC0415 - keep --help fast
    from agora.clock import site_zone  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="agora-newsletter-") as output:
        settings = load_settings(settings_file, OUTPUT_PATH=output, AGORA_STRICT=False,
                                 LOAD_CONTENT_CACHE=False, CACHE_CONTENT=False,
                                 DELETE_OUTPUT_DIRECTORY=False)
        moment = (datetime.combine(day, datetime.min.time(), tzinfo=site_zone(settings))
                  if day else None)
        with clock_at(moment):
            return run_build(settings), settings


def summary(issue: Any) -> list[str]:
    lines = [f"issue {issue.number} of {issue.date.isoformat()}"]
    for lang, edition in issue.editions.items():
        counts = ", ".join(f"{s.name} {len(s.items)}" for s in edition.sections if s.items)
        lines.append(f"  {lang}: {edition.subject} ({counts or 'editorial only'})")
    return lines


def cmd_build(args: argparse.Namespace) -> int:
    from agora.newsletter.model import to_json  # noqa: PLC0415
    from agora.settings import newsletter_issues_path  # noqa: PLC0415

    day = date.fromisoformat(args.date) if args.date else None
    state, settings = build_as_of(args.settings, day)
    if state.hub.options.newsletter_start is None:
        print("agora newsletter build: AGORA_NEWSLETTER_START: expected the date of the "
              "first issue, found nothing", file=sys.stderr)
        return EXIT_FAILED
    issues = [i.data for i in (state.hub.newsletter.issues if state.hub.newsletter else [])]
    wanted = day or state.hub.today
    issue = next((i for i in issues if i.date == wanted), None)
    if issue is None:
        previous = max((i.date for i in issues if i.date < wanted), default=None)
        since = f" since issue of {previous.isoformat()}" if previous else ""
        print(f"agora newsletter build: no issue on {wanted.isoformat()}: nothing new{since}, "
              "or not a day the cadence gives (AGORA_NEWSLETTER_CADENCE, _WEEKDAY)")
        return EXIT_OK
    folder = newsletter_issues_path(settings)
    target = folder / f"{issue.id}.json"
    if target.exists() and not args.check:
        print(f"agora newsletter build: {target} already keeps issue {issue.id}: an issue "
              "never changes once kept (delete the file to assemble it again)", file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(summary(issue)))
    if args.check:
        return EXIT_OK
    write_atomically(target, to_json(issue))
    print(f"kept in {target}: commit it, publish, then `agora newsletter send {issue.id}`")
    return EXIT_OK


def write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


def register_build(commands: Any) -> None:
    parser = commands.add_parser(
        "build", help="assemble the issue due on a date and keep it (offline)",
        description="Run a build as of DATE (default: today), take the newsletter issue due "
                    "that day and keep it as JSON in AGORA_NEWSLETTER_ISSUES_DIR "
                    "(data/newsletter/), so it is published and sent exactly as assembled. "
                    "Says so and writes nothing when there is nothing new.")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the issue's date (default: today)")
    parser.add_argument("--check", action="store_true",
                        help="show what the issue would hold, keep nothing")
    add_settings_argument(parser)
    parser.set_defaults(handler=cmd_build)
