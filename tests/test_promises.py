"""Every promise of the README names tests that exist: a removed test breaks the table."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO


def test_every_test_the_promises_name_exists():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What Agora promises", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", section)
    assert len(named) >= 15
    for path, name in named:
        assert (REPO / path).is_file(), path
        if name:
            tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
            functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            assert name in functions, f"{path}::{name}"
