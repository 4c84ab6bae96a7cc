"""What an Agora plugin declares: its content types, checks and signal receivers.

Pelican's signals are process-wide: a receiver connected by one build stays
connected for the next ``Pelican`` object in the same process, whatever that
one's ``PLUGINS`` say. So each capability connects its receivers through
:meth:`Capability.register`, which wraps them to act only in builds that list
the capability, and the content model of a build is assembled from the
capabilities its ``PLUGINS`` name (:func:`active_capabilities`), never from a
module-level registry. ``PLUGINS`` really decides what is active.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agora.content.schema import ContentType, TypeExtension
    from agora.problems import Problem

SiteCheck = Callable[[Mapping[str, Any]], "list[Problem]"]
Receiver = Callable[..., Any]


def settings_of(sender: Any) -> Mapping[str, Any] | None:
    """The settings of whatever a Pelican signal sends (a Pelican object, generator, content...)."""
    if isinstance(sender, list | tuple):
        return settings_of(sender[0]) if sender else None
    found = getattr(sender, "settings", None)
    return found if isinstance(found, Mapping) else None


def plugin_names(settings: Mapping[str, Any]) -> list[str]:
    """The plugins a build lists, as module names (Pelican accepts modules too)."""
    names = []
    for plugin in settings.get("PLUGINS") or ():
        names.append(plugin.__name__ if isinstance(plugin, ModuleType) else str(plugin))
    return names


@dataclass
class Capability:
    """One Agora plugin (``name`` is its module name, as listed in ``PLUGINS``).

    ``receivers`` are (signal, function) pairs; ``extensions`` add fields to
    another capability's content type (the events plugin teaches articles the
    pelican-events fields). ``complete_hub`` is called with the generators once
    every generator has read its content and before any page is written, for
    every active capability in the order of ``PLUGINS``: what one capability
    derives from the others' slots of the hub (members' events, the onboarding
    path, the digest, the feeds) is computed there, in a known order.
    """

    name: str
    content_types: tuple[ContentType, ...] = ()
    extensions: tuple[TypeExtension, ...] = ()
    site_checks: tuple[SiteCheck, ...] = ()
    receivers: tuple[tuple[Any, Receiver], ...] = ()
    complete_hub: Callable[[list[Any]], None] | None = None

    def __post_init__(self) -> None:
        # One wrapper per receiver, made once: connecting the same object again (every
        # Pelican object calls register()) is a no-op for blinker.
        self._gated = tuple((signal, self._gate(receiver)) for signal, receiver in self.receivers)

    def active(self, settings: Mapping[str, Any] | None) -> bool:
        return settings is not None and self.name in plugin_names(settings)

    def _gate(self, receiver: Receiver) -> Receiver:
        @wraps(receiver)
        def gated(sender: Any, *args: Any, **kwargs: Any) -> Any:
            settings = settings_of(sender)
            if settings is None and isinstance(kwargs.get("context"), Mapping):
                # content_written sends a path; its template context holds every setting
                settings = kwargs["context"]
            if not self.active(settings):
                return None
            return receiver(sender, *args, **kwargs)

        return gated

    def register(self) -> None:
        """Pelican's ``register()``: connect every receiver (strongly: the wrappers live here)."""
        for signal, receiver in self._gated:
            signal.connect(receiver, weak=False)


def capability_of(plugin: str) -> Capability | None:
    """The capability a plugin module declares as ``CAPABILITY`` (None for other plugins)."""
    try:
        module = importlib.import_module(plugin)
    except ImportError:
        return None
    found = getattr(module, "CAPABILITY", None)
    return found if isinstance(found, Capability) else None


def active_capabilities(settings: Mapping[str, Any]) -> list[Capability]:
    """The Agora capabilities a build's ``PLUGINS`` list, in that order."""
    found = (capability_of(name) for name in plugin_names(settings))
    return [c for c in found if c is not None]
