"""Versions of a charter page: the change history and the texts of earlier versions.

Three sources, merged by version number:

1. the ``changes:`` list of the page in force (version, date, what changed):
   enough on its own for the history table;
2. archived copies in a ``versions/`` folder next to the charter pages
   (``content/pages/charter/versions/charte-1.0.md``, same slug and front
   matter as when that version was in force): written at
   ``/charter/v/1.0/``;
3. the git history of the page's file, when the content folder is a git
   checkout: each committed version no archived copy covers is written at
   ``/charter/v/<version>/`` too. Without git (a tarball, no ``git``
   binary, a shallow clone missing old commits) the build logs an info line
   and uses the other sources: history never fails a build.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

VERSIONS_FOLDER = "versions"
GIT_TIMEOUT_SECONDS = 20
GIT_MAX_COMMITS = 200
UNSAFE_IN_URL_RE = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True)
class Revision:
    """The text of a file as one commit left it."""

    commit: str
    committed_at: datetime
    text: str


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a charter's change history."""

    version: str
    date: date | None
    summary: str
    url: str | None  # where that version's text can be read (None: not kept)
    in_force: bool = False


def version_key(version: str) -> tuple[tuple[int, Any], ...]:
    """Order versions like people do: 1.10 after 1.9, 2.0 after 1.10."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"[.\-_ ]+", version.strip()) if part)


def url_safe_version(version: str) -> str:
    return UNSAFE_IN_URL_RE.sub("-", version.strip()).strip("-") or "0"


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def git_revisions(path: Path, shown: str) -> list[Revision] | None:
    """Every committed text of ``path``, newest first; None when git cannot tell.

    ``--follow`` keeps the history across renames; each commit's path is read
    back with ``--name-only`` so ``git show`` finds the file under its old name.
    """
    try:
        log = subprocess.run(
            ["git", "-C", str(path.parent), "log", "--follow", f"-n{GIT_MAX_COMMITS}",
             "--format=%x01%H%x09%cI", "--name-only", "--", path.name],
            capture_output=True, text=True, timeout=GIT_TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.info("%s: no git history (%s); the change history comes from front matter "
                    "and archived copies", shown, exc)
        return None
    if log.returncode != 0:
        reason = (log.stderr.strip().splitlines() or ["git failed"])[-1]
        logger.info("%s: no git history (%s); the change history comes from front matter "
                    "and archived copies", shown, reason)
        return None
    revisions = []
    for record in log.stdout.split("\x01"):
        lines = [line for line in record.splitlines() if line.strip()]
        if len(lines) < 2 or "\t" not in lines[0]:
            continue
        commit, stamp = lines[0].split("\t", 1)
        try:
            shown_text = subprocess.run(
                ["git", "-C", str(path.parent), "show", f"{commit}:{lines[1]}"],
                capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=True,
            ).stdout.decode("utf-8", errors="replace")
            committed_at = datetime.fromisoformat(stamp.strip())
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            logger.info("%s: cannot read commit %s (%s); skipped", shown, commit[:10], exc)
            continue
        revisions.append(Revision(commit, committed_at, shown_text))
    return revisions


def newest_per_version(
    revisions: Iterable[tuple[str, Revision]], current_version: str
) -> dict[str, Revision]:
    """For each version other than the one in force, the last commit that had it."""
    kept: dict[str, Revision] = {}
    for version, revision in revisions:  # newest first
        if version != current_version and version not in kept:
            kept[version] = revision
    return kept


def build_history(
    version: str,
    effective: date | None,
    changes: Iterable[Mapping[str, Any]],
    archived: Mapping[str, tuple[date | None, str]],
) -> list[HistoryEntry]:
    """Merge ``changes:`` entries with archived versions ({version: (effective, url)}).

    Newest version first; the version in force is always listed, with its
    effective date, even when ``changes:`` forgot it.
    """
    summaries: dict[str, tuple[date | None, str]] = {}
    for change in changes:
        summaries[str(change["version"])] = (as_date(change.get("date")),
                                             str(change.get("summary", "")))
    versions = set(summaries) | set(archived) | {version}
    entries = []
    for name in versions:
        dated, summary = summaries.get(name, (None, ""))
        in_force = name == version
        if in_force:
            dated = effective or dated
        elif dated is None and name in archived:
            dated = archived[name][0]
        url = None if in_force else (archived[name][1] if name in archived else None)
        entries.append(HistoryEntry(name, dated, summary, url, in_force))
    entries.sort(key=lambda e: (version_key(e.version), e.date or date.min), reverse=True)
    return entries
