"""The snapshot is untrusted input at build time too: it lives in git, a pull request can edit it.

The loader checks every value against the schema: links must be http(s) URLs on
the forum's host (or an asset host), files relative paths inside the snapshot
folder, names safe in a forum URL, every field its declared type. What fails is
dropped with a warning naming the field, and the build shows a safe fallback.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from agora.forum.snapshot import SnapshotError, dump_json, load_snapshot, snapshot_from_dict
from agora.problems import show

from .test_build import ARTICLES, FORUM, snapshot_dict

HOSTILE_LINKS = [
    "javascript:alert(3)",
    "JaVaScRiPt:alert(5)",
    " javascript:alert(3)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/t/x/42",
    "https://evil.example/t/x/42",
    "https://forum.example.org.evil.example/t/x/42",
    "https://forum.example.org@evil.example/t/x/42",
    'https://forum.example.org/t/x/42" onmouseover="alert(1)',
    "https://forum.example.org/t/<script>/42",
    "ftp://forum.example.org/t/x/42",
    "/t/x/42",
]
HOSTILE_FILES = [
    "../../etc/passwd",
    "/etc/passwd",
    "avatars/../../../etc/passwd",
    "avatars/..",
    "avatars\\..\\..\\x.png",
    "https://evil.example/a.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "avatars/a.png?x=1",
    "",
]


def fresh() -> dict[str, Any]:
    """The test snapshot as it comes from disk (no record shared between two lists), with a
    plain reply (test_build's hostile one has an image the loader reports)."""
    data = json.loads(dump_json(snapshot_dict()))
    data["topics"]["42"]["best_replies"][0]["cooked_html"] = "<p>Bonne idée</p>"
    return data


def check(data: dict[str, Any], tmp_path: Path, **trust: Any) -> Any:
    return snapshot_from_dict(data, tmp_path / "forum", forum_url=FORUM, **trust)


def problems(snapshot: Any) -> list[str]:
    return [f"{p.field}: {p.expected}, found {p.found}" for p in snapshot.problems]


@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_links_off_the_forum_are_dropped_with_a_warning(tmp_path, url):
    data = fresh()
    data["topics"]["42"]["url"] = url
    data["topics"]["42"]["best_replies"][0]["url"] = url
    data["categories"][0]["url"] = url
    snapshot = check(data, tmp_path)
    assert snapshot.topic(42)["url"] is None
    assert snapshot.topic(42)["best_replies"][0]["url"] is None
    assert snapshot.categories[0]["url"] is None
    found = show(url)
    assert problems(snapshot) == [
        f"categories[0].url: expected an http(s) URL on forum.example.org, found {found}",
        f"topics[42].best_replies[0].url: expected an http(s) URL on forum.example.org, "
        f"found {found}",
        f"topics[42].url: expected an http(s) URL on forum.example.org, found {found}",
    ]


def test_the_warning_names_the_file_and_the_field(tmp_path):
    data = fresh()
    data["topics"]["42"]["url"] = "javascript:alert(3)"
    [warning] = check(data, tmp_path).problems
    assert str(warning) == (f"{tmp_path}/forum/snapshot.json: topics[42].url: expected an "
                            'http(s) URL on forum.example.org, found "javascript:alert(3)"')
    assert warning.severity == "warning"


def test_asset_hosts_are_trusted_like_the_forum(tmp_path):
    data = fresh()
    data["topics"]["42"]["url"] = "https://cdn.example.net/t/x/42"
    data["events"] = [{"id": 1, "name": "Fête", "url": "https://evil.example/e/1"}]
    snapshot = check(data, tmp_path, asset_hosts=("cdn.example.net",))
    assert snapshot.topic(42)["url"] == "https://cdn.example.net/t/x/42"
    assert snapshot.events[0]["url"] is None
    assert problems(snapshot) == [
        "events[0].url: expected an http(s) URL on forum.example.org or an asset host "
        '(cdn.example.net), found "https://evil.example/e/1"']


@pytest.mark.parametrize("path", HOSTILE_FILES)
def test_files_outside_the_snapshot_folder_are_dropped(tmp_path, path):
    data = fresh()
    data["directory"][0]["avatar"] = path
    data["topics"]["42"]["participants"][0]["avatar"] = path
    snapshot = check(data, tmp_path)
    assert snapshot.directory[0]["avatar"] is None
    assert snapshot.topic(42)["participants"][0]["avatar"] is None
    assert [p.field for p in snapshot.problems] == ["topics[42].participants[0].avatar",
                                                    "directory[0].avatar"]
    assert all(p.expected == "expected a relative path inside the snapshot folder"
               for p in snapshot.problems)


def test_stored_files_and_forum_links_are_kept(tmp_path):
    data = fresh()
    data["directory"][0]["avatar"] = "avatars/zoe-0123456789.png"
    snapshot = check(data, tmp_path)
    assert snapshot.problems == ()
    assert snapshot.directory[0]["avatar"] == "avatars/zoe-0123456789.png"
    assert snapshot.topic(42)["url"] == f"{FORUM}/t/demarrer-compost/42"


def test_names_that_would_break_a_forum_url_drop_their_record(tmp_path):
    data = fresh()
    data["directory"].append({"username": '"><script>alert(1)</script>', "name": "X"})
    data["topics"]["42"]["participants"][1]["username"] = "bob/../../admin"
    data["topics"]["42"]["slug"] = 'x" onclick="alert(1)'
    data["users"] = {"<b>": {"username": "b", "name": "B"}}
    snapshot = check(data, tmp_path)
    assert [d["username"] for d in snapshot.directory] == ["zoe"]
    assert [p["username"] for p in snapshot.topic(42)["participants"]] == ["alice"]
    assert snapshot.topic(42)["slug"] is None
    assert snapshot.users == {}
    assert [p.field for p in snapshot.problems] == [
        "topics[42].participants[1].username", "topics[42].slug", "directory[1].username",
        "users[<b>]"]


def test_values_of_the_wrong_type_fall_back_to_empty(tmp_path):
    data = fresh()
    topic = data["topics"]["42"]
    topic["excerpt"] = ["<script>alert(1)</script>"]
    topic["posts_count"] = "5<script>"
    topic["tags"] = ["compost", {"name": "<b>"}, 3]
    topic["author"] = "alice"
    data["stats"]["users"] = "many"
    data["latest"].append("not a topic")
    data["history"].append({"taken_at": "2026-11-14T08:00:00+01:00", "users": [1]})
    snapshot = check(data, tmp_path)
    kept = snapshot.topic(42)
    assert (kept["excerpt"], kept["posts_count"], kept["tags"], kept["author"]) == (
        "", 0, ["compost"], None)
    assert "users" not in snapshot.stats
    assert len(snapshot.latest) == 2
    assert snapshot.history[1] == {"taken_at": "2026-11-14T08:00:00+01:00", "users": 0}
    assert [p.field for p in snapshot.problems] == [
        "latest[2]", "topics[42].excerpt", "topics[42].posts_count", "topics[42].tags[1]",
        "topics[42].tags[2]", "topics[42].author", "stats[users]", "history[1].users"]


def test_image_refs_in_bodies_are_reported(tmp_path):
    data = fresh()
    data["topics"]["42"]["best_replies"][0]["cooked_html"] = (
        '<p><img src="snapshot:images/../../etc/passwd" alt="a">'
        '<img src="snapshot:images/0123456789abcdef.png" alt="b">'
        "<img src=javascript:alert(1) alt=c></p>")
    snapshot = check(data, tmp_path)
    assert problems(snapshot) == [
        "topics[42].best_replies[0].cooked_html: expected images stored in the snapshot "
        'folder (snapshot:images/<name>), found "snapshot:images/../../etc/passwd"',
        "topics[42].best_replies[0].cooked_html: expected images stored in the snapshot "
        'folder (snapshot:images/<name>), found "javascript:alert(1)"',
    ]


def test_another_forum_url_is_replaced_by_the_configured_one(tmp_path):
    data = fresh()
    data["forum_url"] = "javascript:alert(1)//"
    snapshot = check(data, tmp_path)
    assert snapshot.forum_url == FORUM
    assert problems(snapshot)[0] == ("forum_url: expected https://forum.example.org "
                                     '(AGORA_FORUM_URL), found "javascript:alert(1)//"')
    with pytest.raises(SnapshotError, match="forum_url as an http"):
        snapshot_from_dict(data, tmp_path)  # no configured URL to fall back to


def test_a_snapshot_of_another_forum_gives_a_bounded_number_of_warnings(tmp_path):
    data = fresh()
    data["forum_url"] = "https://old-forum.example.org"
    for n in range(100, 140):
        data["topics"][str(n)] = {**copy.deepcopy(data["topics"]["42"]), "id": n,
                                  "url": f"https://old-forum.example.org/t/x/{n}"}
    snapshot = check(data, tmp_path)
    assert len(snapshot.problems) == 21
    assert str(snapshot.problems[-1]).endswith(
        "snapshot: expected valid values, found 21 more invalid fields (left out)")


def test_loading_from_disk_uses_the_same_checks(tmp_path):
    data = fresh()
    data["topics"]["42"]["url"] = "javascript:alert(3)"
    folder = tmp_path / "forum"
    folder.mkdir()
    (folder / "snapshot.json").write_text(dump_json(data), encoding="utf-8")
    snapshot = load_snapshot(folder, forum_url=FORUM)
    assert snapshot is not None and snapshot.topic(42)["url"] is None
    assert [p.field for p in snapshot.problems] == ["topics[42].url"]


@pytest.fixture(scope="module")
def tampered_site(make_site, tmp_path_factory):
    data = fresh()
    for record in (data["topics"]["42"], data["latest"][1]):
        record["url"] = "javascript:alert(3)"
    data["categories"][0]["url"] = "javascript:alert(4)"
    data["topics"]["42"]["participants"][0]["avatar"] = "../../../../etc/passwd"
    folder = tmp_path_factory.mktemp("tampered")
    (folder / "snapshot.json").write_text(dump_json(data), encoding="utf-8")
    return make_site(ARTICLES, name="tampered", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))


def test_a_tampered_snapshot_builds_without_its_javascript_links(tampered_site):
    pages = [p.read_text(encoding="utf-8") for p in sorted(tampered_site.output.rglob("*"))
             if p.is_file() and p.name != "build.json"  # the report quotes what it dropped
             and p.suffix in {".html", ".xml", ".ics", ".json", ".txt"}]
    assert pages and not [p for p in pages if "javascript:" in p.lower() or "passwd" in p]
    fallback = f"{FORUM}/t/demarrer-compost/42"  # built from the topic's id and slug
    home = tampered_site.html("").cssselect("section[aria-labelledby=home-forum] li a")
    assert [a.get("href") for a in home] == [fallback]
    thread = tampered_site.html("blog/avec-sujet/").cssselect("section.forum-thread a.button")
    assert [a.get("href") for a in thread] == [fallback]
    category = tampered_site.html("forum/").cssselect("section.forum-category h2 a")
    assert [a.get("href") for a in category] == [f"{FORUM}/c/entraide/2"]
    assert fallback in [a.get("href") for a in
                        tampered_site.html("forum/").cssselect("section.forum-category li a")]


def test_a_tampered_snapshot_is_reported_in_build_json(tampered_site):
    report = json.loads((tampered_site.output / "build.json").read_text(encoding="utf-8"))
    forum_warnings = [w for w in report["warnings"] if "snapshot.json" in w]
    assert [w.split("snapshot.json: ", 1)[1] for w in forum_warnings] == [
        'categories[0].url: expected an http(s) URL on forum.example.org, found '
        '"javascript:alert(4)"',
        'latest[1].url: expected an http(s) URL on forum.example.org, found '
        '"javascript:alert(3)"',
        "topics[42].participants[0].avatar: expected a relative path inside the snapshot "
        'folder, found "../../../../etc/passwd"',
        'topics[42].url: expected an http(s) URL on forum.example.org, found '
        '"javascript:alert(3)"',
    ]
    assert report["errors"] == []
