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
            spec = self.spec(name)
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


__all__ = ["COMMON_FIELDS", "ContentModel", "ContentType", "Schema", "TypeExtension",
           "check_references", "content_model", "content_type_for", "known_keys",
           "make_schema", "read_front_matter", "show"]
