"""The settings an adopted Pelican site builds with: Agora's defaults, then the site's own.

A site moving to Agora keeps what decides which files are articles or pages
and where they are published: its content folders, its URL settings, its
time zone and language, its own templates. Where the site relied on one of
Pelican's defaults and Agora's default differs (``ARTICLE_URL``,
``SLUGIFY_SOURCE``, ``ARTICLE_PATHS``...), Pelican's value is written out, so no
article moves and no link breaks. What only Agora can decide (plugins, theme,
listings) is Agora's, and the written file says which of the site's settings
it leaves out and why.
"""

from __future__ import annotations

import os
import runpy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from pprint import pformat
from typing import Any

from pelican.settings import DEFAULT_CONFIG

from agora import defaults
from agora.content.schema import read_front_matter

#: Settings an adopting site never brings along, with the reason the written file gives.
NOT_CARRIED_OVER: Mapping[str, str] = {
    "PLUGINS": "Agora's plugins replace them",
    "PLUGIN_PATHS": "Agora's plugins replace them",
    "THEME": "Agora's theme (the site's own templates stay in THEME_TEMPLATES_OVERRIDES)",
    "THEME_STATIC_DIR": "Agora's theme",
    "THEME_STATIC_PATHS": "Agora's theme",
    "JINJA_ENVIRONMENT": "Agora's templates need its Jinja extensions",
    "DIRECT_TEMPLATES": "Agora's listings",
    "PAGINATED_TEMPLATES": "Agora's listings",
    "PAGINATION_PATTERNS": "Agora's listings",
    "DISPLAY_PAGES_ON_MENU": "Agora's navigation is AGORA_NAV",
    "DISPLAY_CATEGORIES_ON_MENU": "Agora's navigation is AGORA_NAV",
    "YEAR_ARCHIVE_SAVE_AS": "Agora's theme has no period archive pages",
    "YEAR_ARCHIVE_URL": "Agora's theme has no period archive pages",
    "MONTH_ARCHIVE_SAVE_AS": "Agora's theme has no period archive pages",
    "MONTH_ARCHIVE_URL": "Agora's theme has no period archive pages",
    "DAY_ARCHIVE_SAVE_AS": "Agora's theme has no period archive pages",
    "DAY_ARCHIVE_URL": "Agora's theme has no period archive pages",
}
#: Where Agora's home page is: the blog index moves to ``blog/`` unless the site moved it.
HOME_PATHS = ("index.html", "")

_CONTENT_KINDS = ("ARTICLE", "ARTICLE_LANG", "DRAFT", "DRAFT_LANG", "PAGE", "PAGE_LANG",
                  "DRAFT_PAGE", "DRAFT_PAGE_LANG", "CATEGORY", "TAG", "AUTHOR")
#: Settings whose Pelican default an adopting site keeps even when it never set them:
#: Agora's defaults differ, and changing them would move, re-slug or leave out content.
PELICAN_DEFAULTS_KEPT: tuple[str, ...] = (
    "PATH", "ARTICLE_PATHS", "ARTICLE_EXCLUDES", "PAGE_PATHS", "PAGE_EXCLUDES",
    "STATIC_PATHS", "IGNORE_FILES", "SLUGIFY_SOURCE", "DEFAULT_LANG", "TIMEZONE",
    *(f"{kind}_{what}" for kind in _CONTENT_KINDS for what in ("URL", "SAVE_AS")),
    # a site's feeds keep their addresses (subscribers) and stay off where it had none
    *(f"{kind}_{fmt}" for kind in ("FEED_ALL", "CATEGORY_FEED", "TAG_FEED", "AUTHOR_FEED",
                                   "TRANSLATION_FEED") for fmt in ("ATOM", "RSS")),
)
#: Content folders of Agora's own content types, by setting, with a field every file of
#: that type has. A site folder of the same name whose files lack it holds the site's
#: own articles (an ``events/`` category): Agora's folder then gets another name.
AGORA_FOLDERS: Mapping[str, tuple[str, str]] = {"EVENT_PATHS": ("events", "start"),
                                                "MEMBER_PATHS": ("members", "name")}


#: Settings file names Pelican would import in place of a package the build needs.
SHADOWING_NAMES = frozenset({"agora", "pelican", "markdown", "yaml", "jinja2", "docutils"})


class AdoptError(Exception):
    """The site cannot be read (no settings file, a settings file that fails)."""


@dataclass
class AdoptedConfig:
    """The settings of the adopted site, grouped the way the written file shows them."""

    source: Path
    agora: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    pelican_defaults: dict[str, Any] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        """Every setting the written file sets, after ``from agora.defaults import *``."""
        return {**self.pelican_defaults, **self.site, **self.agora}


def agora_theme() -> Path:
    """Agora's theme folder (beside the ``plugins`` folder of the installed package)."""
    return Path(defaults.__file__).resolve().parents[2] / "theme"


def read_site_settings(settings_file: Path) -> dict[str, Any]:
    """The settings a site's ``pelicanconf.py`` sets itself, in the order it sets them."""
    if not settings_file.is_file():
        raise AdoptError(f"{settings_file}: expected a Pelican settings file, found none")
    try:
        namespace = runpy.run_path(str(settings_file))
    except Exception as exc:  # the site's own code: say what failed, not a traceback
        raise AdoptError(f"{settings_file}: expected a settings file Python can run, "
                         f"found {type(exc).__name__}: {exc}") from exc
    return {name: value for name, value in namespace.items() if name.isupper()}


def pelican_value(name: str, site: Mapping[str, Any]) -> Any:
    """What bare Pelican uses for ``name`` with these site settings."""
    if name in site:
        return site[name]
    if name == "TIMEZONE":
        return "UTC"  # what Pelican assumes, with a warning
    return DEFAULT_CONFIG.get(name)


def is_literal(value: Any) -> bool:
    """Whether ``repr(value)`` is Python source that gives the value back."""
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(is_literal(item) for item in value)
    if isinstance(value, dict):
        return all(is_literal(k) and is_literal(v) for k, v in value.items())
    return False


def adopt_settings(settings_file: Path) -> AdoptedConfig:
    """What an Agora build of the site at ``settings_file`` should set, and what it leaves out."""
    site = read_site_settings(settings_file)
    config = AdoptedConfig(source=settings_file)
    for name, value in site.items():
        reason = _left_out_because(name, value)
        if reason:
            config.left_out[name] = reason
        else:
            config.site[name] = value
    for name in PELICAN_DEFAULTS_KEPT:
        value = pelican_value(name, site)
        if name not in site and value != getattr(defaults, name, None):
            config.pelican_defaults[name] = value
    config.agora = agora_own_settings(config.settings(), settings_file.parent)
    for name in config.agora:  # extended by Agora (excludes): written once, in its section
        config.site.pop(name, None)
        config.pelican_defaults.pop(name, None)
    return config


def _left_out_because(name: str, value: Any) -> str | None:
    if name in NOT_CARRIED_OVER:
        return NOT_CARRIED_OVER[name]
    if name.startswith("AGORA_"):
        return None
    if name in ("INDEX_SAVE_AS", "INDEX_URL") and value in HOME_PATHS:
        return "Agora's home page is index.html; the blog index is at blog/"
    if not is_literal(value):
        return f"not a plain value ({type(value).__name__}): copy it by hand if needed"
    return None


def agora_own_settings(kept: Mapping[str, Any], site_folder: Path) -> dict[str, Any]:
    """Agora's plugins and theme, and folders for its own content that the site does not use."""
    content = site_folder / str(kept.get("PATH") or ".")
    own: dict[str, Any] = {"THEME": str(agora_theme()), "PLUGINS": list(defaults.PLUGINS)}
    folders = []
    for setting, (name, marker) in AGORA_FOLDERS.items():
        taken = (content / name).exists() and not holds_agora_content(content / name, marker)
        folder = f"agora-{name}" if taken else name
        own[setting] = [folder]
        folders.append(folder)
    page_paths = kept.get("PAGE_PATHS") or ["pages"]
    own["CHARTER_PATHS"] = [f"{page_paths[0].strip('/')}/charter".lstrip("/")]
    for excludes in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        current = list(kept.get(excludes) or [])
        own[excludes] = current + [f for f in folders if f not in current]
    own["STATIC_EXCLUDES"] = [*(kept.get("STATIC_EXCLUDES") or []),
                              *(p for p in defaults.STATIC_EXCLUDES)]
    return own


def holds_agora_content(folder: Path, marker: str) -> bool:
    """Whether ``folder`` already holds Agora content: Markdown whose YAML header has ``marker``."""
    files = sorted(folder.rglob("*.md"))
    return bool(files) and all(marker in read_front_matter(path) for path in files)


def rebased(value: Any, name: str, source_folder: Path, target_folder: Path) -> Any:
    """Paths the site wrote relative to its settings file, relative to the new file's folder."""
    if name == "PATH" and isinstance(value, str) and not os.path.isabs(value):
        return os.path.relpath(source_folder / value, target_folder)
    if name == "THEME_TEMPLATES_OVERRIDES" and isinstance(value, list | tuple):
        return [entry if os.path.isabs(entry) else
                os.path.relpath(source_folder / entry, target_folder) for entry in value]
    return value


def render(config: AdoptedConfig, target: Path, unknown_fields: Iterable[str] = ()) -> str:
    """The text of a starting ``pelicanconf.py`` for the adopted site, written at ``target``.

    ``unknown_fields``: fields the site's files use that no schema knows, offered
    (commented out) for ``AGORA_EXTRA_FIELDS``.
    """
    source_folder = config.source.resolve().parent
    target_folder = target.resolve().parent

    def lines(values: Mapping[str, Any]) -> list[str]:
        return [f"{name} = "
                + pformat(rebased(value, name, source_folder, target_folder), width=88,
                          sort_dicts=False)
                for name, value in values.items()]

    site_name = config.site.get("SITENAME", "the site")
    parts = [
        f'"""Agora settings for {site_name}, written by `agora adopt` from '
        f'{config.source.name}.',
        "",
        "Agora's defaults come first, then the site's own settings, then Agora's plugins",
        'and theme. Every AGORA_* setting is documented in agora/settings.py."""',
        "",
        "from agora.defaults import *  # noqa: F403 - Agora's URL scheme, folders and plugins",
        "",
        "# --- the site's own settings, as its settings file sets them ---",
        *lines(config.site),
    ]
    if config.pelican_defaults:
        parts += ["", "# --- Pelican's defaults the site relied on, where Agora's differ:",
                  "# kept so that no article moves and no link breaks ---",
                  *lines(config.pelican_defaults)]
    parts += ["", "# --- Agora: its plugins, its theme, folders for its own content ---",
              *lines(config.agora)]
    fields = sorted(unknown_fields)
    if fields:
        parts += ["# Fields the site's files use that no schema knows: declare those your",
                  "# templates read, and Agora stops reporting them.",
                  f"# AGORA_EXTRA_FIELDS = {fields!r}"]
    if config.left_out:
        parts += ["", "# --- not carried over from the site's settings ---"]
        parts += [f"# {name}: {reason}" for name, reason in config.left_out.items()]
    return "\n".join(parts) + "\n"


def check_target(target: Path) -> str | None:
    """Why the settings file cannot be written at ``target`` (None: it can)."""
    if target.exists():
        return (f"{target}: expected a new file, found one already there "
                f"(choose another path or remove it)")
    if target.stem in SHADOWING_NAMES:
        # Pelican imports a settings file under its own name: agora.py would hide Agora
        return (f"{target}: expected a file name other than {target.name} (Pelican would "
                f"import it in place of the {target.stem} package)")
    return None


def write_config(config: AdoptedConfig, target: Path, unknown_fields: Iterable[str] = ()
                 ) -> Path:
    """Write the starting settings file; never replaces an existing file."""
    unusable = check_target(target)
    if unusable:
        raise AdoptError(unusable)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(render(config, target, unknown_fields))
    except FileExistsError:
        raise AdoptError(f"{target}: expected a new file, found one already there "
                         f"(choose another path or remove it)") from None
    return target
