"""The preview server keeps the hub in memory; its output is always what a cold build writes.

One :class:`agora.serve.Preview` (one Pelican object, kept between builds) goes
through an editor's day: the body of an article, its title, an event's date, a
member's consent, the theme, the forum snapshot. After each change the output
folder must be byte-identical to a cold build of the same files in a fresh
folder (``build.json`` aside). A file with errors is reported and its last good
page kept; a deleted file leaves no page behind. Over HTTP, pages carry the
live-reload script (the files on disk do not) and a connected client is told
to reload after a build.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from agora import serve
from tests.conftest import DEMO_NOW, REPO, build, output_files

sys.path.insert(0, str(REPO / "tools"))

import corpus

pytestmark = pytest.mark.xdist_group("serve")

ARTICLES = 24


def bump(path: Path) -> None:
    moment = max(time.time_ns(), path.stat().st_mtime_ns + 2_000_000_000)
    os.utime(path, ns=(moment, moment))


def replace(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), "utf-8")
    bump(path)
    return path


def append(path: Path, text: str) -> Path:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    bump(path)
    return path


class Hub:
    """A synthetic hub in a folder of its own: content, theme and forum snapshot."""

    def __init__(self, root: Path, source: corpus.CorpusInfo) -> None:
        self.root = root
        shutil.copytree(source.agora_content, root / "content")
        shutil.copytree(REPO / "theme", root / "theme")
        shutil.copytree(source.forum_snapshot, root / "forum")
        # a member who has not consented (so never referenced): the consent edit gives it
        (root / "content" / "members" / "camille-reserve.md").write_text(
            '---\nname: "Camille Réservé"\nroles: [member]\nsince: 2024-03-01\n'
            "consent: false\nreconfirmed: 2026-09-01\n---\nJardine le dimanche.\n", "utf-8")

    def settings(self, name: str, **more: Any) -> dict[str, Any]:
        return {"PATH": str(self.root / "content"), "THEME": str(self.root / "theme"),
                "OUTPUT_PATH": str(self.root / name), "CACHE_PATH": str(self.root / ".cache"),
                "AGORA_FORUM_SNAPSHOT_DIR": str(self.root / "forum"), "AGORA_NOW": DEMO_NOW,
                **more}

    def preview(self) -> serve.Preview:
        return serve.Preview(str(REPO / "pelicanconf.py"),
                             **self.settings("output", LOAD_CONTENT_CACHE=True))

    def cold(self, tmp: Path) -> dict[str, bytes]:
        """A serial cold build of the same files into a fresh folder."""
        twin = tmp / f"cold-{time.monotonic_ns()}"
        for folder in ("content", "theme", "forum"):
            shutil.copytree(self.root / folder, twin / folder)
        build(twin, THEME=str(twin / "theme"), AGORA_FORUM_SNAPSHOT_DIR=str(twin / "forum"),
              AGORA_READ_WORKERS=1, AGORA_RENDER_WORKERS=1)  # serial: the reference
        return output_files(twin)

    def output(self) -> dict[str, bytes]:
        return output_files(self.root)

    def files(self, folder: str) -> list[Path]:
        return sorted((self.root / "content" / folder).glob("*.md"))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> corpus.CorpusInfo:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), ARTICLES, seed=13)


def differences(ours: dict[str, bytes], cold: dict[str, bytes]) -> list[str]:
    return sorted(name for name in set(ours) | set(cold) if ours.get(name) != cold.get(name))


EDITS = {
    "body": lambda hub: append(hub.files("articles")[3],
                               "\nUne phrase ajoutée pendant l'aperçu.\n"),
    "title": lambda hub: replace(hub.files("articles")[6], 'title: "', 'title: "Retitré : '),
    "event date": lambda hub: replace(hub.files("events")[1], "start: 20", "start: 19"),
    # a member without consent (never referenced by content) gives it: a new profile
    "member consent": lambda hub: replace(hub.root / "content" / "members" /
                                          "camille-reserve.md", "consent: false",
                                          "consent: true"),
    "theme": lambda hub: replace(hub.root / "theme" / "templates" / "agora" / "base.html",
                                 "</body>", "<!-- thème modifié -->\n</body>"),
    "forum snapshot": lambda hub: replace(hub.root / "forum" / "snapshot.json",
                                          '"title": "', '"title": "Sujet retitré : '),
}


@pytest.fixture(scope="module")
def day(source: corpus.CorpusInfo, tmp_path_factory: pytest.TempPathFactory
        ) -> dict[str, Any]:
    """Each edit in turn, built by one preview, compared with a cold build."""
    tmp = tmp_path_factory.mktemp("serve")
    hub = Hub(tmp / "hub", source)
    preview = hub.preview()
    seen: dict[str, Any] = {"first": preview.build()}
    for name, edit in EDITS.items():
        outcome = preview.rebuild([(None, str(edit(hub)))])
        seen[name] = (outcome, differences(hub.output(), hub.cold(tmp)))
    seen["hub"], seen["preview"], seen["tmp"] = hub, preview, tmp
    return seen


def test_first_build_renders_every_page(day: dict[str, Any]) -> None:
    assert day["first"].ok and day["first"].plan["mode"] == "full"


@pytest.mark.parametrize("edit", list(EDITS))
def test_output_after_an_edit_is_byte_identical_to_a_cold_build(day: dict[str, Any],
                                                                 edit: str) -> None:
    outcome, different = day[edit]
    assert outcome.ok and not outcome.errors, outcome.as_dict()
    assert different == [], f"after the {edit} edit: {different[:10]}"


def test_body_and_title_edits_render_only_what_they_change(day: dict[str, Any]) -> None:
    body, title = day["body"][0].plan, day["title"][0].plan
    assert body["mode"] == "incremental" and body["rendered"] == 1, body
    assert body["reason"].endswith("(in memory)"), "a body edit needs no new build"
    assert title["mode"] == "incremental", title
    assert title["reason"].endswith("titles changed (in memory)"), title
    assert 1 < title["rendered"] < day["first"].plan["rendered"] / 2, title
    for edit in ("theme", "forum snapshot"):
        assert day[edit][0].plan["mode"] == "full", "the rules cannot tell: every page"
    assert "(in memory)" not in day["event date"][0].plan.get("reason", ""), \
        "an event's new date moves it in listings and calendars: a build"


def test_a_file_with_errors_is_reported_and_its_last_good_page_kept(day: dict[str, Any]
                                                                    ) -> None:
    hub, preview = day["hub"], day["preview"]
    article = hub.files("articles")[9]
    page = hub.root / "output" / "blog" / article.stem / "index.html"
    good = page.read_bytes()
    replace(article, "date: ", "date: pas une date ")
    broken = preview.rebuild([(None, str(article))])
    assert broken.ok and broken.errors, "the problem is reported"
    assert any(article.name in message for message in broken.errors), broken.errors
    assert broken.event == "problems"
    assert page.read_bytes() == good, "the last good page is still served"
    replace(article, "date: pas une date ", "date: ")
    fixed = preview.rebuild([(None, str(article))])
    assert fixed.ok and not fixed.errors
    assert differences(hub.output(), hub.cold(day["tmp"])) == []


def test_a_broken_template_fails_the_build_not_the_server(day: dict[str, Any]) -> None:
    hub, preview = day["hub"], day["preview"]
    template = hub.root / "theme" / "templates" / "agora" / "base.html"
    text = template.read_text("utf-8")
    replace(template, "</body>", "{% if %}</body>")
    failed = preview.rebuild([(None, str(template))])
    assert not failed.ok and "TemplateSyntaxError" in failed.failure
    assert (hub.root / "output" / "index.html").is_file(), "the last good output stays"
    template.write_text(text, "utf-8")
    bump(template)
    assert preview.rebuild([(None, str(template))]).ok


def test_a_deleted_file_leaves_no_page_behind(day: dict[str, Any]) -> None:
    hub, preview = day["hub"], day["preview"]
    article = hub.files("articles")[12]
    page = hub.root / "output" / "blog" / article.stem / "index.html"
    assert page.is_file()
    article.unlink()
    outcome = preview.rebuild([(None, str(article))])
    assert outcome.ok and not outcome.errors
    assert not page.exists()
    assert differences(hub.output(), hub.cold(day["tmp"])) == []


# --- over HTTP -------------------------------------------------------------------------------

@pytest.fixture()
def running(source: corpus.CorpusInfo, tmp_path: Path) -> Iterator[tuple[Hub, str]]:
    hub = Hub(tmp_path / "hub", source)
    preview = hub.preview()
    stop, ready = threading.Event(), threading.Event()
    found: list[str] = []

    def on_ready(url: str) -> None:
        found.append(url)
        ready.set()

    thread = threading.Thread(target=serve.run, args=(preview, "127.0.0.1", 0, stop, on_ready),
                              daemon=True)
    thread.start()
    assert ready.wait(120), "the preview server did not start"
    yield hub, found[0]
    stop.set()
    thread.join(30)


def events(url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    connection.request("GET", serve.EVENTS_PATH)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline() == b": connected\n"
    return response


def next_event(response: http.client.HTTPResponse) -> tuple[str, str]:
    kind = data = ""
    while True:
        line = response.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif not line and kind:
            return kind, data


def test_pages_carry_the_reload_script_the_files_do_not(running: tuple[Hub, str]) -> None:
    hub, url = running
    served = urlopen(url + "blog/", timeout=30).read()
    assert serve.SCRIPT_TAG in served
    on_disk = (hub.root / "output" / "blog" / "index.html").read_bytes()
    assert serve.SCRIPT_TAG not in on_disk
    assert served == serve.inject(on_disk)
    script = urlopen(url + serve.SCRIPT_PATH.lstrip("/"), timeout=30).read().decode()
    assert "EventSource" in script and serve.EVENTS_PATH in script


def test_an_edit_reloads_a_connected_client(running: tuple[Hub, str]) -> None:
    hub, url = running
    response = events(url)
    article = hub.files("articles")[4]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nRechargement en direct.\n")
    bump(article)
    kind, data = next_event(response)
    assert kind == "reload", data
    assert '"mode": "incremental"' in data
    page = urlopen(url + f"blog/{article.stem}/", timeout=30).read().decode()
    assert "Rechargement en direct." in page


def index_text(output: Path) -> str:
    """The text of every indexed page, as Pagefind's fragments hold it."""
    return "".join(gzip.decompress(fragment.read_bytes()).decode("utf-8", "replace")
                   for fragment in (output / "pagefind" / "fragment").iterdir())


def test_the_search_index_follows_an_in_memory_edit_when_a_search_asks(
        running: tuple[Hub, str]) -> None:
    hub, url = running
    response = events(url)
    append(hub.files("articles")[5], "\nLe mot zorglubesque ne figure nulle part ailleurs.\n")
    kind, data = next_event(response)
    assert kind == "reload" and "(in memory)" in data, data
    output = hub.root / "output"
    assert "zorglubesque" not in index_text(output), "the edit did not wait for Pagefind"
    entry = json.loads(urlopen(url + "pagefind/pagefind-entry.json", timeout=120).read())
    assert entry["languages"]["fr"]["page_count"] > ARTICLES
    assert "zorglubesque" in index_text(output), "asked for, the index was made again"
    before = {p.name for p in (output / "pagefind" / "fragment").iterdir()}
    urlopen(url + "pagefind/pagefind-entry.json", timeout=120).read()
    assert {p.name for p in (output / "pagefind" / "fragment").iterdir()} == before, \
        "made again only when pages changed"


def test_a_search_after_an_in_memory_edit_indexes_again_the_shard_of_its_page(
        source: corpus.CorpusInfo, tmp_path: Path) -> None:
    hub = Hub(tmp_path / "hub", source)
    preview = serve.Preview(str(REPO / "pelicanconf.py"), **hub.settings(
        "output", LOAD_CONTENT_CACHE=True, AGORA_SEARCH_SHARD_PAGES=10))
    assert preview.build().ok
    index = hub.root / "output" / "pagefind"
    entries = sorted(index.rglob("pagefind-entry.json"))
    assert len(entries) >= 3, "the corpus is indexed in several shards"
    first = {entry: entry.stat().st_mtime_ns for entry in entries}
    edited = append(hub.files("articles")[5], "\nLe mot zorglubesque, ajouté.\n")
    assert "(in memory)" in preview.rebuild([(None, str(edited))]).plan["reason"]
    preview.refresh_search()
    again = [entry for entry in entries if entry.stat().st_mtime_ns != first[entry]]
    assert len(again) == 1, "the shard of the edited page alone"
    fragments = "".join(gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
                        for f in (again[0].parent / "fragment").iterdir())
    assert "zorglubesque" in fragments


def test_a_retitled_article_in_an_issue_not_kept_yet_is_retitled_in_the_issue(
        tmp_path: Path) -> None:
    """An issue due but not kept (``agora newsletter build`` not run yet) is assembled from
    the content at each build: a new title must reach its pages, e-mails and feed, as a cold
    build writes them. A title the issues do not show is still changed in memory."""
    twins = {name: tmp_path / name for name in ("hub", "cold")}
    for folder in ("content", "theme"):
        shutil.copytree(REPO / folder, twins["hub"] / folder)

    def settings(root: Path) -> dict[str, Any]:
        return {"PATH": str(root / "content"), "THEME": str(root / "theme"),
                "OUTPUT_PATH": str(root / "output"), "CACHE_PATH": str(root / ".cache"),
                "AGORA_NEWSLETTER_ISSUES_DIR": str(root / "no-issue-kept"),
                "AGORA_FORUM_SNAPSHOT_DIR": str(REPO / "data" / "forum"), "AGORA_NOW": DEMO_NOW}

    preview = serve.Preview(str(REPO / "pelicanconf.py"), LOAD_CONTENT_CACHE=True,
                            **settings(twins["hub"]))
    assert preview.build().ok
    issue = twins["hub"] / "output" / "newsletter" / "2026-11-05" / "email.txt"
    articles = twins["hub"] / "content" / "articles"
    plans = []
    for name in ("astuce-recuperer-eau.md", "astuce-outils.md"):  # in the issue, after it
        edited = replace(articles / name, "title: '", "title: 'Retitré - ")
        plans.append(preview.rebuild([(None, str(edited))]).plan["reason"])
    assert "Retitré - Astuce du mardi : récupérer" in issue.read_text("utf-8")
    assert plans == ["1 edited file(s), titles changed",
                     "1 edited file(s), titles changed (in memory)"]
    shutil.copytree(twins["hub"] / "content", twins["cold"] / "content")
    shutil.copytree(twins["hub"] / "theme", twins["cold"] / "theme")
    build(twins["cold"], **settings(twins["cold"]))
    assert differences(output_files(twins["hub"]), output_files(twins["cold"])) == []
