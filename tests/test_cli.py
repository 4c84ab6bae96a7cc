"""The `agora` command as editors run it."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, write_files

AGORA = [sys.executable, "-m", "agora.cli"]


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([*AGORA, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "AGORA_NOW": "2026-11-20T10:00:00+01:00",
                               "HOME": str(cwd)})


@pytest.fixture(scope="module")
def hub_copy(tmp_path_factory):
    """A copy of the hub with one broken event."""
    root = tmp_path_factory.mktemp("cli-hub")
    for name in ("content", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pelicanconf.py", root)
    shutil.copytree(REPO / "theme", root / "theme")
    write_files(root / "content", {"events/ama.md": """
        ---
        title: AMA
        start: 3 décembre
        ---
        Posez vos questions.
        """})
    return root


@pytest.mark.parametrize("command", [[], ["check"]])
def test_help_everywhere(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: agora" in result.stdout


def test_check_reports_file_and_field_and_exits_1(hub_copy):
    result = run("check", cwd=hub_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    # grouped by file, each problem with the line of its field
    lines = result.stdout.splitlines()
    assert "content/events/ama.md" in lines
    assert lines[lines.index("content/events/ama.md") + 1] == (
        '  line 3: error: start: expected ISO date-time like 2026-12-03T18:00, '
        'found "3 décembre"')


def test_check_github_format_annotates_the_file(hub_copy):
    result = run("check", "--format", "github", cwd=hub_copy)
    assert result.returncode == 1
    assert ("::error file=content/events/ama.md,line=3,title=agora check%3A start::start: "
            "expected ISO") in result.stdout


def test_check_on_the_demo_is_clean_even_strict():
    result = run("check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_missing_settings_file_is_explained(tmp_path):
    result = run("check", cwd=tmp_path)
    assert result.returncode != 0
    assert "pelicanconf.py: expected a Pelican settings file" in result.stderr


def _subparsers(parser):
    import argparse  # noqa: PLC0415

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield name, sub
                yield from ((f"{name} {inner}", p) for inner, p in _subparsers(sub))


def test_every_command_says_what_it_does():
    from agora.cli import build_parser  # noqa: PLC0415

    commands = dict(_subparsers(build_parser()))
    assert {"check", "new", "calendar", "adopt", "sync", "newsletter", "serve",
            "newsletter send", "newsletter build"} <= set(commands)
    silent = [name for name, sub in commands.items()
              if not (sub.description or "").strip() or "usage:" not in sub.format_help()]
    assert silent == []
