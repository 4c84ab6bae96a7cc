"""Consent housekeeping: profiles whose consent is missing or getting old.

Consent is not forever: a member agreed to a public profile on the
``reconfirmed`` date. After ``AGORA_MEMBERS_RECONFIRM_MONTHS`` the profile is
*stale* and ``agora check`` (and every build) warns, so someone asks the
member again; after ``AGORA_MEMBERS_GRACE_MONTHS`` more it leaves the
directory and the recognition lists by itself (its page stays, so articles
the member wrote keep a working byline). The members generator applies
:func:`reconfirmation` to the profiles it built, and every build (so ``agora
check`` too) reports :func:`reconfirmation_problem`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from agora.content.reader import display_path
from agora.content.schema import read_front_matter
from agora.members.model import member_files
from agora.problems import Problem, problem
from agora.settings import options


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Reconfirmation:
    """Where a profile stands: ``due`` is when it turns stale, ``hide_on`` when it is unlisted."""

    reconfirmed: date | None
    due: date | None
    hide_on: date | None

    def is_stale(self, today: date) -> bool:
        return self.reconfirmed is None or (self.due is not None and today >= self.due)

    def is_hidden(self, today: date) -> bool:
        # Without a date we cannot tell how old the consent is: flag it, keep it listed.
        return self.hide_on is not None and today >= self.hide_on


def reconfirmation(reconfirmed: date | None, settings: Mapping[str, Any]) -> Reconfirmation:
    months = options(settings).members_reconfirm_months
    grace = options(settings).members_grace_months
    if reconfirmed is None:
        return Reconfirmation(None, None, None)
    due = add_months(reconfirmed, months)
    return Reconfirmation(reconfirmed, due, add_months(due, grace))


def reconfirmation_problem(path: str, reconfirmed: date | None, today: date,
                           settings: Mapping[str, Any]) -> Problem | None:
    """The warning for a consenting profile whose consent is old or undated, else None."""
    months = options(settings).members_reconfirm_months
    status = reconfirmation(reconfirmed, settings)
    if not status.is_stale(today):
        return None
    if status.reconfirmed is None or status.hide_on is None:
        return problem(path, "reconfirmed", f"expected the date the member last confirmed the "
                       f"public profile (asked again every {months} months)",
                       found_text="nothing", severity="warning")
    verb = "left" if status.is_hidden(today) else "leaves"
    consequence = f"the profile {verb} the directory on {status.hide_on.isoformat()}"
    return problem(path, "reconfirmed", f"expected a reconfirmation within the last {months} "
                   f"months ({consequence}; ask the member again)",
                   status.reconfirmed.isoformat(), severity="warning")


def unpublished_profiles(settings: Mapping[str, Any]) -> list[Problem]:
    """Notes (not warnings: waiting for consent is normal) for profiles that are not published.

    Meant for ``agora check``'s own output only: a build never writes them to
    ``output/`` (build.json), where they would name the member.
    """
    found = []
    for path, _relative in member_files(settings):
        data = read_front_matter(path)
        if data.get("consent") is not True:
            found.append(problem(display_path(str(path), settings["PATH"]), "consent",
                                 "not published: expected consent: true before the profile "
                                 "or the name appear anywhere",
                                 found_text="nothing" if data.get("consent") is None
                                 else str(data["consent"]).lower(), severity="note"))
    return found
