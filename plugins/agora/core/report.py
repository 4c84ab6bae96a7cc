"""``output/build.json``: what a build did, what it found, and when the site next changes."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import agora
from agora.state import BuildState, build_state

WITHHELD_PROFILE = "(a member profile without consent)"


def withhold(message: str, state: BuildState) -> str:
    """``message`` without the file of a profile whose member did not consent.

    The file is named after the member, and ``build.json`` is published with the
    site; ``agora check`` still names it to the editors.
    """
    members = state.hub.members
    for source in sorted(members.withheld_sources if members else (), key=len, reverse=True):
        message = message.replace(source, WITHHELD_PROFILE)
    return message


def write_build_report(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Write ``output/build.json``: counts, problems and when the site next changes.

    A scheduler reads ``next_change`` to rebuild exactly when an event starts or
    ends or a scheduled post goes live.
    """
    state = build_state(settings)
    if state is None:
        return {}
    upcoming = state.next_change
    report = {
        "agora_version": agora.__version__,
        "built_at": state.now.isoformat(),
        "next_change": upcoming[0].astimezone(UTC).isoformat() if upcoming else None,
        "next_change_reason": upcoming[1] if upcoming else None,
        "counts": dict(sorted(state.counts.items())),
        "errors": sorted(withhold(m, state) for m in state.errors),
        "warnings": sorted(withhold(m, state) for m in state.warnings),
        **state.report,
    }
    path = os.path.join(settings["OUTPUT_PATH"], "build.json")
    os.makedirs(settings["OUTPUT_PATH"], exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False, sort_keys=False)
        handle.write("\n")
    return report
