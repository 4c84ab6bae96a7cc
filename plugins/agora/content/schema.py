"""Schemas: which fields each content type accepts, and the registry of types.

A content type is declared once, in its own module, with
:func:`register_content_type`: its schema, the content folders it owns and,
when other content can point at it (``author: jeanne-dupont``), how to list
the keys that exist. The reader, ``agora check`` and the docs all read this
registry, so a new content type needs one new module.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agora.content import fields as f
from agora.content.frontmatter import load_yaml, split_front_matter
from agora.problems import Problem, problem, show

KeyLoader = Callable[[Mapping[str, Any]], Mapping[str, Any]]

# Fields Pelican itself understands on every content object.
COMMON_FIELDS: dict[str, f.Field] = {
    "title": f.text(required=True, help="Title shown on the page and in feeds"),
    "date": f.pelican_date(help="Publication date; a future date schedules the post"),
    "modified": f.pelican_date(help="Date of the last significant change"),
    "slug": f.slug(help="Last part of the URL; defaults to the file name"),
    "lang": f.choice(("fr", "en", "de", "es", "it", "nl", "pt"), help="Language code"),
    "translation_of": f.slug(help="Slug of the original this file translates"),
    "translation": f.boolean(help="Pelican's flag for a translation"),
    "summary": f.text(help="One or two sentences for listings and previews (Markdown)"),
    "tags": f.list_of(f.text(), help="Tags, as a list"),
    "image": f.text(help="Image path inside content/, e.g. images/meetup.jpg"),
    "image_alt": f.text(help="Text alternative of the image"),
    "status": f.choice(("draft", "hidden", "published", "skip"), help="Publication status"),
    "template": f.text(help="Theme template to render with"),
    "save_as": f.text(help="Override the output path"),
    "url": f.text(help="Override the URL"),
    "forum_topic": f.integer(minimum=1, help="Discourse topic id of the discussion"),
    "forum_embed": f.boolean(help="show live forum comments (needs AGORA_FORUM_EMBED_COMMENTS)"),
}


@dataclass(frozen=True)
class Schema:
    name: str
    fields: Mapping[str, f.Field]

    def unknown_field_hint(self, name: str) -> str:
        """What ``name`` should have been: the closest known fields, else the list."""
        kind = f"{'an' if self.name[:1] in 'aeiou' else 'a'} {self.name} field"
        close = difflib.get_close_matches(name, list(self.fields), n=2, cutoff=0.75)
        if close:
            return f"expected {kind} (did you mean {' or '.join(close)}?)"
        listed = sorted(n for n, spec in self.fields.items() if spec.listed)
        return f"expected {kind}, one of: {', '.join(listed)}"

    def validate(
        self, metadata: Mapping[str, Any], path: str, *, unknown: str = "warning"
    ) -> tuple[dict[str, Any], list[Problem]]:
        """Coerce ``metadata`` field by field; return clean values and problems."""
        clean: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, raw in metadata.items():
            spec = self.fields.get(name)
            if spec is None:
                if unknown != "ignore":
                    problems.append(problem(path, name, self.unknown_field_hint(name),
                                            found_text="a field no schema knows",
                                            severity=unknown))
                clean[name] = raw
                continue
            if raw is None or raw == "" or raw == []:
                continue
            try:
                clean[name] = spec.coerce(raw)
            except f.Invalid as exc:
                problems.append(problem(path, name, f"expected {exc.expected}",
                                        raw if exc.found is ... else exc.found))
        for name, spec in self.fields.items():
            if spec.required and name not in clean:
                problems.append(problem(path, name, f"expected {spec.kind} ({spec.help})"
                                        if spec.help else f"expected {spec.kind}",
                                        found_text="nothing (the field is required)"))
        return clean, problems

    def references(self, clean: Mapping[str, Any]) -> Iterable[tuple[str, str, Any]]:
        """Yield (field, referenced type, key) for every cross-reference in ``clean``."""
        for name, spec in self.fields.items():
            if spec.ref and name in clean:
                values = clean[name] if isinstance(clean[name], list) else [clean[name]]
                for value in values:
                    yield name, spec.ref, value


def make_schema(type_name: str, /, **extra: f.Field) -> Schema:
    return Schema(type_name, {**COMMON_FIELDS, **extra})


@dataclass(frozen=True)
class ContentType:
    """A kind of content: its schema, the folder setting it owns, its keys."""

    name: str
    schema: Schema | None
    paths_setting: str | None = None  # e.g. "EVENT_PATHS"; None: decided by Pelican
    keys: KeyLoader | None = None  # slug -> info (None for a reference target never valid)
    priority: int = 0  # higher wins when folders nest (charter/ inside pages/)
    extra: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, ContentType] = {}


def register_content_type(content_type: ContentType) -> None:
    """Declare a content type (idempotent: re-registering replaces, for reloads)."""
    _REGISTRY[content_type.name] = content_type


SiteCheck = Callable[[Mapping[str, Any]], list[Problem]]
_SITE_CHECKS: dict[str, SiteCheck] = {}


def register_site_check(check: SiteCheck) -> None:
    """Add a whole-site check that ``agora check`` runs after the build (idempotent)."""
    _SITE_CHECKS[f"{check.__module__}.{check.__qualname__}"] = check


def site_checks() -> list[SiteCheck]:
    return list(_SITE_CHECKS.values())


def content_types() -> dict[str, ContentType]:
    return dict(_REGISTRY)


def content_type_for(source_path: str, settings: Mapping[str, Any]) -> ContentType | None:
    """The content type owning ``source_path`` (relative to the content folder)."""
    rel = source_path.replace(os.sep, "/")
    best: tuple[int, int, ContentType] | None = None
    for ctype in _REGISTRY.values():
        if not ctype.paths_setting:
            continue
        for folder in settings.get(ctype.paths_setting, ()):
            folder = folder.strip("/")
            if folder and (rel == folder or rel.startswith(folder + "/")):
                rank = (ctype.priority, len(folder), ctype)
                if best is None or rank[:2] > best[:2]:
                    best = rank
    if best:
        return best[2]
    return _REGISTRY.get("article")


# --- cross-reference keys -------------------------------------------------

def read_front_matter(path: Path) -> dict[str, Any]:
    """Only the YAML header of a Markdown file (cheap; for indexes of keys)."""
    try:
        header, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        data = load_yaml(header) if header else {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def folder_signature(root: Path) -> tuple[tuple[str, int], ...]:
    if not root.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()))


# Keys are cached against the state of the files they come from, so repeated
# builds in one process (autoreload, tests) never see stale keys.
_KEY_CACHE: dict[tuple[str, str], tuple[Any, Mapping[str, Any]]] = {}


def known_keys(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Keys of content type ``name`` that references may point at (cached per file state)."""
    ctype = _REGISTRY.get(name)
    if ctype is None or ctype.keys is None:
        return None
    # Within a build the files cannot change: one look at the folder per build,
    # not one per reference (that was quadratic: every article stat-ed every member).
    memo = getattr(settings.get("_AGORA_STATE"), "memo", None)
    if memo is not None and ("known_keys", name) in memo:
        return memo[("known_keys", name)]
    root = Path(settings["PATH"])
    folders = [root / d for d in settings.get(ctype.paths_setting or "", ())] if (
        ctype.paths_setting) else []
    files = [root / p for p in ctype.extra.get("files", lambda s: [])(settings)]
    signature = (
        tuple(folder_signature(d) for d in folders),
        tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in files),
        repr(sorted((k, repr(v)) for k, v in settings.items() if k.startswith("AGORA_"))),
    )
    cached = _KEY_CACHE.get((name, str(root)))
    if cached and cached[0] == signature:
        keys = cached[1]
    else:
        keys = ctype.keys(settings)
        _KEY_CACHE[(name, str(root))] = (signature, keys)
    if memo is not None:
        memo[("known_keys", name)] = keys
    return keys


def check_references(
    schema: Schema, clean: Mapping[str, Any], path: str, settings: Mapping[str, Any]
) -> list[Problem]:
    problems = []
    for field_name, target, key in schema.references(clean):
        keys = known_keys(target, settings)
        if keys is None:
            continue
        if key not in keys:
            choices = ", ".join(sorted(keys)[:12]) or f"no {target} is defined yet"
            problems.append(problem(path, field_name, f"expected a known {target} slug ({choices})",
                                    key))
        elif isinstance(keys[key], Mapping) and keys[key].get("unpublishable"):
            problems.append(problem(path, field_name, f"expected a {target} that may be published "
                                    f"({keys[key]['unpublishable']})", key))
    return problems


__all__ = ["COMMON_FIELDS", "ContentType", "Schema", "check_references", "content_type_for",
           "content_types", "known_keys", "make_schema", "read_front_matter",
           "register_content_type", "register_site_check", "show", "site_checks"]
