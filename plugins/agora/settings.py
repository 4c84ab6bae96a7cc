"""Every Agora setting: its default, what it must be, and what it is for.

Pelican settings (``SITENAME``, ``TIMEZONE``, URL patterns...) stay Pelican's;
the ``AGORA_*`` settings below are read and validated here and nowhere else.
An invalid value fails the build with a message naming the setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from agora.clock import ClockError, parse_instant
from agora.problems import show


class SettingsError(ValueError):
    """An ``AGORA_*`` setting has a value Agora cannot use."""


Check = Callable[[Any], Any]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("true or false")


def _number(minimum: float, maximum: float | None = None, *, integer: bool = False) -> Check:
    def check(value: Any) -> float | int:
        kind = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError("a whole number" if integer else "a number")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and {maximum}" if maximum is not None else " or more"
            raise ValueError(f"a number between {minimum}{upper}" if maximum is not None
                             else f"a number of {minimum}{upper}")
        return value

    return check


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("text")
    return value


def _optional_url(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValueError("an http(s) URL")
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("an http(s) URL like https://forum.example.org")
    return value.rstrip("/")


def _instant_or_none(value: Any) -> Any:
    if value in (None, ""):
        return None
    try:
        return parse_instant(value, "AGORA_NOW")
    except ClockError:
        raise ValueError("an ISO date-time with offset like 2026-11-20T10:00:00+01:00") from None


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return value

    return check


def _list_of_text(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("a list of text values")
    return list(value)


def _pairs(value: Any) -> list[list[str]]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(i, list | tuple) and len(i) == 2 and all(isinstance(x, str) for x in i)
        for i in value
    ):
        raise ValueError("a list of [label, path] pairs")
    return [list(item) for item in value]


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("a mapping")
    return dict(value)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    check: Check
    doc: str


SETTINGS: tuple[Setting, ...] = (
    # core
    Setting("AGORA_NOW", None, _instant_or_none,
            'Pin "now" (ISO date-time with offset). The AGORA_NOW environment variable wins.'),
    Setting("AGORA_STRICT", False, _boolean,
            "Fail the build (non-zero exit) on any content error instead of leaving pages out."),
    Setting("AGORA_UNKNOWN_FIELDS", "warning", _one_of("warning", "error", "ignore"),
            "How to report front-matter fields no schema knows."),
    Setting("AGORA_NAV", [["Blog", "blog/"], ["Events", "events/"], ["Members", "members/"],
                          ["Forum", "forum/"], ["Charter", "charter/"],
                          ["Newsletter", "newsletter/"]],
            _pairs,
            "Main navigation: [label, path] pairs; labels go through the translation catalog."),
    Setting("AGORA_HOME_ARTICLES", 5, _number(0, 50, integer=True),
            "How many latest articles the home page lists."),
    Setting("AGORA_SERIES_FILE", "series.yml", _text,
            "Recurring series (slug -> title, cadence), relative to the content folder."),
    # events
    Setting("AGORA_EVENTS_WINDOW_WEEKS", 8, _number(1, 104, integer=True),
            "How far ahead recurring events are expanded into dated occurrences."),
    Setting("AGORA_EVENTS_PAST_DAYS", 365, _number(0, 3650, integer=True),
            "How long past events stay in the calendar subscription feed."),
    # members
    Setting("AGORA_MEMBERS_RECONFIRM_MONTHS", 12, _number(1, 120, integer=True),
            "A profile not reconfirmed for this long is flagged by `agora check`."),
    Setting("AGORA_MEMBERS_GRACE_MONTHS", 3, _number(0, 120, integer=True),
            "After the reconfirmation period plus this grace, the profile leaves the directory."),
    Setting("AGORA_MEMBERS_ANNIVERSARY_WEEKS", 4, _number(1, 52, integer=True),
            "How far ahead membership anniversaries are announced (weeks)."),
    Setting("AGORA_MEMBERS_TOP_CONTRIBUTORS", 5, _number(0, 50, integer=True),
            "How many top forum contributors of the month the members pages list."),
    # charter
    Setting("AGORA_CHARTER_SUMMARY_MAX", 600, _number(40, 5000, integer=True),
            "Longest plain-language charter summary, in characters."),
    Setting("AGORA_CHARTER_MAIN", "charter", _text,
            "Slug of the main charter page: the one footers, events and onboarding link."),
    Setting("AGORA_CHARTER_GIT_HISTORY", True, _boolean,
            "Read earlier versions of each charter page from its git history when available."),
    Setting("AGORA_ONBOARDING_STEPS", ["charter", "introduce", "events", "people", "subscribe"],
            _list_of_text,
            "Built-in steps of /onboarding/, in order (charter, introduce, events, people, "
            "subscribe); a page with `onboarding_step: N` comes after built-in step N."),
    Setting("AGORA_ONBOARDING_EVENTS", 3, _number(0, 20, integer=True),
            "How many upcoming events the onboarding path suggests."),
    Setting("AGORA_ONBOARDING_EVENT_TAGS", ["débutants", "débutant", "beginner", "beginners"],
            _list_of_text,
            "Events with one of these tags are suggested to newcomers first."),
    Setting("AGORA_ONBOARDING_EVENT_FORMATS", ["live-faq", "webinar"], _list_of_text,
            "Event formats suggested to newcomers first (after tagged events)."),
    # forum
    Setting("AGORA_FORUM_URL", "", _optional_url,
            "Base URL of the community's Discourse forum (empty: no forum)."),
    Setting("AGORA_FORUM_SNAPSHOT_DIR", "data/forum", _text,
            "Where `agora sync` writes the forum snapshot and builds read it."),
    Setting("AGORA_FORUM_MAX_AGE_HOURS", 72, _number(1, integer=True),
            "The build warns when the forum snapshot is older than this."),
    Setting("AGORA_FORUM_REQUESTS_PER_SECOND", 1.0, _number(0.01, 20),
            "Request budget of `agora sync` (Discourse allows 200/minute per IP)."),
    Setting("AGORA_FORUM_TIMEOUT", 20.0, _number(1, 300),
            "Read timeout of one forum request, in seconds."),
    Setting("AGORA_FORUM_CATEGORIES", [], _list_of_text,
            "Category slugs shown on /forum/ (empty: all public categories)."),
    Setting("AGORA_FORUM_TOP_PERIODS", ["weekly", "monthly"], _list_of_text,
            "Periods of the top-topics lists fetched by `agora sync`."),
    Setting("AGORA_FORUM_SLOW_REFRESH_HOURS", 6, _number(0, 24 * 30),
            "`agora sync` reads categories, top lists, contributors, events, profiles and "
            "linked topics outside the lists again only when older than this (hours; "
            "0: every sync). `agora sync --full` reads everything."),
    Setting("AGORA_FORUM_INTRODUCTIONS", "", _text,
            "Forum path of the introductions topic or category, e.g. /c/presentations/5."),
    Setting("AGORA_FORUM_EMBED_COMMENTS", False, _boolean,
            "Opt in to Discourse's embed.js live comments (third-party JavaScript)."),
    # newsletter
    Setting("AGORA_NEWSLETTER", {}, _mapping,
            "Newsletter options (subscribe URL, sender); secrets come from the environment."),
    # build speed (agora.incremental, agora.prefetch)
    Setting("AGORA_INCREMENTAL", True, _boolean,
            "With LOAD_CONTENT_CACHE (previews), re-render only the pages of files whose body "
            "alone changed; any other change rebuilds every page."),
    Setting("AGORA_READ_WORKERS", 0, _number(0, 64, integer=True),
            "Processes that parse content files (0: one per CPU, at most 4; 1: serial)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class AgoraSettings(Mapping[str, Any]):
    """Validated ``AGORA_*`` values; also readable as attributes without the prefix."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values["AGORA_" + name.upper()]
        except KeyError:
            raise AttributeError(name) from None


def setting_value(settings: Mapping[str, Any], name: str) -> Any:
    """One ``AGORA_*`` setting, validated, with its default: for values asked for per item.

    Cheaper than :func:`get_settings` (which validates them all) when a plugin needs
    one value for each of thousands of pages.
    """
    setting = _BY_NAME[name]
    raw = settings.get(name, setting.default)
    try:
        return setting.check(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected {exc}, found {show(raw)}") from None


def get_settings(settings: Mapping[str, Any]) -> AgoraSettings:
    """Read and validate every ``AGORA_*`` setting, applying defaults.

    Raises :class:`SettingsError` naming the first invalid setting, or one that
    no Agora capability knows (a typo would otherwise be silently ignored).
    """
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = settings.get(setting.name, setting.default)
        try:
            values[setting.name] = setting.check(raw)
        except ValueError as exc:
            raise SettingsError(f"{setting.name}: expected {exc}, found {show(raw)}") from None
    unknown = sorted(k for k in settings if k.startswith("AGORA_") and k not in _BY_NAME)
    if unknown:
        raise SettingsError(
            f"{unknown[0]}: expected one of the known AGORA_* settings "
            f"(see agora/settings.py), found an unknown setting"
        )
    return AgoraSettings(values)
