"""Property-based fuzzing: whatever an editor or a pull request writes, Agora answers with a
typed problem, never an uncaught exception.

Targets: the front-matter reader (arbitrary text, arbitrary YAML-ish structures, through
the real Markdown reader), the event schema (arbitrary start, end, duration, time zone,
rrule and exdates), the forum snapshot loader (arbitrary JSON documents, and the demo
snapshot with parts replaced by arbitrary JSON), and the defanging of content HTML,
checked with a browser-like parser (html5lib) that is not the one Agora uses.

Deterministic (``derandomize``, no example database) and small (``max_examples``), so
``make test`` stays fast; raise ``AGORA_FUZZ_EXAMPLES`` for a longer hunt.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from agora.content.markup import defang, references
from agora.content.reader import AgoraMarkdownReader, validate_metadata
from agora.forum.snapshot import SnapshotError, load_snapshot, snapshot_from_dict
from agora.problems import ContentError, Problem
from tests.conftest import DEMO_NOW, REPO

SCALE = int(os.environ.get("AGORA_FUZZ_EXAMPLES", "1"))
FUZZ = settings(max_examples=60 * SCALE, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
FORUM_URL = "https://forum.jardiniers-du-partage.example"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Settings of an empty hub (demo settings, a content folder of its own)."""
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("articles", "events", "members"):
        (root / "content" / folder).mkdir(parents=True)
    return read_settings(str(REPO / "pelicanconf.py"), override={
        "PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output"),
        "THEME": str(REPO / "theme"), "AGORA_NOW": DEMO_NOW})


# --- values ------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.dates(), st.datetimes(),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=5, minutes=30)))),
    st.sampled_from(["2026-13-45", "31/02/2025", "2026-02-30T25:61", "", " ", "~", "null",
                     "1h30", "PT2H", "-5", "0", "Europe/Paris", "Mars/Olympus",
                     "FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=1TH;COUNT=0",
                     "FREQ=WEEKLY;UNTIL=20200101", "FREQ=SECONDLY", "RRULE:FREQ=DAILY",
                     "javascript:alert(1)", "../../../../etc/passwd", "camille-roux",
                     "\x00", "\ufeff", "9" * 40]))
yamlish = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
FIELDS = ["title", "date", "modified", "slug", "lang", "tags", "author", "authors", "summary",
          "image", "image_alt", "status", "series", "spotlight", "forum_topic", "translation",
          "translation_of", "start", "end", "duration", "timezone", "rrule", "exdates",
          "hosts", "location", "format", "attendance", "capacity"]
front_matter = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)),
                               yamlish, max_size=8)


def dump(data: Any) -> str:
    """YAML for ``data``, or its repr when YAML cannot write it (still worth reading)."""
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        return repr(data)


def read(hub: dict[str, Any], folder: str, text: str) -> tuple[str, dict[str, Any]] | None:
    """Read ``text`` as a file of ``folder``: the result, or None for a typed refusal."""
    source = Path(hub["PATH"]) / folder / "fuzz.md"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return AgoraMarkdownReader(hub).read(str(source))
    except ContentError as refused:
        assert refused.problems and all(isinstance(p, Problem) for p in refused.problems)
        return None


# --- the front-matter reader -------------------------------------------------------------

@FUZZ
@given(text=st.text(max_size=300), fenced=st.booleans(),
       folder=st.sampled_from(["articles", "events"]))
def test_reader_takes_any_text(hub, text, fenced, folder):
    surrogate_free = text.encode("utf-8", "replace").decode("utf-8")
    read(hub, folder, f"---\n{surrogate_free}\n---\nTexte.\n" if fenced else surrogate_free)


@FUZZ
@given(data=front_matter, folder=st.sampled_from(["articles", "events"]),
       body=st.sampled_from(["Texte.", "[x](javascript:alert(1))", "![](/nope.png)",
                             "<a href='{filename}x.md'>x</a>", ""]))
def test_reader_takes_any_yaml_structure(hub, data, folder, body):
    result = read(hub, folder, f"---\n{dump(data)}---\n{body}\n")
    if result is not None:
        content, metadata = result
        assert isinstance(content, str) and "javascript:" not in content
        assert isinstance(metadata, dict)


# --- the event schema --------------------------------------------------------------------

moments = st.one_of(scalars, st.builds(lambda d, h, m: f"{d.isoformat()}T{h:02d}:{m:02d}",
                                       st.dates(min_value=date(1, 1, 1)),
                                       st.integers(0, 30), st.integers(0, 70)))
rules = st.one_of(scalars, st.lists(st.sampled_from(
    ["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=HOURLY", "BYDAY=TU",
     "BYDAY=1TH", "BYDAY=-1FR", "BYMONTHDAY=31", "BYMONTH=2", "COUNT=3", "COUNT=0",
     "UNTIL=20261231", "UNTIL=20261231T235959Z", "INTERVAL=0", "INTERVAL=2", "WKST=MO",
     "BYSETPOS=-1", "BYHOUR=25", "garbage"]), max_size=5).map(";".join))


@FUZZ
@given(start=moments, end=moments, duration=scalars, zone=st.one_of(scalars, st.sampled_from(
    ["America/Montreal", "Pacific/Chatham", "Asia/Kathmandu", "UTC", "Etc/GMT+12"])),
    rrule=rules, exdates=st.lists(moments, max_size=3), keep=st.sets(st.sampled_from(
        ["end", "duration", "timezone", "rrule", "exdates"])))
def test_event_schema_takes_any_times(hub, start, end, duration, zone, rrule, exdates, keep):
    values = {"end": end, "duration": duration, "timezone": zone, "rrule": rrule,
              "exdates": exdates}
    metadata = {"title": "Atelier", "start": start, **{k: values[k] for k in keep}}
    clean, problems = validate_metadata(metadata, str(Path(hub["PATH"]) / "events" / "x.md"),
                                        hub)
    assert isinstance(clean, dict)
    assert all(isinstance(p, Problem) and p.severity in ("error", "warning", "note")
               for p in problems)


# --- the snapshot loader -----------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(
                  ["javascript:alert(1)", "https://evil.example/x", "../../etc/passwd",
                   "avatars/x.png", "2026-11-20T08:00:00+01:00", FORUM_URL])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10)
DEMO_SNAPSHOT = json.loads((REPO / "data" / "forum" / "snapshot.json").read_text("utf-8"))


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:3]):
            found += paths_of(value, (*prefix, index))
    return found


DEMO_PATHS = paths_of(DEMO_SNAPSHOT)[1:]


def load(data: Any, folder: Path) -> None:
    try:
        snapshot = snapshot_from_dict(data, folder, forum_url=FORUM_URL)
    except SnapshotError as refused:
        assert str(refused).startswith(str(folder))
        return
    assert all(isinstance(p, Problem) for p in snapshot.problems)
    snapshot.hot(5)


@FUZZ
@given(data=json_values)
def test_snapshot_loader_takes_any_json(tmp_path_factory, data):
    load(data, tmp_path_factory.getbasetemp() / "forum")


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(DEMO_PATHS), json_values), min_size=1,
                        max_size=4))
def test_snapshot_loader_takes_any_edit_of_a_real_snapshot(tmp_path_factory, changes):
    data = copy.deepcopy(DEMO_SNAPSHOT)
    for path, value in changes:
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    load(data, tmp_path_factory.getbasetemp() / "forum")


@FUZZ
@given(raw=st.binary(max_size=200))
def test_snapshot_file_of_any_bytes(tmp_path_factory, raw):
    folder = tmp_path_factory.getbasetemp() / "forum-bytes"
    folder.mkdir(exist_ok=True)
    (folder / "snapshot.json").write_bytes(raw)
    with contextlib.suppress(SnapshotError):  # a typed refusal; anything else fails
        load_snapshot(folder, forum_url=FORUM_URL)


# --- defanging, seen by a browser-like parser --------------------------------------------

schemes = st.builds(
    lambda lead, word, inner, colon: lead + inner.join(word) + colon,
    st.sampled_from(["", " ", "\x01", "\t", "&#x20;", "\n "]),
    st.sampled_from(["javascript", "JaVaScRiPt", "vbscript", "data", "https", "mailto"]),
    st.sampled_from(["", "\t", "\n", "&#x09;", "&Tab;", "&NewLine;"]),
    st.sampled_from([":", "&colon;", "&#58;", "&#x3A;"]))
urls = st.builds(lambda scheme, rest: scheme + rest, schemes,
                 st.sampled_from(["alert(1)", "text/html,x", "image/png;base64,AA",
                                  "image/svg+xml,<svg>", "//x"]))
attributes = st.builds(
    lambda name, sep, quote, value: f"{name}{sep}={sep}{quote}{value}{quote}",
    st.sampled_from(["href", "src", "HREF", "xlink:href", "action", "formaction", "srcset",
                     "data", "poster", "alt", "title"]),
    st.sampled_from(["", " ", "\n"]), st.sampled_from(['"', "'", ""]), urls)
tags = st.builds(
    lambda name, gap, attrs, end: f"<{name}{gap}{gap.join(attrs)}{end}",
    st.sampled_from(["a", "img", "A", "svg", "math", "iframe", "form", "button", "object",
                     "area", "source", "textarea", "script", "style", "title", "p"]),
    st.sampled_from([" ", "\n", "/", "\t"]), st.lists(attributes, min_size=1, max_size=3),
    st.sampled_from([">", "/>", "", " >"]))
fragments = st.lists(st.one_of(tags, st.sampled_from(
    ["</a>", "</svg>", "</script>", "</style>", "<!--", "-->", "<![CDATA[", "]]>", "<?x ",
     "texte ", "<", ">", "&", "\n", "</textarea>", "<svg><style>", "<math><mi>"])),
    max_size=8).map("".join)
URL_NAMES = {"href", "src", "srcset", "action", "formaction", "data", "poster"}


def browser_dangers(html: str) -> list[tuple[str, str]]:
    """Dangerous URLs of ``html`` as a browser builds the page around it (html5lib)."""
    found = []
    root = html5lib.parseFragment(html, container="div", treebuilder="etree",
                                  namespaceHTMLElements=False)
    for element in root.iter():
        for name, value in element.attrib.items():
            local = re.sub(r"^\{.*\}", "", name).lower()
            if local not in URL_NAMES:
                continue
            # srcset: comma-separated candidates, each a URL up to the first white space
            candidates = ([p.split()[0] for p in value.split(",") if p.split()]
                          if local == "srcset" else [value])
            for url in candidates:
                cleaned = re.sub(r"[\t\n\r]", "", url).strip(
                    "".join(map(chr, range(0x21)))).lower()
                image_data = re.match(r"data:image/(png|gif|jpeg|webp)[;,]", cleaned)
                if cleaned.startswith(("javascript:", "vbscript:")) or (
                        cleaned.startswith("data:") and not image_data):
                    found.append((local, url))
    return found


@FUZZ
@given(html=fragments)
def test_defanged_html_holds_no_dangerous_url_for_a_browser(html):
    safe = defang(html)
    assert browser_dangers(safe) == []
    assert defang(safe) == safe
    if not [r for r in references(html) if r.danger]:
        # nothing to remove: only a "<" a browser would read as a tag may be escaped
        assert safe.replace("&lt;", "<") == html


def test_a_billion_laughs_front_matter_is_refused_quickly(hub):
    laughs = ["lol0: &a0 [x, x, x, x, x, x, x, x, x]"]
    laughs += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "---\ntitle: Rires\n" + "\n".join(laughs) + "\ntags: *a8\n---\nTexte.\n"
    started = datetime.now()
    assert read(hub, "articles", text) is None
    assert datetime.now() - started < timedelta(seconds=5)
