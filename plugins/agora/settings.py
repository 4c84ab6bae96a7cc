"""Every Agora setting: its default, what it must be, and what it is for.

Pelican settings (``SITENAME``, ``TIMEZONE``, URL patterns...) stay Pelican's;
each ``AGORA_*`` setting is one field of :class:`Options` below (``AGORA_NOW`` is
``Options.now``), declared with its default, its check and its documentation.
A build validates them once, at ``initialized``, and keeps the frozen result in
its state; code reads them through :func:`options`, never from the settings
dict. An invalid or unknown ``AGORA_*`` setting fails with a message naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast
from urllib.parse import urlparse

from agora.clock import ClockError, parse_instant
from agora.problems import show
from agora.state import build_state

PREFIX = "AGORA_"


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
            raise ValueError(f"a number between {minimum} and {maximum}" if maximum is not None
                             else f"a number of {minimum} or more")
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


def _instant_or_none(value: Any) -> datetime | None:
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
        return cast(str, value)

    return check


def _list_of_text(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("a list of text values")
    return tuple(value)


def _field_names(value: Any) -> tuple[str, ...]:
    # Pelican lowercases every metadata key it reads: so do the declared names
    return tuple(name.strip().lower() for name in _list_of_text(value))


def _nav(value: Any) -> tuple[tuple[str, str], ...]:
    """Navigation entries: a page name of the URL scheme, or a [label, URL] pair."""
    if not isinstance(value, list | tuple):
        raise ValueError("a list of page names (blog, events...) or [label, URL] pairs")
    entries = []
    for item in value:
        if isinstance(item, str):
            entries.append(("", item))
        elif (isinstance(item, list | tuple) and len(item) == 2
              and all(isinstance(x, str) for x in item)):
            entries.append((item[0], item[1]))
        else:
            raise ValueError("a list of page names (blog, events...) or [label, URL] pairs")
    return tuple(entries)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The digest's sections (one module each in agora.newsletter.sections).
NEWSLETTER_SECTIONS = ("intro", "articles", "events", "forum", "feedback", "spotlight",
                       "members", "charter")


def _date_or_none(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("an ISO date like 2026-09-03") from None


def _sections(value: Any) -> tuple[tuple[str, Any, int | None], ...]:
    """Section names, or {name, title, limit} mappings: (name, title, limit) triples."""
    expected = ("a list of section names (" + ", ".join(NEWSLETTER_SECTIONS)
                + ") or {name, title, limit} mappings")
    if not isinstance(value, list | tuple):
        raise ValueError(expected)
    found = []
    for item in value:
        spec = {"name": item} if isinstance(item, str) else item
        if not isinstance(spec, Mapping) or spec.get("name") not in NEWSLETTER_SECTIONS:
            raise ValueError(expected)
        limit = spec.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 1):
            raise ValueError(expected + " (limit: a whole number of 1 or more)")
        title = spec.get("title")
        if isinstance(title, Mapping):
            title = MappingProxyType(dict(title))
        elif title is not None and not isinstance(title, str):
            raise ValueError(expected + " (title: text or {language: text})")
        found.append((str(spec["name"]), title, limit))
    return tuple(found)


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("a mapping")
    return MappingProxyType(dict(value))


#: What ``AGORA_SITE_TEXT`` may give for each language (Pelican's own settings give the
#: default language's: ``SITENAME``, ``SITESUBTITLE``).
SITE_TEXT_KEYS = ("name", "subtitle")


def _site_text(value: Any) -> Mapping[str, Mapping[str, str]]:
    """``{"en": {"subtitle": "..."}}``: the site's name and subtitle in other languages."""
    expected = ("a mapping of language codes to {" + ", ".join(f'"{k}": text' for k in
                                                              SITE_TEXT_KEYS) + "}")
    if not isinstance(value, Mapping):
        raise ValueError(expected)
    found: dict[str, Mapping[str, str]] = {}
    for lang, texts in value.items():
        if (not isinstance(lang, str) or not lang or not isinstance(texts, Mapping)
                or not all(k in SITE_TEXT_KEYS and isinstance(v, str) for k, v in texts.items())):
            raise ValueError(expected)
        found[lang] = MappingProxyType(dict(texts))
    return MappingProxyType(found)


def setting(default: Any, check: Check, doc: str) -> Any:
    """Declare one ``AGORA_*`` setting: a field of :class:`Options`."""
    metadata = {"check": check, "doc": doc}
    if isinstance(default, Mapping):  # unhashable, so not a plain dataclass default
        return field(default_factory=lambda: default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Options:
    """The validated ``AGORA_*`` settings of one build (``AGORA_FORUM_URL`` is ``forum_url``)."""

    # core
    now: datetime | None = setting(
        None, _instant_or_none,
        'Pin "now" (ISO date-time with offset). The AGORA_NOW environment variable wins.')
    strict: bool = setting(
        False, _boolean,
        "Fail the build (non-zero exit) on any content error instead of leaving pages out.")
    preview: bool = setting(
        False, _boolean,
        "A preview build for editors (pelicanconf.py: make html, make serve, pull-request "
        "previews): every page of a draft or of a post scheduled after now carries a "
        "\"Preview — not published yet\" banner. Production (publishconf.py) leaves it off "
        "and writes no draft (DRAFT_*SAVE_AS empty).")
    unknown_fields: str = setting(
        "warning", _one_of("warning", "error", "ignore"),
        "How to report front-matter fields no schema knows: warning (one summary per "
        "field per build; `agora check --verbose` and build.json list the files), error "
        "(each file is left out) or ignore.")
    extra_fields: tuple[str, ...] = setting(
        (), _field_names,
        "Front-matter fields the site's own theme reads (comments, mathjax, og_image...): "
        "kept as metadata for its templates and never reported as unknown.")
    content_max_kb: int = setting(
        2048, _number(1, integer=True),
        "Largest content file read, in kilobytes: a bigger one (a pasted image, a log) is "
        "left out with an error instead of slowing every build down.")
    nav: tuple[tuple[str, str], ...] = setting(
        ("blog", "events", "members", "forum", "charter", "newsletter"), _nav,
        "Main navigation: page names of the URL scheme (blog, events, members, forum, "
        "charter, newsletter, onboarding, about, feeds) or [label, URL] pairs; labels go "
        "through the translation catalog.")
    site_text: Mapping[str, Mapping[str, str]] = setting(
        MappingProxyType({}), _site_text,
        'The site\'s name and subtitle in languages other than DEFAULT_LANG, e.g. '
        '{"en": {"subtitle": "..."}}; SITENAME and SITESUBTITLE are the default language\'s, '
        "and a language without an entry uses them.")
    home_articles: int = setting(
        5, _number(0, 50, integer=True), "How many latest articles the home page lists.")
    series_file: str = setting(
        "series.yml", _text,
        "Recurring series (slug -> title, cadence), relative to the content folder.")
    # events
    events_window_weeks: int = setting(
        8, _number(1, 104, integer=True),
        "How far ahead recurring events are expanded into dated occurrences.")
    listings_stay_right_days: int = setting(
        28, _number(0, 365, integer=True),
        "How long after a build the \"next events\" listings stay right in the browser (days): "
        "the sessions that would enter them meanwhile are in the page, hidden until their "
        "turn, so the script can drop what has passed and still show as many.")
    events_past_days: int = setting(
        365, _number(0, 3650, integer=True),
        "How long past events stay in the calendar subscription feed.")
    # members
    members_reconfirm_months: int = setting(
        12, _number(1, 120, integer=True),
        "A profile not reconfirmed for this long is flagged by `agora check`.")
    members_grace_months: int = setting(
        3, _number(0, 120, integer=True),
        "After the reconfirmation period plus this grace, the profile leaves the directory.")
    members_anniversary_weeks: int = setting(
        4, _number(1, 52, integer=True),
        "How far ahead membership anniversaries are announced (weeks).")
    members_top_contributors: int = setting(
        5, _number(0, 50, integer=True),
        "How many top forum contributors of the month the members pages list.")
    # charter
    charter_summary_max: int = setting(
        600, _number(40, 5000, integer=True),
        "Longest plain-language charter summary, in characters.")
    charter_main: str = setting(
        "charter", _text,
        "Slug of the main charter page: the one footers, events and onboarding link.")
    charter_git_history: bool = setting(
        True, _boolean,
        "Read earlier versions of each charter page from its git history when available.")
    onboarding_steps: tuple[str, ...] = setting(
        ("charter", "introduce", "events", "people", "subscribe"), _list_of_text,
        "Built-in steps of /onboarding/, in order (charter, introduce, events, people, "
        "subscribe); a page with `onboarding_step: N` comes after built-in step N.")
    onboarding_events: int = setting(
        3, _number(0, 20, integer=True), "How many upcoming events the onboarding path suggests.")
    onboarding_event_tags: tuple[str, ...] = setting(
        ("débutants", "débutant", "beginner", "beginners"), _list_of_text,
        "Events with one of these tags are suggested to newcomers first.")
    onboarding_event_formats: tuple[str, ...] = setting(
        ("live-faq", "webinar"), _list_of_text,
        "Event formats suggested to newcomers first (after tagged events).")
    # forum
    forum_url: str = setting(
        "", _optional_url, "Base URL of the community's Discourse forum (empty: no forum).")
    forum_snapshot_dir: str = setting(
        "data/forum", _text,
        "Where `agora sync` writes the forum snapshot and builds read it (relative to the "
        "folder holding the content folder).")
    forum_max_age_hours: int = setting(
        72, _number(1, integer=True), "The build warns when the forum snapshot is older than this.")
    forum_requests_per_second: float = setting(
        1.0, _number(0.01, 20),
        "Request budget of `agora sync` (Discourse allows 200/minute per IP).")
    forum_timeout: float = setting(
        20.0, _number(1, 300), "Read timeout of one forum request, in seconds.")
    forum_categories: tuple[str, ...] = setting(
        (), _list_of_text, "Category slugs shown on /forum/ (empty: all public categories).")
    forum_top_periods: tuple[str, ...] = setting(
        ("weekly", "monthly"), _list_of_text,
        "Periods of the top-topics lists fetched by `agora sync`.")
    forum_slow_refresh_hours: float = setting(
        6, _number(0, 24 * 30),
        "`agora sync` reads categories, top lists, contributors, events, profiles and "
        "linked topics outside the lists again only when older than this (hours; "
        "0: every sync). `agora sync --full` reads everything.")
    forum_asset_hosts: tuple[str, ...] = setting(
        (), _list_of_text,
        "Host names the forum serves files from besides its own (a CDN for avatars and "
        "uploads, e.g. avatars.discourse-cdn.com): links in the snapshot may point there, "
        "and `agora sync` fetches files there like on the forum's own host.")
    forum_introductions: str = setting(
        "", _text, "Forum path of the introductions topic or category, e.g. /c/presentations/5.")
    forum_embed_comments: bool = setting(
        False, _boolean, "Opt in to Discourse's embed.js live comments (third-party JavaScript).")
    # machine-readable basics (agora.discovery)
    social_image: str = setting(
        "", _text,
        "Image of the social cards (OpenGraph, Twitter) of pages without their own `image`: "
        "a path in the output (images/card.png) or an absolute URL; empty: the theme's.")
    # newsletter
    newsletter: Mapping[str, Any] = setting(
        MappingProxyType({}), _mapping,
        "Newsletter options for the site (subscribe_url: where readers subscribe by email); "
        "sending settings and secrets come from the environment.")
    newsletter_start: date | None = setting(
        None, _date_or_none,
        "Date of the first digest issue (ISO date); without it no issue is assembled.")
    newsletter_cadence: str = setting(
        "monthly", _one_of("weekly", "fortnightly", "monthly"),
        "How often an issue is due: weekly, fortnightly, or monthly (the first "
        "AGORA_NEWSLETTER_WEEKDAY of the month). A content/newsletter/<date>.md adds an issue.")
    newsletter_weekday: str = setting(
        "thursday", _one_of(*WEEKDAYS), "Day of the week issues are due.")
    newsletter_sections: tuple[tuple[str, Any, int | None], ...] = setting(
        NEWSLETTER_SECTIONS, _sections,
        "Sections of an issue, in order: names ("
        + ", ".join(NEWSLETTER_SECTIONS) + ") or {name, title, limit} mappings; a title "
        "is text or a {language: text} mapping.")
    newsletter_event_weeks: int = setting(
        4, _number(1, 26, integer=True), "How many weeks ahead an issue announces events.")
    newsletter_feedback_category: str = setting(
        "", _text, "Forum category slug of ideas and feedback, for \"you said, we did\".")
    newsletter_issues_dir: str = setting(
        "data/newsletter", _text,
        "Where `agora newsletter build` keeps assembled issues (relative to the project): an "
        "issue kept there is published as it is, whatever the content says later.")
    # build speed (agora.incremental, agora.prefetch, agora.render, agora.search)
    incremental: bool = setting(
        True, _boolean,
        "With LOAD_CONTENT_CACHE (previews), re-render only the pages of files whose body "
        "alone changed; any other change rebuilds every page.")
    read_workers: int = setting(
        0, _number(0, 64, integer=True),
        "Processes that parse content files (0: one per CPU, at most 4; 1: serial).")
    render_workers: int = setting(
        0, _number(0, 64, integer=True),
        "Processes that render and write pages once the context is complete (0: one per "
        "CPU, at most 4; 1: serial).")
    search_shard_pages: int = setting(
        1000, _number(1, integer=True),
        "Most pages in one search index: Pagefind's memory grows with the pages it indexes "
        "(about 135 KB each), so a bigger hub is indexed in shards of at most this many "
        "pages, one Pagefind run after another, which the search page merges in the "
        "browser (one more small request per shard and word searched).")

    def site_name(self, settings: Mapping[str, Any], lang: str | None) -> str:
        """The site's name in ``lang`` (``SITENAME`` unless ``AGORA_SITE_TEXT`` says otherwise)."""
        return self._site_text(settings, lang, "name", "SITENAME")

    def site_subtitle(self, settings: Mapping[str, Any], lang: str | None) -> str:
        """The site's subtitle in ``lang`` (``SITESUBTITLE`` unless ``AGORA_SITE_TEXT`` says so)."""
        return self._site_text(settings, lang, "subtitle", "SITESUBTITLE")

    def _site_text(self, settings: Mapping[str, Any], lang: str | None, key: str,
                   setting_name: str) -> str:
        texts = self.site_text.get(lang or "") or self.site_text.get((lang or "").split("-")[0])
        if texts and key in texts:
            return texts[key]
        return str(settings.get(setting_name) or "")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Options:
        """Validate every ``AGORA_*`` setting, applying defaults.

        Raises :class:`SettingsError` naming the first invalid setting, or one
        no Agora capability knows (a typo would otherwise be silently ignored).
        """
        values = {}
        for item in SETTINGS:
            raw = settings.get(item.name, item.default)
            try:
                values[item.attribute] = item.check(raw)
            except ValueError as exc:
                raise SettingsError(f"{item.name}: expected {exc}, found {show(raw)}") from None
        unknown = sorted(k for k in settings if k.startswith(PREFIX) and k not in _NAMES)
        if unknown:
            raise SettingsError(f"{unknown[0]}: expected one of the known AGORA_* settings "
                                f"(see agora/settings.py), found an unknown setting")
        return cls(**values)


@dataclass(frozen=True)
class Setting:
    """One row of the settings table: for documentation and messages."""

    name: str
    attribute: str
    default: Any
    check: Check
    doc: str


def _default(item: Field[Any]) -> Any:
    factory = item.default_factory
    return factory() if callable(factory) else item.default


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(PREFIX + item.name.upper(), item.name, _default(item), item.metadata["check"],
            item.metadata["doc"])
    for item in fields(Options)
)
_NAMES = frozenset(s.name for s in SETTINGS)


def options(settings: Mapping[str, Any]) -> Options:
    """The build's options (validated once, at ``initialized``), or validated now (commands)."""
    state = build_state(settings)
    if state is not None:
        return state.options
    return Options.from_settings(settings)


def setting_name(attribute: str) -> str:
    """``forum_url`` -> ``AGORA_FORUM_URL``: for messages that name a setting."""
    return PREFIX + attribute.upper()


def project_path(settings: Mapping[str, Any], configured: str) -> Path:
    """A folder setting (``data/forum``) relative to the project, or absolute as given.

    The project is the folder holding the content folder (``PATH``), so a build
    run from anywhere finds the same folder.
    """
    path = Path(configured)
    return path if path.is_absolute() else Path(settings["PATH"]).resolve().parent / path


def forum_snapshot_path(settings: Mapping[str, Any]) -> Path:
    """The forum snapshot folder (``AGORA_FORUM_SNAPSHOT_DIR``)."""
    return project_path(settings, options(settings).forum_snapshot_dir)


def newsletter_issues_path(settings: Mapping[str, Any]) -> Path:
    """Where assembled issues are kept (``AGORA_NEWSLETTER_ISSUES_DIR``)."""
    return project_path(settings, options(settings).newsletter_issues_dir)
