"""The ``agora`` command: editors' and operators' tools around the Pelican build.

Every subcommand has ``--help``. Only ``sync`` (and later ``newsletter send``)
touch the network; everything else works offline.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from agora.editors.check import add_arguments as add_check_arguments
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
                    "cross-references (members, series), and every warning a build would give, "
                    "grouped by file with the line of each field. Exit 0 when clean, 1 on "
                    "errors (or on warnings with --strict).",
    )
    add_check_arguments(check)

    for register in _extra_commands():
        register(commands)
    return parser


#: Modules with a ``register_command(commands)``: one line here adds a command.
COMMAND_MODULES = ("agora.editors.scaffold", "agora.editors.calendar", "agora.adopt.command",
                   "agora.forum.cli", "agora.newsletter.cli", "agora.serve")


def _extra_commands() -> list[Any]:
    """Subcommands with their own module (adopt, forum sync, ...), imported lazily.

    A module that fails to import is a broken installation, said as such, not a
    command that silently disappears from ``--help``.
    """
    return [importlib.import_module(name).register_command for name in COMMAND_MODULES]


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
