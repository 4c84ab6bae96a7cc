"""Schemas: which fields each content type accepts, and the content model of a build.

A content type is declared once, in its capability's module, as a
:class:`ContentType`: its schema, the content folders it owns and, when other
content can point at it (``author: jeanne-dupont``), how to list the keys that
exist. A capability lists its types in its ``CAPABILITY``; a build's
:class:`ContentModel` is assembled from the capabilities its ``PLUGINS`` name.
The readers, ``agora check`` and ``agora new`` all read that model, so a new
content type needs one new module.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agora.capability import SiteCheck, active_capabilities
from agora.content import fields as f
from agora.content.frontmatter import load_yaml, split_front_matter
from agora.problems import Problem, problem, show
from agora.state import build_state

KeyLoader = Callable[[Mapping[str, Any]], Mapping[str, Any]]

# Fields every content type has; Pelican defines most of them, and they are read as
# Pelican reads them (any date form it parses, "true" for a translation, a URL left
# empty on purpose). Agora's own content types keep strict slugs: other files refer to
# them by slug.
COMMON_FIELDS: dict[str, f.Field] = {
    "title": f.text(required=True, help="Title shown on the page and in feeds"),
    "date": f.pelican_date(help="Publication date; a future date schedules the post"),
    "modified": f.pelican_date(help="Date of the last significant change"),
    "slug": f.slug(help="Last part of the URL; defaults to the file name"),
    "lang": f.language(help="Language code"),
    "translation_of": f.text(help="Slug of the original this file translates"),
    "translation": f.translation_flag(help="Pelican's flag for a translation"),
    "summary": f.text(help="One or two sentences for listings and previews (Markdown)"),
    "tags": f.names(help="Tags, as a list"),
    "image": f.text(help="Image path inside content/, e.g. images/meetup.jpg"),
    "image_alt": f.text(help="Text alternative of the image"),
    "status": f.choice(("draft", "hidden", "published", "skip"), help="Publication status"),
    "template": f.text(help="Theme template to render with"),
    "save_as": f.text_or_empty(help="Override the output path"),
    "url": f.text_or_empty(help="Override the URL"),
    "forum_topic": f.integer(minimum=1, help="Discourse topic id of the discussion"),
    "forum_embed": f.boolean(help="show live forum comments (needs AGORA_FORUM_EMBED_COMMENTS)"),
}

# The rest of what Pelican defines for its own articles and pages. An existing site's
# values are accepted as Pelican accepts them; Agora's wishes become notes.
PELICAN_CONTENT_FIELDS: dict[str, f.Field] = {
    "slug": f.pelican_slug(help="Last part of the URL; defaults to the file name"),
    "author": f.text(help="Member slug of the author, or a person's name"),
    "authors": f.names(help="Member slugs or names of several authors"),
    "category": f.text(help="Blog category"),
    "timezone": f.timezone(help="Time zone of the dates, when not the site's TIMEZONE"),
}


@dataclass(frozen=True)
class Schema:
    """The fields of a content type; ``prefixes`` match families of fields (``event-x-*``)."""

    name: str
    fields: Mapping[str, f.Field]
    prefixes: Mapping[str, f.Field] = field(default_factory=dict)

    def spec(self, name: str) -> f.Field | None:
        spec = self.fields.get(name)
        if spec is None:
            spec = next((s for p, s in self.prefixes.items() if name.startswith(p)), None)
        return spec

    def extended(self, fields: Mapping[str, f.Field],
                 prefixes: Mapping[str, f.Field] | None = None) -> Schema:
        return Schema(self.name, {**self.fields, **fields}, {**self.prefixes, **(prefixes or {})})

    def unknown_field_hint(self, name: str, *, list_fields: bool = True) -> str:
        """What ``name`` should have been: the closest known fields, else the list."""
        kind = f"{'an' if self.name[:1] in 'aeiou' else 'a'} {self.name} field"
        listed = sorted(n for n, spec in self.fields.items() if spec.listed)
        close = difflib.get_close_matches(name, listed, n=2, cutoff=0.75)
        if close:
            return f"expected {kind} (did you mean {' or '.join(close)}?)"
        if not list_fields:
            return f"expected {kind}"
        return f"expected {kind}, one of: {', '.join(listed)}"

    def unknown_fields(self, metadata: Mapping[str, Any], declared: Iterable[str] = ()
                       ) -> list[str]:
        """The fields of ``metadata`` no schema knows and the site did not declare."""
        extra = set(declared)
        return [name for name in metadata if self.spec(name) is None and name not in extra]

    def validate(
        self, metadata: Mapping[str, Any], path: str, *, unknown: str = "warning",
        declared: Iterable[str] = (),
    ) -> tuple[dict[str, Any], list[Problem]]:
        """Coerce ``metadata`` field by field; return clean values and problems.

        Fields no schema knows are kept as they are (a theme may read them);
        ``unknown`` says how to report them, and ``declared`` (the site's
        ``AGORA_EXTRA_FIELDS``) are never reported. A value Agora would write
        differently but Pelican accepts gets a note, not an error.
        """
        clean: dict[str, Any] = {}
        problems: list[Problem] = []
        reported = set(self.unknown_fields(metadata, declared)) if unknown != "ignore" else set()
        for name, raw in metadata.items():
            spec = self.spec(name)
            if spec is None:
                if name in reported:
                    problems.append(problem(path, name, self.unknown_field_hint(name),
                                            found_text="a field no schema knows",
                                            severity=unknown))
                clean[name] = raw
                continue
            if raw is None or raw == [] or (raw == "" and not spec.keep_empty):
                continue
            try:
                clean[name] = spec.coerce(raw)
            except f.Invalid as exc:
                problems.append(problem(path, name, f"expected {exc.expected}",
                                        raw if exc.found is ... else exc.found))
                continue
            except (ValueError, OverflowError, TypeError, RecursionError):
                # a value no field type foresaw (a year 99999, a number of days beyond
                # what Python counts): still a problem of this field, never a crash
                problems.append(problem(path, name, f"expected {spec.kind} ({spec.help})"
                                        if spec.help else f"expected {spec.kind}", raw))
                continue
            advice = spec.advise(raw) if spec.advise is not None else None
            if advice:
                problems.append(problem(path, name, f"Agora suggests {advice}", raw,
                                        severity="note"))
        wrong = {p.field for p in problems}  # reported as invalid: not "missing" too
        for name, spec in self.fields.items():
            if spec.required and name not in clean and name not in wrong:
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
    """The schema of one of Agora's own content types (events, members, charter pages)."""
    return Schema(type_name, {**COMMON_FIELDS, **extra})


def pelican_schema(type_name: str, /, **extra: f.Field) -> Schema:
    """The schema of Pelican's own articles and pages, with Agora's fields added."""
    return Schema(type_name, {**COMMON_FIELDS, **PELICAN_CONTENT_FIELDS, **extra})


Validator = Callable[[dict[str, Any], str, Mapping[str, Any]], list[Problem]]


@dataclass(frozen=True)
class ContentType:
    """A kind of content: its schema, the folder setting it owns, its keys.

    ``keys`` lists what references may point at (slug -> info); ``validate``
    checks rules across fields.
    """

    name: str
    schema: Schema | None
    paths_setting: str | None = None  # e.g. "EVENT_PATHS"; None: decided by Pelican
    keys: KeyLoader | None = None
    priority: int = 0  # higher wins when folders nest (charter/ inside pages/)
    validate: Validator | None = None

    def extended(self, extension: TypeExtension) -> ContentType:
        """This type with another capability's fields and rules added."""
        schema = (self.schema or Schema(self.name, {})).extended(extension.fields,
                                                                 extension.prefixes)
        own, more = self.validate, extension.validate
        if own is None or more is None:
            validate = own or more
        else:
            def validate(clean: dict[str, Any], path: str, settings: Mapping[str, Any]
                         ) -> list[Problem]:
                return own(clean, path, settings) + more(clean, path, settings)
        return dataclasses.replace(self, schema=schema, validate=validate)


@dataclass(frozen=True)
class TypeExtension:
    """Fields (and rules) a capability adds to another's content type."""

    type_name: str
    fields: Mapping[str, f.Field]
    prefixes: Mapping[str, f.Field] = field(default_factory=dict)
    validate: Validator | None = None


@dataclass(frozen=True)
class ContentModel:
    """The content types and whole-site checks of one build, from its ``PLUGINS``."""

    types: Mapping[str, ContentType]
    site_checks: tuple[SiteCheck, ...] = ()

    def type_for(self, source_path: str, settings: Mapping[str, Any]) -> ContentType | None:
        """The content type owning ``source_path`` (relative to the content folder)."""
        rel = source_path.replace(os.sep, "/")
        best: tuple[int, int, ContentType] | None = None
        for ctype in self.types.values():
            folders = settings.get(ctype.paths_setting, ()) if ctype.paths_setting else ()
            for folder in folders:
                folder = folder.strip("/")
                if folder and (rel == folder or rel.startswith(folder + "/")):
                    rank = (ctype.priority, len(folder), ctype)
                    if best is None or rank[:2] > best[:2]:
                        best = rank
        if best:
            return best[2]
        return self.types.get("article")


def assemble_model(settings: Mapping[str, Any]) -> ContentModel:
    """The content model of the capabilities ``settings['PLUGINS']`` lists."""
    types: dict[str, ContentType] = {}
    checks: list[SiteCheck] = []
    extensions: list[TypeExtension] = []
    for capability in active_capabilities(settings):
        types.update((t.name, t) for t in capability.content_types)
        extensions.extend(capability.extensions)
        checks.extend(capability.site_checks)
    for extension in extensions:
        if extension.type_name in types:
            types[extension.type_name] = types[extension.type_name].extended(extension)
    return ContentModel(types, tuple(checks))


def content_model(settings: Mapping[str, Any]) -> ContentModel:
    """This build's content model (assembled once per build)."""
    state = build_state(settings)
    if state is None:
        return assemble_model(settings)
    if "content_model" not in state.memo:
        state.memo["content_model"] = assemble_model(settings)
    return state.memo["content_model"]


def content_type_for(source_path: str, settings: Mapping[str, Any]) -> ContentType | None:
    return content_model(settings).type_for(source_path, settings)


# --- cross-reference keys -------------------------------------------------

def read_front_matter(path: Path) -> dict[str, Any]:
    """Only the YAML header of a Markdown file (cheap; for indexes of keys)."""
    try:
        header, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        data = load_yaml(header) if header else {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def known_keys(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Keys of content type ``name`` that references may point at (read once per build)."""
    ctype = content_model(settings).types.get(name)
    if ctype is None or ctype.keys is None:
        return None
    state = build_state(settings)
    if state is not None and ("known_keys", name) in state.memo:
        return state.memo[("known_keys", name)]
    keys = ctype.keys(settings)
    if state is not None:
        state.memo[("known_keys", name)] = keys
    return keys


def listable_keys(keys: Mapping[str, Any]) -> list[str]:
    """The keys a message may show: never one that may not be published (a member who did
    not consent must not be named, even in a list of suggestions)."""
    return sorted(key for key, info in keys.items()
                  if not (isinstance(info, Mapping) and info.get("unpublishable")))


def check_references(
    schema: Schema, clean: Mapping[str, Any], path: str, settings: Mapping[str, Any]
) -> list[Problem]:
    problems = []
    for field_name, target, key in schema.references(clean):
        keys = known_keys(target, settings)
        if keys is None:
            continue
        if key not in keys:
            choices = ", ".join(listable_keys(keys)[:12]) or f"no {target} is defined yet"
            problems.append(problem(path, field_name, f"expected a known {target} slug ({choices})",
                                    key))
        elif isinstance(keys[key], Mapping) and keys[key].get("unpublishable"):
            # build.json and pull-request annotations are public: the key is not repeated
            problems.append(problem(path, field_name, f"expected a {target} that may be published "
                                    f"({keys[key]['unpublishable']})",
                                    found_text=f"a {target} who may not be named"))
    return problems


__all__ = ["COMMON_FIELDS", "PELICAN_CONTENT_FIELDS", "ContentModel", "ContentType", "Schema",
           "TypeExtension", "check_references", "content_model", "content_type_for",
           "known_keys", "listable_keys", "make_schema", "pelican_schema", "read_front_matter",
           "show"]
