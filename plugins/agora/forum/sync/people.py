"""People stage: the month's top contributors and the profiles of the members asked for."""

from __future__ import annotations

import copy

from agora.forum.schema import DirectoryEntry, Profile
from agora.forum.sync.run import SyncRun

#: Top contributors kept from ``/directory_items.json``.
DIRECTORY_LIMIT = 20


def read_directory(run: SyncRun) -> list[DirectoryEntry]:
    """The directory, read again once older than the slow interval."""
    run.report("directory", 0, 1)
    if run.previous is not None and not run.plan.due("directory"):
        run.plan.keep("directory")
        directory = copy.deepcopy(run.previous.directory)
    else:
        entries = (run.records.directory_entry(i) for i in run.client.directory())
        directory = [e for e in entries if e][:DIRECTORY_LIMIT]
        run.plan.mark("directory")
    run.report("directory", 1, 1)
    return directory


def read_profiles(run: SyncRun, directory: list[DirectoryEntry]) -> dict[str, Profile]:
    """``{username: profile}`` for every username asked for whose profile is public."""
    by_name = {d["username"].lower(): d for d in directory}
    usernames = run.wanted.usernames
    profiles: dict[str, Profile] = {}
    run.report("users", 0, len(usernames))
    for done, username in enumerate(usernames, start=1):
        profile = read_profile(run, username, by_name)
        if profile is not None:
            profiles[str(profile["username"])] = profile
        run.report("users", done, len(usernames))
    return profiles


def read_profile(run: SyncRun, username: str,
                 directory: dict[str, DirectoryEntry]) -> Profile | None:
    """One profile, read again once older than the slow interval (hidden ones too)."""
    part = f"user:{username.lower()}"
    if run.previous is not None and not run.plan.due(part):
        run.plan.keep(part)
        kept = run.previous.user(username)
        if kept is None:
            run.warn(f"user {username}: profile hidden or missing on the forum at the "
                     "last check (left out)")
        return copy.deepcopy(kept)
    data = run.client.user(username)
    run.plan.mark(part)
    if data is None:
        run.warn(f"user {username}: profile hidden or missing on the forum (left out)")
        return None
    return run.records.profile(data, directory)
