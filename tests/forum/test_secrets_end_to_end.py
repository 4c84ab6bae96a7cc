"""No secret and no subscriber address in anything Agora writes, across a whole cycle.

One story with recognisable fake secrets in the environment (the forum's API key,
the SMTP password, the listmonk token) and subscribers in the database:
``agora sync`` refused (a 403 that quotes the key back, a 401 midway) and
unreachable, then done; a build; ``agora newsletter build``; ``agora newsletter send`` refused (a
server quoting the password back), unreachable, through a listmonk that quotes
its token back, then done with one address refused. Then everything is
searched: every file under the test's folder (the hub, its output with
``build.json``, the snapshot, the kept issue, the caches), every log record with
its traceback, everything the commands printed. The secrets are nowhere; the
addresses are in the subscribers database only.

Each part has its own tests (``tests/forum/test_client.py``,
``tests/newsletter/test_secrets.py``); this one checks that nothing between
them writes what they keep hidden.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agora.cli import main
from agora.forum.client import DiscourseClient
from agora.newsletter.store import NewsletterStore
from tests.conftest import REPO, build
from tests.forum.conftest import FakeDiscourse, json_response
from tests.newsletter.conftest import (
    FROM,
    LISTMONK_TOKEN,
    PLAIN_AUTH_OK,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpSink,
    authenticator,
    free_port,
    run_smtp,
)

FORUM_KEY = "FORUM-API-KEY-5e5e"
SECRETS = (FORUM_KEY, SMTP_PASSWORD, LISTMONK_TOKEN,
           base64.b64encode(SMTP_PASSWORD.encode()).decode(),
           base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode())
SUBSCRIBERS = ("abonnee.secrete@example.org", "jardinier.discret@example.net",
               "refuse.moi@example.org")
ISSUE = "2026-11-05"


@pytest.fixture
def hub(tmp_path: Path, forum: FakeDiscourse, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo hub with its kept issues, set up for the fake forum, as the current folder."""
    root = tmp_path / "hub"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "data" / "newsletter", root / "data" / "newsletter")
    settings = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
    (root / "pelicanconf.py").write_text(
        settings + f"\nAGORA_FORUM_URL = {forum.url!r}\nAGORA_FORUM_REQUESTS_PER_SECOND = 20\n"
        f"THEME = {str(REPO / 'theme')!r}\nLOAD_CONTENT_CACHE = False\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every secret set in the environment; the subscribers database outside the hub."""
    for name in list(os.environ):
        if name.startswith("AGORA_") and name != "AGORA_NOW":
            monkeypatch.delenv(name)
    database = tmp_path / "private" / "newsletter.sqlite3"
    for name, value in {
        "AGORA_DISCOURSE_API_KEY": FORUM_KEY, "AGORA_DISCOURSE_API_USERNAME": "robot_sync",
        "AGORA_NEWSLETTER_DB": str(database), "AGORA_NEWSLETTER_FROM": FROM,
        "AGORA_NEWSLETTER_RATE": "1000", "AGORA_SMTP_SECURITY": "none",
        "AGORA_SMTP_HOST": "127.0.0.1", "AGORA_SMTP_USER": SMTP_USER,
        "AGORA_SMTP_PASSWORD": SMTP_PASSWORD, "AGORA_SMTP_RETRIES": "0",
        "AGORA_LISTMONK_USER": "agora-api", "AGORA_LISTMONK_TOKEN": LISTMONK_TOKEN,
        "AGORA_LISTMONK_LISTS": "fr:3,en:4",
    }.items():
        monkeypatch.setenv(name, value)
    # a failing forum is retried without really waiting
    made = DiscourseClient.from_options.__func__
    monkeypatch.setattr(DiscourseClient, "from_options", classmethod(
        lambda cls, options, **tuning: made(cls, options, sleep=lambda _s: None, **tuning)))
    with NewsletterStore(database) as store:
        for number, address in enumerate(SUBSCRIBERS):
            store.add(address, name=f"Abonné {number}", language=("fr", "en")[number % 2])
    return database


@pytest.fixture
def listmonk() -> Iterator[HTTPServer]:
    """A listmonk that refuses the token and quotes it back."""
    server = HTTPServer(port=0)
    server.start()
    server.expect_request("/api/campaigns").respond_with_json(
        {"message": f"invalid token agora-api:{LISTMONK_TOKEN}"}, status=403)
    yield server
    server.clear()
    server.stop()


class Transcript:
    """What every command printed, and every log record (with its traceback)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture):
        self.capsys, self.caplog = capsys, caplog
        self.printed: list[str] = []

    def run(self, *args: str) -> int:
        code = main(list(args))
        captured = self.capsys.readouterr()
        self.printed += [captured.out, captured.err]
        return code

    def text(self) -> str:
        # the test's own SMTP server (mail.log) sees the password by definition
        records = [r for r in self.caplog.records if not r.name.startswith("mail.log")]
        formatter = logging.Formatter("%(name)s %(message)s")
        return "\n".join([*self.printed, *(formatter.format(r) for r in records)])


def sync_story(run: Callable[..., int], forum: FakeDiscourse) -> None:
    forum.broken["/about.json"] = lambda: json_response(
        {"errors": [f"invalid API key {FORUM_KEY} for robot_sync"]}, status=403)
    assert run("sync") == 1
    del forum.broken["/about.json"]
    forum.broken["/latest.json"] = lambda: json_response(
        {"errors": ["You are not permitted to view the requested resource."],
         "error_type": "invalid_access", "api_key": FORUM_KEY}, status=401)
    assert run("sync") == 1
    del forum.broken["/latest.json"]
    assert run("sync", "--forum-url", f"http://127.0.0.1:{free_port()}") == 1
    assert run("sync") == 0
    assert all(hit.headers.get("Api-Key") == FORUM_KEY for hit in forum.log)


def send_story(run: Callable[..., int], output: Path, listmonk: HTTPServer,
               monkeypatch: pytest.MonkeyPatch) -> None:
    send = ("newsletter", "send", ISSUE, "--output", str(output), "--yes")
    sink = SmtpSink(refuse={SUBSCRIBERS[2]})
    with run_smtp(sink, authenticator=authenticator(echo_secret=True), auth_required=True,
                  auth_require_tls=False) as server:
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        monkeypatch.setenv("AGORA_SMTP_USER", "someone-else")  # refused, password quoted
        assert run(*send) == 1
        monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
        monkeypatch.setenv("AGORA_SMTP_PORT", str(free_port()))
        assert run(*send) == 1  # nobody listens there
        monkeypatch.setenv("AGORA_LISTMONK_URL", listmonk.url_for("/").rstrip("/"))
        assert run(*send, "--via", "listmonk") == 1
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        assert run(*send) == 1  # sent, one address refused
    assert sorted(sink.by_recipient()) == sorted(SUBSCRIBERS[:2])


def everything_written(folder: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.read_bytes()


@PLAIN_AUTH_OK
def test_secrets_and_addresses_stay_out_of_everything_written(
        hub: Path, environment: Path, forum: FakeDiscourse, listmonk: HTTPServer,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    transcript = Transcript(capsys, caplog)
    sync_story(transcript.run, forum)
    site = build(hub, settings_file=hub / "pelicanconf.py", AGORA_FORUM_URL=forum.url,
                 AGORA_FORUM_SNAPSHOT_DIR=str(hub / "data" / "forum"))
    assert (site.output / "build.json").is_file() and (hub / "data" / "forum").is_dir()
    assert transcript.run("newsletter", "build", "--date", "2026-12-03") == 0
    assert (hub / "data" / "newsletter" / "2026-12-03.json").is_file()
    send_story(transcript.run, site.output, listmonk, monkeypatch)

    said = transcript.text()
    assert "[redacted]" in said  # the hostile servers did quote the secrets back
    for secret in SECRETS:
        assert secret not in said
    for address in SUBSCRIBERS:
        assert address not in said
    private = {environment.parent}
    files = list(everything_written(tmp_path))
    assert len(files) > 100
    for path, data in files:
        for secret in SECRETS:
            assert secret.encode() not in data, path
        if path.parent not in private:
            for address in SUBSCRIBERS:
                assert address.encode() not in data, path
    # the addresses are where they belong
    database = environment.read_bytes() + b"".join(
        p.read_bytes() for p in environment.parent.glob("*-wal"))
    assert all(address.encode() in database for address in SUBSCRIBERS)


def test_the_scan_would_see_a_leak(tmp_path: Path) -> None:
    (tmp_path / "leak.txt").write_bytes(f"key={FORUM_KEY}".encode())
    assert [p for p, data in everything_written(tmp_path) if FORUM_KEY.encode() in data]

