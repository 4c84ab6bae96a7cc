"""Listings of "the next N events" that stay right in the browser between builds.

A static page is built at one moment and read days later. Its listings hold
every session that would be shown at some moment of the following days
(``AGORA_LISTINGS_STAY_RIGHT_DAYS``): those the build shows, and, hidden, those
that take the place of a session once it has ended. Each hidden one carries the
moment it enters the listing (:attr:`Occurrence.shown_from`), so ``events.js``
needs no rule of its own: it shows a session from that moment until it ends.
Without the script, the page is the build's.

What a listing shows at a given moment is a *pick* among the sessions not
ended by then (the next three events, those suggested to newcomers...). The
pick can only change when a session ends, so the page is computed by applying
the pick at the build's moment and at every session end of the period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agora.events.view import Occurrence

Pick = Callable[[list["Occurrence"]], Sequence["Occurrence"]]


def next_per_event(sessions: Iterable[Occurrence]) -> list[Occurrence]:
    """The first session of each event among ``sessions`` (in start order), in that order."""
    seen: set[int] = set()
    found = []
    for item in sessions:
        if id(item.event) not in seen:
            seen.add(id(item.event))
            found.append(item)
    return found


def stay_right(sessions: Sequence[Occurrence], pick: Pick, now: datetime,
               until: datetime) -> list[Occurrence]:
    """Every session ``pick`` shows between ``now`` and ``until``, in start order.

    ``sessions`` are in start order. Those shown at ``now`` come back as they
    are; the others with the moment they are first shown as ``shown_from``.
    """
    moments = [now, *sorted({s.end for s in sessions if now < s.end <= until})]
    first_shown: dict[Occurrence, datetime] = {}
    for moment in moments:
        for item in pick([s for s in sessions if s.end > moment]):
            first_shown.setdefault(item, moment)
    listed = [item if moment == now else replace(item, shown_from=moment)
              for item, moment in first_shown.items()]
    return sorted(listed, key=lambda item: item.sort_key())
