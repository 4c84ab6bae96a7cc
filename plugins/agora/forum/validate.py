"""Checking a snapshot document against :mod:`agora.forum.schema`, value by value.

The snapshot is untrusted input: it lives in git and a pull request can edit
it. The checks are compiled once from the schema's declarations (types and
``Annotated`` rules), then run on every load -- by builds, and by the sync on
the previous snapshot and on the document it is about to write.

What fails a check does not fail the build: a field of the wrong type or
breaking its rule is set to None when its type allows it, else to its empty
value (``""``, ``0``, ``[]``...); a record whose :data:`~agora.forum.schema.KEY`
field is invalid, or a list item that is not what the list holds, is left out.
Each is a :class:`~agora.problems.Problem` naming the field, e.g.
``topics[101].url: expected an http(s) URL on forum.example.org, found
"javascript:alert(3)"``. Structural problems (a top-level field of the wrong
JSON type) are the loader's to raise.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import (
    Annotated,
    Any,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)
from urllib.parse import urlsplit

from agora.forum.sanitize import SNAPSHOT_REF
from agora.forum.schema import Rule
from agora.problems import Problem, show

#: Characters a stored URL never needs and that could end an HTML attribute or a script string.
_UNSAFE_URL = re.compile(r"[\s\"'<>`\\{}|^\x00-\x1f\x7f]")
#: Usernames and slugs: letters, digits, ``. _ - ~`` and percent-encoding (unicode letters too).
_NAME = re.compile(r"[\w.~%-]{0,100}")
#: A relative path whose every segment is a plain file name (no ``..``, no scheme, no ``/``
#: in front): it stays inside the snapshot folder.
_FILE_PATH = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*")
#: ``src`` of every ``<img>``, quoted or not (best effort on raw HTML: the build sanitizes again).
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                      re.IGNORECASE)
#: Problems reported one by one; beyond, one line counts the rest (a snapshot of another
#: forum would otherwise give one line per link).
MAX_PROBLEMS = 20

INVALID: Any = object()


def host_names(entries: Iterable[str]) -> frozenset[str]:
    """Host names from ``AGORA_FORUM_ASSET_HOSTS`` entries (a URL is reduced to its host)."""
    hosts = set()
    for entry in entries:
        text = entry.strip()
        host = urlsplit(text).hostname if "//" in text else text.split("/")[0]
        if host:
            hosts.add(host.lower().rstrip("."))
    return frozenset(hosts)


@dataclass
class Checking:
    """One run of the checks: what is trusted, and the problems found."""

    source: str
    forum_host: str
    asset_hosts: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def problem(self, where: str, expected: str, value: Any) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.source, where, f"expected {expected}",
                                         show(value), severity="warning"))
        else:
            self.dropped += 1

    def summary(self) -> list[Problem]:
        """The problems, and one more counting those beyond :data:`MAX_PROBLEMS`."""
        if not self.dropped:
            return list(self.problems)
        return [*self.problems, Problem(self.source, "snapshot", "expected valid values",
                                        f"{self.dropped} more invalid fields (left out)",
                                        severity="warning")]

    # -- rules --------------------------------------------------------------------------

    def link_hosts(self) -> str:
        named = ", ".join(sorted(self.asset_hosts))
        return self.forum_host + (f" or an asset host ({named})" if named else "")

    def url_holds(self, value: str, on_trusted_host: bool) -> bool:
        if _UNSAFE_URL.search(value):
            return False
        try:
            parts = urlsplit(value)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host or "@" in parts.netloc:
            return False
        return not on_trusted_host or host == self.forum_host or host in self.asset_hosts

    def describe_rule(self, rule: Rule) -> str:
        return {
            Rule.LINK: f"an http(s) URL on {self.link_hosts()}",
            Rule.SOURCE: "an http(s) URL",
            Rule.FILE: "a relative path inside the snapshot folder",
            Rule.NAME: "a forum name (letters, digits, . _ - ~ %)",
        }.get(rule, "text")


#: How each rule on text is tested (``Rule.HTML`` only reports, ``Rule.KEY`` marks a record).
RULE_TESTS: dict[Rule, Callable[[str, Checking], bool]] = {
    Rule.LINK: lambda value, checking: checking.url_holds(value, on_trusted_host=True),
    Rule.SOURCE: lambda value, checking: checking.url_holds(value, on_trusted_host=False),
    Rule.FILE: lambda value, _: _FILE_PATH.fullmatch(value) is not None,
    Rule.NAME: lambda value, _: _NAME.fullmatch(value) is not None,
}


def html_problems(html: str) -> list[str]:
    """Image sources of ``html`` that are neither stored files nor pending downloads."""
    found = []
    for match in _IMG_SRC.finditer(html):
        src = next(group for group in match.groups() if group is not None).strip()
        if SNAPSHOT_REF.fullmatch(src) or src.lower().startswith(("http://", "https://")):
            continue  # a stored file, or an image the build leaves out (alt text kept)
        found.append(src)
    return found


# --------------------------------------------------------------------------- compiling

Check = Callable[[Any, str, Checking], Any]


def unwrap(kind: Any) -> tuple[Any, tuple[Any, ...]]:
    """The type without ``Required``/``NotRequired``/``Annotated``, and the markers."""
    markers: tuple[Any, ...] = ()
    while True:
        origin = get_origin(kind)
        if origin in (Required, NotRequired):
            kind = get_args(kind)[0]
        elif origin is Annotated:
            kind, *extra = get_args(kind)
            markers += tuple(extra)
        else:
            return kind, markers


def _describe(kind: Any) -> str:
    kind, _ = unwrap(kind)
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(k) for k in get_args(kind) if k is not type(None))
    if origin is list:
        return "a list"
    if origin is dict or is_typeddict(kind):
        return "an object"
    return {str: "text", int: "a whole number", bool: "true or false"}.get(kind, "a value")


def empty_value(kind: Any) -> Any:
    """What an invalid field becomes: None if its type allows it, else its empty value."""
    kind, _ = unwrap(kind)
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return None
    if origin is list:
        return []
    if origin is dict:
        return {}
    return {str: "", int: 0, bool: False}.get(kind, INVALID)


@cache
def compile_check(kind: Any) -> Check:
    """A function checking one value against ``kind``: the cleaned value, or INVALID."""
    kind, markers = unwrap(kind)
    rules = [m for m in markers if isinstance(m, Rule)]
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        members = [k for k in get_args(kind) if k is not type(None)]
        if len(members) != 1:
            raise TypeError(f"schema: expected T | None, found {kind!r}")
        return _nullable(compile_check(members[0]))
    if origin is list:
        return _list_of(compile_check(get_args(kind)[0]))
    if origin is dict:
        key_kind, value_kind = get_args(kind)
        key_check = _int_key if key_kind is int else compile_check(key_kind)
        return _dict_of(key_check, compile_check(value_kind))
    if is_typeddict(kind):
        return _record(kind)
    return _scalar(kind, rules)


def _scalar(kind: type[Any], rules: list[Rule]) -> Check:
    described = _describe(kind)
    tests = [(RULE_TESTS[rule], rule) for rule in rules if rule in RULE_TESTS]
    reports_images = Rule.HTML in rules

    def check(value: Any, where: str, checking: Checking) -> Any:
        # JSON gives exact types (and True must not pass for a number).
        if type(value) is not kind:
            checking.problem(where, described, value)
            return INVALID
        for test, rule in tests:
            if not test(value, checking):
                checking.problem(where, checking.describe_rule(rule), value)
                return INVALID
        if reports_images:
            for src in html_problems(value):
                checking.problem(where, "images stored in the snapshot folder "
                                 "(snapshot:images/<name>)", src)
        return value

    return check


def _nullable(inner: Check) -> Check:
    def check(value: Any, where: str, checking: Checking) -> Any:
        return None if value is None else inner(value, where, checking)

    return check


def _list_of(item: Check) -> Check:
    def check(value: Any, where: str, checking: Checking) -> Any:
        if not isinstance(value, list):
            checking.problem(where, "a list", value)
            return INVALID
        kept = [item(v, f"{where}[{n}]", checking) for n, v in enumerate(value)]
        return [v for v in kept if v is not INVALID]

    return check


def _dict_of(key: Check, item: Check) -> Check:
    def check(value: Any, where: str, checking: Checking) -> Any:
        if not isinstance(value, dict):
            checking.problem(where, "an object", value)
            return INVALID
        cleaned = {}
        for name, entry in value.items():
            shown = f"{where}[{name}]"
            checked_key = key(name, shown, checking)
            checked = item(entry, shown, checking) if checked_key is not INVALID else INVALID
            if checked is not INVALID:
                cleaned[checked_key] = checked
        return cleaned

    return check


def _record(kind: Any) -> Check:
    declared = get_type_hints(kind, include_extras=True)
    fields = {name: (compile_check(hint), empty_value(hint), Rule.KEY in unwrap(hint)[1])
              for name, hint in declared.items()}
    keys = [name for name, (_, _, is_key) in fields.items() if is_key]

    def check(value: Any, where: str, checking: Checking) -> Any:
        if not isinstance(value, dict):
            checking.problem(where, "an object", value)
            return INVALID
        for name in keys:
            if name not in value:
                checking.problem(f"{where}.{name}", _describe(declared[name]), None)
                return INVALID
        for name, entry in value.items():
            if name not in fields:
                continue  # written by a newer Agora: kept, never shown
            inner, empty, is_key = fields[name]
            checked = inner(entry, f"{where}.{name}", checking)
            if checked is INVALID:
                if is_key or empty is INVALID:
                    return INVALID
                value[name] = empty
            elif checked is not entry:
                value[name] = checked
        return value

    return check


def _int_key(value: Any, where: str, checking: Checking) -> Any:
    """Keys of ``dict[int, ...]``: JSON keys are always text, so digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    checking.problem(where, "an id (digits)", value)
    return INVALID
