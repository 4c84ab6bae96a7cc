"""The ``agora`` command: editors' and operators' tools around the Pelican build.

Every subcommand has ``--help``. Only ``sync`` (and later ``newsletter send``)
touch the network; everything else works offline.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from agora.command import load_settings
from agora.state import BuildState, build_state

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def run_build(settings: dict[str, Any]) -> BuildState:
    """Run a full Pelican build with Agora's plugins; return the build state."""
    from pelican import Pelican  # noqa: PLC0415 - keep --help fast

    pelican = Pelican(settings)
    pelican.run()
    state = build_state(settings)
    if state is None:
        raise SystemExit("agora: expected agora.core in PLUGINS, found it missing")
    return state


# --- agora check --------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    """Validate every content file by building the site into a throw-away folder."""
    quiet = logging.getLogger()
    previous_level = quiet.level
    quiet.setLevel(logging.WARNING)
    # Problems are printed below, once, in the chosen format: silence the default handler.
    logging.lastResort = logging.NullHandler()
    with tempfile.TemporaryDirectory(prefix="agora-check-") as output:
        settings = load_settings(args.settings, OUTPUT_PATH=output, AGORA_STRICT=False,
                                 LOAD_CONTENT_CACHE=False, CACHE_CONTENT=False,
                                 DELETE_OUTPUT_DIRECTORY=False)
        try:
            state = run_build(settings)
        except Exception as exc:  # a broken setting or template: report it, exit non-zero
            print(f"agora check: the build failed: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        finally:
            quiet.setLevel(previous_level)
    errors, warnings = state.errors, state.warnings
    structured = {str(p): p for p in state.problems.problems}
    for message in errors + warnings:
        item = structured.get(message)
        is_error = message in errors
        if args.format == "github":
            if item is not None:
                print(item.github())
            else:
                print(f"::{'error' if is_error else 'warning'} title=agora check::{message}")
        else:
            print(f"{'error' if is_error else 'warning'}: {message}")
    from agora.content.schema import content_model  # noqa: PLC0415 - keep --help fast

    for check in content_model(settings).site_checks:
        for item in check(settings):
            if item.severity == "note":
                print(item.github() if args.format == "github" else f"note: {item}")
    failed = bool(errors) or (args.strict and bool(warnings))
    summary = (f"agora check: {len(errors)} error(s), {len(warnings)} warning(s) "
               f"in {sum(state.counts.values())} published items")
    print(summary, file=sys.stderr)
    return EXIT_PROBLEMS if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agora",
        description="Agora community hub tools. Builds themselves run with `make html` "
                    "(pelican); these commands help editors and operators.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate all content (exit 0 clean, 1 on errors)",
        description="Validate every content file: front matter against the content model, "
                    "cross-references (members, series), and every warning a build would give. "
                    "Exit 0 when clean, 1 on errors (or on warnings with --strict).",
    )
    check.add_argument("--settings", "-s", default="pelicanconf.py",
                       help="Pelican settings file (default: pelicanconf.py)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="text for people, github for pull-request annotations")
    check.set_defaults(handler=cmd_check)

    for register in _extra_commands():
        register(commands)
    return parser


def _extra_commands() -> list[Any]:
    """Subcommands contributed by capabilities (forum sync, ...), imported lazily."""
    registrars = []
    for module_name in ("agora.forum.cli", "agora.newsletter.cli", "agora.serve"):
        try:
            module = __import__(module_name, fromlist=["register_command"])
        except ImportError:
            continue
        registrars.append(module.register_command)
    return registrars


def _version() -> str:
    import agora  # noqa: PLC0415

    return f"agora {agora.__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
