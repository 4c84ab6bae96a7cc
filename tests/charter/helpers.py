"""Helpers for the charter tests: small charter files and link resolution."""

from __future__ import annotations

import textwrap
from posixpath import normpath
from urllib.parse import urljoin, urlsplit


def charter_file(*, version: str = "2.0", effective: str | None = "2026-09-01",
                 summary: str = "Soyez bienveillants.", rules: dict[int, str] | None = None,
                 extra: str = "", lang: str = "", slug: str = "charter",
                 body: str = "") -> str:
    """A charter page: front matter plus one ``## Règle N — title`` section per rule."""
    rules = rules if rules is not None else {1: "Bienveillance", 2: "Respect", 3: "Entraide"}
    lines = ["---", 'title: "Charte"', f"slug: {slug}", f'version: "{version}"']
    if effective:
        lines.append(f"effective: {effective}")
    if lang:
        lines.append(f"lang: {lang}")
    lines.append(f'summary: "{summary}"')
    lines += [line for line in textwrap.dedent(extra).strip("\n").splitlines()]
    lines.append("---")
    lines.append(body or "Introduction de la charte.")
    for number, title in rules.items():
        lines += ["", f"## Règle {number} — {title}", "", f"Texte de la règle {number}."]
    return "\n".join(lines) + "\n"


def site_path(href: str, page_url: str) -> str:
    """Where a (relative) link on the page at ``page_url`` points, as a site path."""
    target = urlsplit(urljoin("http://site/" + page_url, href)).path
    path = normpath(target) + ("/" if target.endswith("/") else "")
    return path.lstrip("/")
