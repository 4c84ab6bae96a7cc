"""``agora adopt PATH``: what Agora would do with an existing Pelican site, before any change."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2


def cmd_adopt(args: argparse.Namespace) -> int:
    from agora.adopt.config import AdoptError, check_target, write_config  # noqa: PLC0415
    from agora.adopt.report import make_report, render_report  # noqa: PLC0415
    from agora.adopt.survey import survey  # noqa: PLC0415

    site = Path(args.path)
    settings_file = site / args.settings if site.is_dir() else site
    target = Path(args.write_config) if args.write_config else None
    if target is not None:
        # say it now, before two builds: the file is only written after them
        unusable = check_target(target)
        if unusable:
            print(f"agora adopt: {unusable}", file=sys.stderr)
            return EXIT_USAGE
    try:
        found = survey(settings_file)
    except AdoptError as exc:
        print(f"agora adopt: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = make_report(found)
    print(render_report(report, str(settings_file)), end="")
    if target is not None:
        try:
            write_config(found.config, target, unknown_fields=list(report.unknown_fields))
        except AdoptError as exc:
            print(f"agora adopt: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"\nWrote {target}: build with `pelican -s {target}` (or `agora check -s "
              f"{target}`).")
    else:
        print(f"\nNothing was changed. `agora adopt {args.path} --write-config "
              f"agora-pelicanconf.py` writes a starting settings file.")
    return EXIT_OK if report.same else EXIT_DIFFERENT


def register_command(commands: Any) -> None:
    adopt = commands.add_parser(
        "adopt", help="report what Agora would do with an existing Pelican site",
        description="Build an existing Pelican site twice into temporary folders, with bare "
                    "Pelican and with Agora, and report what changes: articles and pages "
                    "built (with Pelican's counts beside Agora's), authors matched to members "
                    "or kept as names, articles that become events, fields no schema knows, "
                    "templates used, and every file Agora cannot build with its reason. "
                    "Nothing in the site changes unless --write-config is given. Exit 0 when "
                    "Agora builds every file Pelican builds, at the same URL, without errors.",
    )
    adopt.add_argument("path", nargs="?", default=".",
                       help="the Pelican project folder (or its settings file); default: .")
    adopt.add_argument("--settings", "-s", default="pelicanconf.py",
                       help="the project's settings file, inside PATH (default: pelicanconf.py)")
    adopt.add_argument("--write-config", metavar="FILE",
                       help="write a starting Agora settings file there (never overwrites): "
                            "Agora's defaults, the site's paths, URLs and settings, Agora's "
                            "plugins")
    adopt.set_defaults(handler=cmd_adopt)
