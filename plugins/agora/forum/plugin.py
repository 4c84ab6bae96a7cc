"""The forum's Pelican plugin: forum activity rendered from the snapshot, never the network.

``get_generators`` adds :class:`ForumGenerator`, which reads the snapshot once
and publishes the hub's ``forum`` slot (:class:`~agora.forum.view.ForumView`;
None when there is no snapshot: forum blocks are simply omitted).
When the hub is complete (``Capability.complete_hub``), each
``forum_topic`` that articles, pages and events link to is checked against the
snapshot, whatever the order of ``PLUGINS``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pelican import signals

from agora.capability import Capability
from agora.content.reader import display_path
from agora.core.pages import StandalonePagesGenerator
from agora.forum.snapshot import SnapshotError, load_snapshot
from agora.forum.view import ForumView
from agora.problems import problem
from agora.settings import forum_snapshot_path, options
from agora.state import build_state, report


class ForumGenerator(StandalonePagesGenerator):
    pages = (("agora/forum", "forum"),)

    def prepare(self) -> None:
        state = build_state(self.settings)
        config = options(self.settings)
        if state is None or not config.forum_url:
            return  # no forum configured: nothing to show, nothing to warn about
        folder = forum_snapshot_path(self.settings)
        shown = display_path(str(folder), self.settings.get("PATH"))
        try:
            snapshot = load_snapshot(folder, forum_url=config.forum_url,
                                     asset_hosts=config.forum_asset_hosts)
        except SnapshotError as exc:
            report(self.settings, problem(
                display_path(exc.path, self.settings.get("PATH")), "forum snapshot",
                f"expected {exc.expected}", found_text=f"{exc.found} (forum blocks omitted; "
                "run `agora sync`)"))
            return
        if snapshot is None:
            report(self.settings, problem(shown, "forum snapshot",
                                          "expected a snapshot.json (forum blocks omitted; "
                                          "run `agora sync`)", found_text="none",
                                          severity="warning"))
            return
        # The snapshot is a file in git: values a pull request could have made unsafe
        # were dropped on loading; say which.
        report(self.settings, *(replace(p, path=display_path(p.path, self.settings.get("PATH")))
                                for p in snapshot.problems))
        view = ForumView(snapshot, state.hub, output_path=self.output_path)
        if view.is_stale:
            hours = int(snapshot.age(state.now).total_seconds() // 3600)
            report(self.settings, problem(
                shown, "forum snapshot",
                f"expected data younger than {config.forum_max_age_hours} hours",
                found_text=f"{hours} hours old (taken {snapshot.taken_at.isoformat()}; "
                "run `agora sync`)", severity="warning"))
        state.hub.forum = view
        state.report["forum_snapshot"] = snapshot.taken_at.isoformat()


def check_links(generators: list[Any]) -> None:
    """A ``forum_topic`` missing from the snapshot is a warning: the next sync fetches it."""
    settings = generators[0].settings if generators else None
    state = build_state(settings)
    if settings is None or state is None or state.hub.forum is None:
        return
    linked = [*state.hub.blog.articles, *state.hub.blog.translations,
              *(generators[0].context.get("pages") or []),
              *(state.hub.events.events if state.hub.events is not None else [])]
    for item in linked:
        topic = getattr(item, "forum_topic", None)
        if topic is not None and state.hub.forum.snapshot.topic(topic) is None:
            shown = display_path(item.source_path, settings.get("PATH"))
            report(settings, problem(
                shown, "forum_topic", "expected a topic in the forum snapshot",
                found_text=f"{topic} missing (run `agora sync`)", severity="warning"))


def get_generators(pelican: Any) -> type:
    return ForumGenerator


CAPABILITY = Capability(
    "agora.forum.plugin",
    receivers=((signals.get_generators, get_generators),),
    complete_hub=check_links,
)


def register() -> None:
    CAPABILITY.register()
