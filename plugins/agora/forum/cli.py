"""``agora sync``: refresh the forum snapshot (the only network step of a build cycle)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from agora.command import Progress, add_settings_argument, load_settings
from agora.content.schema import read_front_matter

EXIT_OK, EXIT_FAILED = 0, 1


def linked_from_content(content_root: Path) -> tuple[list[int], list[str]]:
    """Topic ids that content links to (``forum_topic``) and members' forum usernames."""
    topics: set[int] = set()
    usernames: set[str] = set()
    for path in sorted(content_root.rglob("*.md")):
        data = read_front_matter(path)
        topic = data.get("forum_topic")
        if isinstance(topic, int) or (isinstance(topic, str) and topic.isdigit()):
            topics.add(int(topic))
        if data.get("consent") is True and isinstance(data.get("discourse"), str):
            usernames.add(data["discourse"])
    return sorted(topics), sorted(usernames)


def cmd_sync(args: argparse.Namespace) -> int:
    from agora.clock import read  # noqa: PLC0415 - keep --help fast
    from agora.forum.client import ForumError  # noqa: PLC0415
    from agora.forum.snapshot import SnapshotError  # noqa: PLC0415
    from agora.forum.sync import sync  # noqa: PLC0415
    from agora.settings import Options, SettingsError, forum_snapshot_path  # noqa: PLC0415

    settings = load_settings(args.settings)
    overrides = {"AGORA_FORUM_URL": args.forum_url} if args.forum_url else {}
    try:
        options = Options.from_settings({**settings, **overrides})
        now = read(settings)  # AGORA_NOW (environment, then setting) pins the sync's clock
    except (SettingsError, ValueError) as exc:
        print(f"agora sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not options.forum_url:
        print("agora sync: AGORA_FORUM_URL: expected the forum's URL (or --forum-url), "
              "found nothing", file=sys.stderr)
        return EXIT_FAILED
    target = Path(args.snapshot_dir) if args.snapshot_dir else forum_snapshot_path(settings)
    topics, usernames = linked_from_content(Path(settings["PATH"]))
    print(f"agora sync: {options.forum_url} -> {target} ({len(topics)} linked topics, "
          f"{len(usernames)} member profiles)", file=sys.stderr)
    progress = Progress()
    started = time.monotonic()
    try:
        result = sync(options, target, now=now, topic_ids=topics, usernames=usernames,
                      progress=progress, full=args.full)
    except (ForumError, SnapshotError, OSError, ValueError) as exc:
        progress.close()
        print(f"agora sync: failed, the previous snapshot is unchanged: {exc}", file=sys.stderr)
        return EXIT_FAILED
    progress.close()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"agora sync: done in {time.monotonic() - started:.1f} s: {result.requests} requests, "
          f"{len(result.topics_fetched)} topics fetched, {len(result.topics_reused)} unchanged, "
          f"{result.avatars_downloaded} avatars and {result.images_downloaded} images downloaded, "
          f"{result.assets_fallen_back} fell back (initials or alt text shown; tried again at "
          "the next sync)", file=sys.stderr)
    return EXIT_OK


def register_command(commands: Any) -> None:
    parser = commands.add_parser(
        "sync", help="refresh the forum snapshot from Discourse (network)",
        description="Fetch the forum's latest and top topics, the topics content links to, "
                    "statistics, top contributors and member profiles into a snapshot folder, "
                    "atomically: a failed sync leaves the previous snapshot untouched. "
                    "Incremental: unchanged topics are not fetched again, and slow-moving "
                    "parts (categories, top lists, profiles) only every "
                    "AGORA_FORUM_SLOW_REFRESH_HOURS. For a private forum "
                    "set AGORA_DISCOURSE_API_KEY and AGORA_DISCOURSE_API_USERNAME.",
    )
    parser.add_argument("--forum-url", help="forum base URL (default: AGORA_FORUM_URL)")
    parser.add_argument("--snapshot-dir",
                        help="snapshot folder (default: AGORA_FORUM_SNAPSHOT_DIR, data/forum)")
    parser.add_argument("--full", action="store_true",
                        help="read everything again, ignoring what the last snapshot holds")
    add_settings_argument(parser)
    parser.set_defaults(handler=cmd_sync)
