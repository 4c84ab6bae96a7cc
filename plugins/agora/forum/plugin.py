"""The forum's Pelican plugin: forum activity rendered from the snapshot, never the network.

Signals: ``get_generators`` adds :class:`ForumGenerator`. It runs after the
article, page and event generators, so it can check every ``forum_topic`` they
link to; templates then read the one :class:`~agora.forum.view.ForumView` put
in the shared context as ``forum`` (``None`` when there is no snapshot: forum
blocks are simply omitted).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from agora import clock
from agora.core.hub import TemplatePagesGenerator
from agora.core.state import build_state
from agora.forum.snapshot import SnapshotError, load_snapshot
from agora.forum.view import ForumView

logger = logging.getLogger(__name__)


def snapshot_dir(settings: dict[str, Any]) -> Path:
    """The snapshot folder; a relative setting is relative to the project (content's parent)."""
    configured = Path(settings.get("AGORA_FORUM_SNAPSHOT_DIR", "data/forum"))
    if configured.is_absolute():
        return configured
    return Path(settings["PATH"]).resolve().parent / configured


class ForumGenerator(TemplatePagesGenerator):
    pages = (("forum", "forum/index.html"),)

    def prepare(self) -> None:
        self.view: ForumView | None = None
        self.context["forum"] = None
        if not self.settings.get("AGORA_FORUM_URL"):
            return  # no forum configured: nothing to show, nothing to warn about
        folder = snapshot_dir(self.settings)
        try:
            snapshot = load_snapshot(folder)
        except SnapshotError as exc:
            logger.error("forum snapshot: %s (forum blocks omitted; run `agora sync`)", exc)
            return
        if snapshot is None:
            logger.warning(f"forum snapshot: expected {folder}/snapshot.json, found none "
                  "(forum blocks omitted; run `agora sync`)")
            return
        state = build_state(self.settings)
        now = state.now if state else clock.now(self.settings)
        view = ForumView(snapshot, now, self.settings.get("AGORA_FORUM_MAX_AGE_HOURS", 72),
                         output_path=Path(self.output_path),
                         context=self.context)
        if view.is_stale:
            hours = int(snapshot.age(now).total_seconds() // 3600)
            logger.warning(f"forum snapshot: expected data younger than "
                  f"{self.settings.get('AGORA_FORUM_MAX_AGE_HOURS', 72)} hours, found "
                  f"{hours} hours old (taken {snapshot.taken_at.isoformat()}; run `agora sync`)")
        self.check_links(view)
        self.view = view
        self.context["forum"] = view
        if state:
            state.report["forum_snapshot"] = snapshot.taken_at.isoformat()

    def check_links(self, view: ForumView) -> None:
        """A ``forum_topic`` missing from the snapshot is a warning: sync fetches it."""
        for name in ("articles", "pages", "events"):
            for item in self.context.get(name, []) or []:
                topic = getattr(item, "forum_topic", None)
                if topic is not None and view.snapshot.topic(topic) is None:
                    logger.warning(f"{item.source_path}: forum_topic: expected a topic in "
                          f"the forum snapshot, found {topic} missing (run `agora sync`)")


def get_generators(pelican: Any) -> type:
    return ForumGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
