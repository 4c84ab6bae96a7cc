"""A hostile forum, end to end: sync it, build a site from it, load every page in Chromium.

Everything a forum member can write -- titles, excerpts, usernames, names,
category names and descriptions, tags, post bodies, profiles, badges, events --
carries script, event-handler, URL-scheme and CSS payloads, unbalanced markup,
frames, forms, and RTL-override / zero-width characters. The local forum
answers in recorded Discourse shapes; the site is served over loopback HTTP and
every HTML page is opened in headless Chromium: no dialog may open, no console
message may carry a payload, no request may leave the local server (the site
never hot-links the forum). Every output file is then read with lxml: no event
handler attribute, no ``javascript:``/``vbscript:``/``data:text/html`` URL, no
script but the theme's own, no frame, form or style element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from agora import clock
from agora.forum.snapshot import load_snapshot
from agora.forum.sync import sync
from agora.settings import Options
from tests.chromium import serve

from .conftest import FakeDiscourse

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PUBLIC = "https://forum.hostile.example"
RLO, ZWSP, ZWJ = "\u202e", "\u200b", "\u200d"
#: Marks every payload: a console message or dialog carrying one means a script ran.
MARK = "agora-xss"
SCRIPTS = [f'<script>alert("{MARK}-1");console.log("{MARK}-1")</script>',
           f'<img src=x onerror=alert("{MARK}-2")>',
           f'<svg><script>alert("{MARK}-3")</script></svg>',
           f'<svg onload=alert("{MARK}-4")>']
LINKS = [f'<a href="javascript:alert(\'{MARK}-5\')">js</a>',
         f'<a href="JaVaScRiPt:alert(\'{MARK}-5\')">mixed case</a>',
         f'<a href=" java&#x09;script:alert(\'{MARK}-5\')">entity</a>',
         f'<a href="data:text/html,<script>alert(\'{MARK}-5\')</script>">data</a>',
         '<a href="vbscript:msgbox(1)">vb</a>',
         f'<img src="javascript:alert(\'{MARK}-5\')" alt="js image">',
         f'<img src="data:text/html,<script>alert(\'{MARK}-5\')</script>" alt="data image">',
         '<img src="vbscript:msgbox(1)" alt="vb image">']
CSS = [f'<div style="background:url(javascript:alert(\'{MARK}-6\'))">css</div>',
       f"<style>body{{background:url(\"javascript:alert('{MARK}-7')\")}}</style>",
       '<p style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</p>']
MARKUP = ["<b><i>unbalanced", "</div></div></section></main>",
          '<iframe src="https://evil.example/frame"></iframe>',
          f'<form action="javascript:alert(\'{MARK}-8\')"><input name="q">'
          f'<button formaction="javascript:alert(\'{MARK}-9\')">go</button></form>',
          '<object data="https://evil.example/x.swf"></object>',
          '<base href="https://evil.example/">',
          '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
          # a public-looking tracker the sync must not fetch (TEST-NET: no DNS, no network)
          '<img src="https://192.0.2.1/track.png" alt="tracker">',
          '<img src="/uploads/default/original/1X/photo.png" alt="a real photo">']
COOKED = "<p>" + "".join(SCRIPTS + LINKS + CSS + MARKUP) + "</p>"
#: A line of text with every payload, for fields shown as text.
TEXT = (f"{RLO}Titre{ZWSP}{ZWJ} <script>alert('{MARK}-10')</script> "
        f"<img src=x onerror=alert('{MARK}-11')> \"' javascript:alert(1) &lt;b&gt;")


def _user(user_id: int, username: str, name: str = TEXT,
          avatar: str = "/user_avatar/forum.hostile.example/{username}/{{size}}/1.png"
          ) -> dict[str, Any]:
    return {"id": user_id, "username": username, "name": name, "title": TEXT,
            "avatar_template": avatar.format(username=username)}


USERS = [
    _user(1, "camille.r"),
    _user(2, "sofia.m", avatar="javascript:alert('agora-xss-12')"),
    _user(3, "hugo.l", avatar='/user_avatar/x/{{size}}/1.png" onerror="alert(13)'),
    _user(4, f"<script>alert('{MARK}-14')</script>"),
    _user(5, f"{RLO}mallory{ZWSP}"),
]


def _post(number: int, user: dict[str, Any], cooked: str, likes: int) -> dict[str, Any]:
    return {"id": 9000 + number, "post_number": number, "post_type": 1,
            "username": user["username"], "name": user["name"],
            "avatar_template": user["avatar_template"], "cooked": cooked,
            "created_at": f"2026-11-1{number % 10}T10:00:00.000Z",
            "actions_summary": [{"id": 2, "count": likes}]}


def _topic(topic_id: int, category_id: int) -> dict[str, Any]:
    posts = [_post(n, USERS[n % len(USERS)], COOKED, likes=10 - n) for n in range(1, 6)]
    return {
        "id": topic_id, "title": TEXT, "fancy_title": TEXT, "slug": f"fil-{topic_id}",
        "posts_count": len(posts), "highest_post_number": len(posts), "category_id": category_id,
        "created_at": "2026-11-10T10:00:00.000Z", "last_posted_at": "2026-11-15T10:00:00.000Z",
        "tags": [TEXT, {"id": 1, "name": f"<b>{MARK}</b>", "slug": "x"}], "views": 12,
        "like_count": 30,
        "details": {"created_by": USERS[1],
                    "participants": [{**u, "post_count": 2} for u in USERS]},
        "post_stream": {"posts": posts, "stream": [p["id"] for p in posts]},
    }


def _list_item(topic_id: int, category_id: int, pinned: bool = False) -> dict[str, Any]:
    return {"id": topic_id, "title": TEXT, "fancy_title": TEXT, "slug": f"fil-{topic_id}",
            "posts_count": 5, "reply_count": 0, "highest_post_number": 5,
            "created_at": "2026-11-10T10:00:00.000Z",
            "last_posted_at": "2026-11-15T10:00:00.000Z",
            "bumped_at": f"2026-11-15T1{topic_id % 10}:00:00.000Z", "pinned": pinned,
            "pinned_globally": False, "visible": True, "closed": False, "archived": False,
            "views": 12, "like_count": 30, "category_id": category_id,
            "tags": [TEXT, f"javascript:alert('{MARK}-15')"],
            "excerpt": TEXT if pinned else None, "last_poster_username": USERS[3]["username"],
            "posters": [{"user_id": u["id"], "description": TEXT} for u in USERS]}


def hostile_docs() -> dict[str, Any]:
    """The hostile forum's answers, keyed like the demo fixtures (see make_demo_forum_snapshot)."""
    categories = [
        {"id": 2, "name": TEXT, "slug": "entraide", "color": "red;background:url(x)",
         "text_color": "</style><script>alert(1)</script>", "description_text": TEXT,
         "position": 1, "topic_count": 3, "post_count": 15, "read_restricted": False},
        {"id": 3, "name": f"<svg onload=alert('{MARK}-16')>", "slug": '"><script>x</script>',
         "description_text": COOKED, "position": 2, "read_restricted": False},
    ]
    listing = {"users": USERS, "topic_list": {"topics": [
        _list_item(201, 2, pinned=True), _list_item(202, 2), _list_item(203, 3)]}}
    profile = {
        "user": {**USERS[0], "bio_cooked": COOKED, "created_at": "2025-01-01T00:00:00.000Z",
                 "last_seen_at": "2026-11-19T00:00:00.000Z", "post_count": 12,
                 "likes_received": 40, "trust_level": 2, "badge_count": 1},
        "badges": [{"id": 1, "name": TEXT, "description": COOKED, "badge_type_id": 1}],
        "badge_types": [{"id": 1, "name": "<b>Gold</b>"}],
        "user_badges": [{"badge_id": 1, "granted_at": "2026-01-01T00:00:00.000Z"}],
    }
    return {
        "site": {"categories": categories},
        "latest": listing, "top-weekly": listing, "top-monthly": listing,
        "t-201": _topic(201, 2), "t-202": _topic(202, 2), "t-203": _topic(203, 3),
        "about": {"about": {"stats": {"topics_count": 3, "posts_count": 15, "users_count": 5,
                                      "likes_count": "<script>", "participating_users_7_days": 4}}},
        "directory_items": {"directory_items": [
            {"likes_received": 40 - n, "likes_given": 1, "topic_count": 1, "post_count": 3,
             "days_visited": 2, "user": u} for n, u in enumerate(USERS)]},
        "u-camille.r": profile,
        "u-sofia.m": {**profile, "user": {**profile["user"], **USERS[1]}},
        "events": {"events": [{"id": 1, "name": TEXT, "starts_at": "2026-11-28T14:00:00.000Z",
                               "ends_at": "2026-11-28T17:00:00.000Z", "timezone": "Europe/Paris",
                               "category_id": 2,
                               "post": {"url": f"javascript:alert('{MARK}-17')",
                                        "topic": {"id": 201, "title": TEXT}}}]},
    }


ARTICLES = {
    f"articles/fil-{n}.md": f"""
        ---
        title: Article sur le fil {n}
        date: 2026-11-1{n % 10}T09:00
        forum_topic: {n}
        ---
        Texte.
        """
    for n in (201, 202, 203)
}


@pytest.fixture(scope="module")
def hostile_site(make_site, demo_tool, tmp_path_factory) -> Iterator[Any]:
    """The hostile forum synced (public URL: PUBLIC), then a site built from the snapshot."""
    from pytest_httpserver import HTTPServer  # noqa: PLC0415 - one server for the module

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    forum = FakeDiscourse(server, hostile_docs(), demo_tool.route)
    server.expect_request(re.compile(".*")).respond_with_handler(forum.handle)
    folder = tmp_path_factory.mktemp("hostile") / "forum"
    try:
        options = Options.from_settings({"AGORA_FORUM_URL": PUBLIC})
        from agora.forum.client import DiscourseClient  # noqa: PLC0415

        with DiscourseClient(forum.url, requests_per_second=1000, timeout=5, max_attempts=2,
                             environ={}, sleep=lambda _s: None) as client:
            result = sync(options, folder, now=clock.read(), topic_ids=(201, 202, 203),
                          usernames=("camille.r", "sofia.m"), client=client)
    finally:
        server.clear()
        server.stop()
    site = make_site(ARTICLES, name="hostile-site", AGORA_FORUM_URL=PUBLIC,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))
    yield site, result, folder


def test_the_hostile_forum_syncs_and_builds(hostile_site):
    site, result, folder = hostile_site
    snapshot = load_snapshot(folder, forum_url=PUBLIC)
    assert snapshot is not None and snapshot.problems == ()
    assert sorted(snapshot.topics) == [201, 202, 203]
    # the usernames no forum allows were left out, with a warning each
    assert [d["username"] for d in snapshot.directory] == ["camille.r", "sofia.m", "hugo.l"]
    assert sum(w.startswith(f"{folder}/snapshot.json: directory[")
               and "username: expected a forum name" in w for w in result.warnings) == 2
    # the tracker image of the bodies was never fetched: a private address
    assert {w.split(": ", 1)[1] for w in result.warnings if "192.0.2.1" in w} == {
        "expected a public address, found a local or private one (left out, alt text kept)"}
    # what the browser test below looks at: the threads are on the pages
    page = site.html("blog/fil-201/")
    assert page.cssselect("section.forum-thread blockquote.forum-reply")
    assert "Titre" in page.cssselect("section.forum-thread")[0].text_content()
    assert not site.state.log.errors


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def page_url(base: str, output: Path, file: Path) -> str:
    relative = file.relative_to(output).as_posix()
    return f"{base}/{relative.removesuffix('index.html')}"


def test_no_page_runs_forum_scripts_or_leaves_the_site(hostile_site, browser):
    site, _, _ = hostile_site
    files = html_files(site.output)
    assert len(files) > 10
    dialogs: list[str] = []
    console: list[str] = []
    outside: list[str] = []
    with serve(site.output) as base:
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                          dialog.dismiss()))
        page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))

        def only_local(route: Any) -> None:
            if route.request.url.startswith(base + "/"):
                route.continue_()
            else:
                outside.append(f"{page.url} -> {route.request.url}")
                route.abort()

        page.route("**/*", only_local)
        try:
            for file in files:
                page.goto(page_url(base, site.output, file), wait_until="load")
        finally:
            context.close()
    assert dialogs == []
    assert [m for m in console if MARK in m or "alert" in m] == []
    assert outside == []


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "style", "srcset", "poster",
                  "background", "xlink:href", "data")


def _normalised(value: str) -> str:
    """How a browser reads a URL attribute: no whitespace or control characters, any case."""
    return re.sub(r"[\x00-\x20]", "", value).lower()


def theme_owned(element: lxml.html.HtmlElement, file: Path) -> bool:
    """The theme's own controls: the sanitizer keeps no ``data-*`` attribute and no form of
    forum HTML; the search forms (header, search page); an e-mail's dark-mode rules in its
    <head>."""
    if element.tag == "input" and element.get("data-copy") is not None:
        return True
    search = next((a for a in element.iterancestors("form")), element)
    if search.tag == "form" and search.get("class") in ("site-search", "search-form"):
        return True
    parent = element.getparent()
    return (element.tag == "style" and file.name == "email.html" and parent is not None
            and parent.tag == "head")


def test_no_output_file_carries_a_payload(hostile_site):
    site, _, _ = hostile_site
    theme_scripts = re.compile(r"(\.\./|\./|/)*theme/js/[a-z-]+\.js")
    found: list[str] = []
    for file in html_files(site.output):
        shown = file.relative_to(site.output).as_posix()
        tree = lxml.html.fromstring(file.read_bytes())
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            for name, value in element.attrib.items():
                if name.lower().startswith("on"):
                    found.append(f"{shown}: <{tag} {name}=...>")
                if name.lower() in URL_ATTRIBUTES and any(
                        s in _normalised(value) for s in UNSAFE_SCHEMES):
                    found.append(f"{shown}: <{tag} {name}={value!r}>")
            if tag in ("iframe", "frame", "form", "style", "object", "embed", "svg", "math",
                       "base", "button", "input") and not theme_owned(element, file):
                found.append(f"{shown}: <{tag}>")
            if tag == "meta" and element.get("http-equiv"):
                found.append(f"{shown}: <meta http-equiv>")
            if tag == "script":
                src = element.get("src")
                if src is not None:
                    if "//" in src or not theme_scripts.fullmatch(src):
                        found.append(f"{shown}: <script src={src!r}>")
                elif element.get("type") == "application/ld+json":
                    json.loads(element.text or "null")  # data, not code
                else:
                    found.append(f"{shown}: inline <script>")
    for file in sorted(site.output.rglob("*")):
        if file.is_file() and file.suffix in (".xml", ".ics", ".json", ".txt") \
                and file.name != "build.json":
            text = file.read_text(encoding="utf-8", errors="replace")
            if MARK in text and "<script" in text:
                found.append(f"{file.relative_to(site.output)}: a payload as markup")
    assert found == []
