"""``agora check``: build the site into a throw-away folder and show every problem found.

Output is :mod:`agora.editors.report`'s (by file, with lines; or GitHub
annotations). ``--changed-only`` shows only the problems of what a branch
changed and of what refers to it (:mod:`agora.editors.changes`); ``--plan``
adds the gaps of the editorial plan (:mod:`agora.editors.plan`).
Exit 0 when clean, 1 on errors (on warnings too with ``--strict``), 2 when
git cannot say what changed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agora.editors.build import Built
    from agora.editors.changes import Scope
    from agora.problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def cmd_check(args: argparse.Namespace) -> int:
    # imported here: `agora --help` must not load Pelican
    from agora.editors.build import BuildFailed, build_quietly  # noqa: PLC0415
    from agora.editors.changes import ChangesError  # noqa: PLC0415
    from agora.editors.report import (  # noqa: PLC0415
        file_of,
        gather,
        github_lines,
        locate,
        text_lines,
    )

    scope = None
    if args.changed_only:  # before the build: a wrong --base is said at once
        try:
            scope = changed_scope(args)
        except ChangesError as exc:
            print(f"agora check --changed-only: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        built = build_quietly(args.settings)
    except BuildFailed as exc:
        print(f"agora check: the build failed: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    state, settings = built.state, built.settings
    problems = gather(state, settings)
    if scope is not None:
        problems = [p for p in problems if scope.covers(file_of(p, settings))]
        problems = list(dict.fromkeys(problems + unknown_fields_in(scope, built)))
    if args.plan:
        problems += plan_problems(built, args.weeks)
    problems = locate(problems, settings)
    lines = github_lines(problems, settings) if args.format == "github" else text_lines(problems)
    for line in lines:
        print(line)
    if args.verbose:
        print_unknown_fields(state.report.get("unknown_fields") or {}, scope, settings)
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    counted = f"{errors} error(s), {warnings} warning(s)"
    if scope is None:
        print(f"agora check: {counted} in {sum(state.counts.values())} published items",
              file=sys.stderr)
    else:
        print(f"agora check --changed-only: {describe_scope(scope)}: {counted}", file=sys.stderr)
    return EXIT_PROBLEMS if errors or (args.strict and warnings) else EXIT_OK


def changed_scope(args: argparse.Namespace) -> Scope:
    from agora.command import load_settings  # noqa: PLC0415
    from agora.content.schema import content_model  # noqa: PLC0415
    from agora.editors.changes import scope_of  # noqa: PLC0415

    settings = load_settings(args.settings)
    return scope_of(settings, content_model(settings), Path(args.settings), args.base,
                    Path.cwd())


def describe_scope(scope: Scope) -> str:
    """"checked 3 files (2 changed since origin/main, 1 referring to them)"."""
    if scope.everything:
        return scope.everything
    changed = len(scope.changed_content)
    files = len(scope.files)
    return (f"checked {files} file{'s' if files != 1 else ''} ({changed} changed since "
            f"{scope.base}, {len(scope.related)} referring to them)")


def unknown_fields_in(scope: Scope, built: Built) -> list[Problem]:
    """A build reports each unknown field once, for the whole content folder; a check of
    some files reports it for each of them that uses it."""
    from agora.content.schema import content_model  # noqa: PLC0415
    from agora.content.unknown import REPORT_KEY, summary  # noqa: PLC0415
    from agora.editors.report import resolve  # noqa: PLC0415

    settings = built.settings
    if scope.everything:
        return []
    model, root = content_model(settings), Path(settings["PATH"]).resolve()
    found = []
    for name, files in (built.state.report.get(REPORT_KEY) or {}).items():
        for shown in files:
            path = resolve(shown, settings)
            ctype = model.type_for(path.relative_to(root).as_posix(), settings) \
                if path is not None and root in path.parents else None
            if path is not None and scope.covers(path) and ctype is not None:
                found.append(summary(name, {shown: ctype.name}, settings))
    return found


def plan_problems(built: Built, weeks: int) -> list[Problem]:
    """``--plan``: each gap of the next ``weeks`` weeks is an error, as is a cadence the
    plan cannot read."""
    import dataclasses  # noqa: PLC0415

    from agora.editors.plan import gap_problems, make_plan  # noqa: PLC0415

    plan = make_plan(built.state, built.settings, weeks)
    unreadable = [dataclasses.replace(p, severity="error") for p in plan.problems]
    return unreadable + gap_problems(plan, built.settings)


def print_unknown_fields(found: Mapping[str, list[str]], scope: Scope | None,
                         settings: Mapping[str, Any]) -> None:
    """``--verbose``: every file using each field no schema knows."""
    from agora.editors.report import resolve  # noqa: PLC0415

    for name, files in found.items():
        shown = [f for f in files if scope is None or scope.covers(resolve(f, settings))]
        if shown:
            print(f"unknown field {name} ({len(shown)} file{'s' if len(shown) > 1 else ''}):")
            for path in shown:
                print(f"  {path}")


def add_arguments(check: argparse.ArgumentParser) -> None:
    from agora.editors.calendar import weeks_count  # noqa: PLC0415 - a light module
    check.add_argument("--settings", "-s", default="pelicanconf.py",
                       help="Pelican settings file (default: pelicanconf.py)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="text for people (grouped by file), github for pull-request "
                            "annotations")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="also list every file using each field no schema knows")
    check.add_argument("--changed-only", action="store_true",
                       help="show only the problems of the files the branch changed (git) "
                            "and of the files referring to them")
    check.add_argument("--base", metavar="REF",
                       help="with --changed-only: the branch to compare with (default: "
                            "origin/HEAD, else origin/main, main, origin/master, master)")
    check.add_argument("--plan", action="store_true",
                       help="also fail when a series has a gap in the next --weeks weeks "
                            "(see agora calendar)")
    check.add_argument("--weeks", type=weeks_count, default=4,
                       help="with --plan: how many weeks ahead (default: 4)")
    check.set_defaults(handler=cmd_check)
