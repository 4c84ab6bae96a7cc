"""Forum files are best effort: avatars and images that cannot be fetched fall back, and wait.

The forum's data is all-or-nothing (tests/forum/test_sync.py); its files are
not: hosted forums serve letter avatars and uploads from CDN hosts of their
own, and one of them being down must not cost the whole sync.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from agora.forum.snapshot import load_snapshot

from .test_sync import EMOJI, UPLOAD, run_sync

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
AVATAR_SIZE = 96


def closed_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def move_avatar(docs: dict[str, Any], username: str, template: str) -> None:
    """Give ``username`` an avatar on another host in every forum answer that shows them."""
    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("username") == username and "avatar_template" in node:
                node["avatar_template"] = template
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(docs)


def records_of(raw: dict[str, Any], username: str) -> list[dict[str, Any]]:
    """Every person record of ``username`` in a ``snapshot.json``."""
    found: list[dict[str, Any]] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("username") == username and "avatar" in node:
                found.append(node)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(raw)
    return found


def stored(target: Path) -> dict[str, Any]:
    return json.loads((target / "snapshot.json").read_text(encoding="utf-8"))


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "data" / "forum"


@pytest.fixture
def dead_cdn() -> tuple[str, int]:
    port = closed_port()
    return f"http://127.0.0.1:{port}", port


def test_unreachable_avatars_and_missing_images_fall_back_then_are_retried(
        forum, make_client, target, docs, dead_cdn):
    cdn, port = dead_cdn
    move_avatar(docs, "camille.r", cdn + "/letter/c/{size}.png")
    move_avatar(docs, "hugo.l", cdn + "/letter/h/{size}.png")
    move_avatar(docs, "sofia.m", "http://avatars.invalid/letter/s/{size}.png")
    forum.break_path(UPLOAD, 404)
    forum.break_path(EMOJI, 404)
    settings = {"asset_hosts": ("127.0.0.1", "avatars.invalid")}

    client = make_client(max_attempts=2)
    first = run_sync(forum, client, target, **settings)

    snap = load_snapshot(target, asset_hosts=settings["asset_hosts"])
    assert snap is not None and snap.problems == ()
    raw = stored(target)
    for name, url in (("camille.r", f"{cdn}/letter/c/{AVATAR_SIZE}.png"),
                      ("hugo.l", f"{cdn}/letter/h/{AVATAR_SIZE}.png"),
                      ("sofia.m", f"http://avatars.invalid/letter/s/{AVATAR_SIZE}.png")):
        people = records_of(raw, name)
        assert people, name
        assert {(p["avatar"], p.get("avatar_source")) for p in people} == {(None, url)}
    assert (first.avatars_failed, first.images_failed, first.assets_fallen_back) == (3, 2, 5)
    assert first.avatars_downloaded == 7 and first.images_downloaded == 0
    warnings = [w for w in first.warnings if w.startswith(("avatar of", "image "))]
    assert warnings == [
        f"avatar of camille.r, {cdn}/letter/c/96.png: expected an image (PNG, JPEG, GIF or "
        "WebP) of at most 1000000 bytes, found a connection error (ConnectionError) after 2 "
        "attempts (initials shown; tried again at the next sync)",
        f"avatar of hugo.l, {cdn}/letter/h/96.png: expected an answer, found none from "
        f"127.0.0.1:{port} earlier in this sync (initials shown; tried again at the next "
        "sync)",
        "avatar of sofia.m, http://avatars.invalid/letter/s/96.png: expected an image (PNG, "
        "JPEG, GIF or WebP) of at most 1000000 bytes, found a connection error "
        "(ConnectionError) after 2 attempts (initials shown; tried again at the next sync)",
        *(f"image https://forum.jardiniers-du-partage.example{path}: expected an image (PNG, "
          "JPEG, GIF or WebP) of at most 1000000 bytes, found HTTP 404 (missing or private) "
          "(left out, alt text kept; tried again at the next sync)"
          for path in (EMOJI + "?v=12", UPLOAD)),
    ]
    # two attempts at each dead host, none for the second avatar on the first one
    assert first.requests - len(forum.log) == 4
    planning = next(r for r in first.snapshot.topic(109)["best_replies"]
                    if "planning" in r["cooked_html"])
    assert "<img" not in planning["cooked_html"] and "<p>planning</p>" in planning["cooked_html"]
    assert f'src="https://forum.jardiniers-du-partage.example{UPLOAD}"' in planning[
        "cooked_source"]

    # The CDN on the closed port comes back, so do the images; avatars.invalid does not.
    revived = HTTPServer(host="127.0.0.1", port=port)
    revived.expect_request("/letter/c/96.png").respond_with_data(PNG, content_type="image/png")
    revived.expect_request("/letter/h/96.png").respond_with_data(PNG, content_type="image/png")
    revived.start()
    try:
        forum.broken.clear()
        second = run_sync(forum, make_client(max_attempts=2), target, **settings)
    finally:
        revived.clear()
        revived.stop()
    assert second.topics_fetched == []  # nothing changed on the forum: files only
    assert (second.avatars_downloaded, second.avatars_failed) == (2, 1)
    assert (second.images_downloaded, second.images_failed) == (2, 0)
    assert second.assets_fallen_back == 1
    raw = stored(target)
    for name in ("camille.r", "hugo.l"):
        files = {p["avatar"] for p in records_of(raw, name)}
        assert len(files) == 1 and (target / files.pop()).read_bytes() == PNG
        assert all("avatar_source" not in p for p in records_of(raw, name))
    assert {p.get("avatar_source") for p in records_of(raw, "sofia.m")} == {
        "http://avatars.invalid/letter/s/96.png"}
    planning = next(r for r in second.snapshot.topic(109)["best_replies"]
                    if "planning" in r["cooked_html"])
    assert "cooked_source" not in planning
    assert 'alt="planning"' in planning["cooked_html"]
    assert [w for w in second.warnings if w.startswith(("avatar of", "image "))] == [
        "avatar of sofia.m, http://avatars.invalid/letter/s/96.png: expected an image (PNG, "
        "JPEG, GIF or WebP) of at most 1000000 bytes, found a connection error "
        "(ConnectionError) after 2 attempts (initials shown; tried again at the next sync)"]


def test_avatars_on_private_addresses_are_not_fetched_unless_an_asset_host(
        forum, make_client, target, docs, dead_cdn):
    cdn, _ = dead_cdn
    move_avatar(docs, "camille.r", cdn + "/letter/c/{size}.png")
    result = run_sync(forum, make_client(), target)
    assert result.requests == len(forum.log)  # not even tried
    assert result.avatars_failed == 1
    assert [w for w in result.warnings if w.startswith("avatar of")] == [
        f"avatar of camille.r, {cdn}/letter/c/96.png: expected a public address, found a "
        "local or private one (initials shown)"]
    assert {p["avatar"] for p in records_of(stored(target), "camille.r")} == {None}
    # a refusal is final: nothing is left pending for the next sync
    assert all("avatar_source" not in p for p in records_of(stored(target), "camille.r"))


def test_an_image_that_is_not_an_image_is_left_out_and_tried_again(forum, make_client,
                                                                  target):
    forum.script(UPLOAD, Response("<svg onload=alert(1)></svg>", content_type="image/png"))
    first = run_sync(forum, make_client(), target)
    assert (first.images_failed, first.images_downloaded) == (1, 1)
    planning = next(r for r in first.snapshot.topic(109)["best_replies"]
                    if "planning" in r["cooked_html"])
    assert "<img" not in planning["cooked_html"] and "cooked_source" in planning
    second = run_sync(forum, make_client(), target)  # the forum now serves a PNG
    assert (second.images_failed, second.images_downloaded, second.images_reused) == (0, 1, 1)
    planning = next(r for r in second.snapshot.topic(109)["best_replies"]
                    if "planning" in r["cooked_html"])
    assert '<img src="snapshot:images/' in planning["cooked_html"]
    assert "cooked_source" not in planning
