"""``agora check --changed-only``: the files a branch changed, and the files that refer to them.

A pull request's check should speak about the pull request. The changed
files are what git says the branch changed since it left the base branch
(``git diff base...HEAD``), plus what is modified or new in the working tree.
Other files are in scope when a change can break them:

- a member profile changed (or removed): the content naming that member
  (``author``/``authors`` by slug or name, ``hosts``, ``speakers``,
  ``spotlight``... every field of the content model that refers to members);
- a series changed in ``series.yml``: the content of that series;
- an image or other file of the content folder: the content mentioning its name.

A change to a settings file, to any Python file or to the theme can change
every page: then every file is checked. The site is still built whole (a
reference needs its target), but only the problems of these files are shown.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agora.content.schema import ContentModel
from agora.content.types import load_series, parse_series, series_file
from agora.editors.index import READABLE, ContentFile, content_files

#: Tried in order when no --base is given.
DEFAULT_BASES = ("origin/HEAD", "origin/main", "main", "origin/master", "master")


class ChangesError(Exception):
    """git could not say what changed; the message says why."""


@dataclass
class Scope:
    """What ``--changed-only`` checks: changed files, files referring to them, or everything."""

    base: str
    content: Path  # the content folder: what agora check checks is in it
    changed: set[Path] = field(default_factory=set)  # resolved; removed files included
    related: dict[Path, str] = field(default_factory=dict)  # file -> what it refers to
    everything: str = ""  # why every file is checked, when it is

    def covers(self, path: Path | None) -> bool:
        if self.everything:
            return True
        return path is not None and (path in self.changed or path in self.related)

    @property
    def changed_content(self) -> list[Path]:
        """The changed files of the content folder that still exist."""
        return sorted(p for p in self.changed if self.content in p.parents and p.is_file())

    @property
    def files(self) -> list[Path]:
        """The files checked: changed ones, then the ones referring to them."""
        return self.changed_content + sorted(self.related)


def git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ChangesError(f"expected git to answer, found: {exc}") from None
    if done.returncode != 0:
        raise ChangesError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def default_base(cwd: Path) -> str:
    for ref in DEFAULT_BASES:
        if subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                          cwd=cwd, capture_output=True, check=False).returncode == 0:
            return ref
    raise ChangesError(f"expected a base branch to compare with ({', '.join(DEFAULT_BASES)}), "
                       "found none: pass --base REF")


def changed_paths(base: str, cwd: Path) -> tuple[Path, str, set[Path]]:
    """(repository root, merge base, every path changed since it: committed, staged,
    modified or untracked)."""
    top = Path(git(["rev-parse", "--show-toplevel"], cwd).strip()).resolve()
    fork = git(["merge-base", base, "HEAD"], cwd).strip()
    names = git(["diff", "--name-only", "--no-renames", "-z", fork, "HEAD"], cwd)
    names += git(["diff", "--name-only", "--no-renames", "-z", "HEAD"], cwd)
    names += git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z"], cwd)
    return top, fork, {(top / name).resolve() for name in names.split("\0") if name}


def changed_series(settings: Mapping[str, Any], top: Path, fork: str) -> set[str]:
    """Slugs of the series added, removed or changed in ``series.yml`` since ``fork``."""
    path = series_file(settings).resolve()
    try:
        before = yaml.safe_load(git(["show", f"{fork}:{path.relative_to(top).as_posix()}"],
                                    top)) or {}
    except (ChangesError, ValueError, yaml.YAMLError):
        before = {}
    now = {slug: dataclasses.asdict(s) for slug, s in load_series(settings).items()}
    before = {str(k): v for k, v in before.items()} if isinstance(before, dict) else {}
    # what load_series makes of the earlier version (its problems are not this build's)
    old = {slug: dataclasses.asdict(s) for slug, s in parse_series(before, "", []).items()}
    return {slug for slug in {*old, *now} if old.get(slug) != now.get(slug)}


def affects_everything(path: Path, settings: Mapping[str, Any], settings_file: Path) -> bool:
    theme = Path(str(settings.get("THEME") or "")).resolve()
    return (path == settings_file or path.suffix == ".py"
            or (bool(settings.get("THEME")) and theme in path.parents))


def scope_of(settings: Mapping[str, Any], model: ContentModel, settings_file: Path,
             base: str | None, cwd: Path) -> Scope:
    """Everything ``agora check --changed-only`` needs to know about the branch."""
    chosen = base or default_base(cwd)
    top, fork, changed = changed_paths(chosen, cwd)
    root = Path(settings["PATH"]).resolve()
    scope = Scope(chosen, root, changed)
    settings_file = settings_file.resolve()
    for path in sorted(changed):
        if affects_everything(path, settings, settings_file):
            scope.everything = f"{_shown(path, cwd)} changed: every file is checked"
            return scope
    files = content_files(settings, model)
    members = changed_members(changed, files, model, settings)
    series = changed_series(settings, top, fork) if series_file(settings).resolve() in changed \
        else set()
    others = {p.name for p in changed if root in p.parents and p.suffix.lower() not in READABLE
              and p != series_file(settings).resolve()}
    declared = load_series(settings)
    for item in files:
        if item.path not in changed:
            why = refers_to(item, model, members, series, others, declared)
            if why:
                scope.related[item.path] = why
    return scope


def changed_members(changed: set[Path], files: Iterable[ContentFile], model: ContentModel,
                    settings: Mapping[str, Any]) -> dict[str, str]:
    """Slug -> name of each member whose profile changed (a removed profile: its file name)."""
    found: dict[str, str] = {}
    for item in files:
        if item.path in changed and item.ctype is not None and item.ctype.name == "member":
            slug = str(item.values.get("slug") or item.path.stem)
            found[slug] = str(item.values.get("name") or slug)
    root = Path(settings["PATH"]).resolve()
    for path in changed:
        if not path.exists() and root in path.parents:
            ctype = model.type_for(path.relative_to(root).as_posix(), settings)
            if ctype is not None and ctype.name == "member":
                found.setdefault(path.stem, path.stem)
    return found


def refers_to(item: ContentFile, model: ContentModel, members: Mapping[str, str],
              series: set[str], others: set[str], declared: Mapping[str, Any]) -> str:
    """What changed that ``item`` refers to ("" when nothing)."""
    from agora.members.authors import normalized  # noqa: PLC0415 - members' matching rule

    schema = item.ctype.schema if item.ctype is not None else None
    for name, spec in (schema.fields.items() if schema is not None else ()):
        if spec.ref == "member" and (hit := set(item.words(name)) & set(members)):
            return f"names member {sorted(hit)[0]}"
    names = {normalized(n): slug for slug, n in members.items()}
    names.update({normalized(slug): slug for slug in members})
    for value in [*item.words("author"), *item.words("authors")]:
        if normalized(value) in names:
            return f"names member {names[normalized(value)]}"
    if series and item.series(declared) in series:
        return f"in series {item.series(declared)}"
    if others:
        text = item.path.read_text(encoding="utf-8", errors="replace")
        used = sorted(name for name in others if name in text)
        if used:
            return f"uses {used[0]}"
    return ""


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)
