"""Say in a CI job summary when the published site next changes by itself.

``output/build.json`` gives ``next_change``: the next moment a page would change
without a commit (an event becomes past, a scheduled post goes live). GitHub's
cron cannot be set from it, so the publish workflow runs hourly; this prints one
Markdown line, and says how late the change will show when it falls before the
next hourly run.

    tools/next_change.py output/build.json --cron-minute 7 >> "$GITHUB_STEP_SUMMARY"
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path


def next_hourly_run(now: datetime, minute: int) -> datetime:
    """The next moment an hourly cron at ``minute`` fires, strictly after ``now``."""
    candidate = now.astimezone(UTC).replace(minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(hours=1)


def summary(report: dict[str, object], now: datetime, minute: int) -> str:
    value, reason = report.get("next_change"), report.get("next_change_reason") or "a change"
    if not isinstance(value, str):
        return "Next time-based change: none ahead."
    change = datetime.fromisoformat(value)
    when = f"{change:%Y-%m-%d %H:%M} UTC ({reason})"
    if change <= now:
        return (f"Next time-based change: {when} is already past by the system clock; "
                f"is the build's clock pinned with AGORA_NOW?")
    publishing_run = next_hourly_run(change, minute)
    late = int((publishing_run - change).total_seconds() // 60)
    if publishing_run == next_hourly_run(now, minute):
        return (f"**Next time-based change: {when}, before the next hourly run at "
                f"{publishing_run:%H:%M} UTC:** it shows up to {late} min late, unless this "
                f"workflow is run by hand then (GitHub's schedule cannot follow `next_change`).")
    return (f"Next time-based change: {when}; the hourly run at {publishing_run:%H:%M} UTC "
            f"publishes it ({late} min later).")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_json", type=Path, help="the build's build.json")
    parser.add_argument("--cron-minute", type=int, required=True,
                        help="minute of the hour the publish workflow's cron runs at")
    parser.add_argument("--now", type=datetime.fromisoformat,
                        help="ISO date-time with offset (default: the system clock)")
    args = parser.parse_args(argv)
    report = json.loads(args.build_json.read_text(encoding="utf-8"))
    print(summary(report, args.now or datetime.now(UTC), args.cron_minute))
    return 0


if __name__ == "__main__":
    sys.exit(main())
