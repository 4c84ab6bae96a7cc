"""Real parts for the newsletter delivery tests.

* :func:`write_issue` writes a BUILT issue (``output/newsletter/<id>/issue.json``
  and its ``email.html`` / ``email.txt`` in two languages), following the
  contract of :mod:`agora.newsletter.issue_files`, so these tests do not depend
  on the issue builder.
* :class:`SmtpSink` is an aiosmtpd handler on a real local SMTP server that
  keeps what it accepted and can refuse a recipient (550), go down (421), drop
  one message, or SIGKILL the sending process in the middle of a message.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from agora.cli import main as agora_main
from agora.newsletter.store import NewsletterStore

ISSUE_ID = "2026-11-20"
NOW = "2026-11-20T10:00:00+01:00"
FROM = "Les Jardiniers du Partage <lettre@jardiniers.example>"
SITE = "https://jardiniers.example"
SMTP_USER = "mailer"
SMTP_PASSWORD = "SMTP-PASSWORD-ee1f"  # recognisable fake secrets, searched for in outputs
LISTMONK_TOKEN = "LISTMONK-TOKEN-77aa"
AGORA = [sys.executable, "-m", "agora.cli"]

TEXTS = {
    "fr": ("La lettre des Jardiniers n°{n}", "%%GREETING%%\n\nAu sommaire ce mois-ci : "
           "semis d'automne.\nÀ bientôt au jardin !\n\nSe désabonner : %%UNSUBSCRIBE_URL%%\n"),
    "en": ("The Gardeners' letter #{n}", "%%GREETING%%\n\nThis month: autumn sowing.\n"
           "See you in the garden!\n\nUnsubscribe: %%UNSUBSCRIBE_URL%%\n"),
}
HTML = ('<!doctype html><html lang="{lang}"><body><p>%%GREETING%%</p><p>{body}</p>'
        '<p><a href="%%UNSUBSCRIBE_URL%%">{label}</a></p></body></html>')


def write_issue(output: Path, issue_id: str = ISSUE_ID, *, langs: tuple[str, ...] = ("fr", "en"),
                default_lang: str = "fr", number: int = 3, site_name: str | None = None,
                extra: str = "") -> Path:
    """Write a built issue into ``output`` (a site's output folder); return issue.json's path."""
    editions = {}
    for lang in langs:
        prefix = "" if lang == default_lang else f"{lang}/"
        folder = output / prefix / "newsletter" / issue_id
        folder.mkdir(parents=True, exist_ok=True)
        subject, text = TEXTS.get(lang, TEXTS["en"])
        body = text.split("\n\n")[1] + extra
        (folder / "email.txt").write_text(text + extra, encoding="utf-8")
        (folder / "email.html").write_text(HTML.format(
            lang=lang, body=body, label="Se désabonner" if lang == "fr" else "Unsubscribe"),
            encoding="utf-8")
        editions[lang] = {
            "subject": subject.format(n=number),
            "preheader": body[:60],
            "html": f"{prefix}newsletter/{issue_id}/email.html",
            "text": f"{prefix}newsletter/{issue_id}/email.txt",
            "web_url": f"{SITE}/{prefix}newsletter/{issue_id}/",
        }
    data: dict[str, Any] = {"format": 1, "id": issue_id, "number": number, "date": issue_id,
                            "default_lang": default_lang, "editions": editions}
    if site_name is not None:
        data["site_name"] = site_name
    path = output / "newsletter" / issue_id / "issue.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, str]:
    """(text, html) of a received message, with the wire's CRLF as plain newlines."""
    text, html = (part.get_content().replace("\r\n", "\n") for part in message.iter_parts())
    return text, html


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------- SMTP server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    session: int

    @property
    def message(self) -> EmailMessage:
        return parse(self.data)


@dataclass
class SmtpSink:
    """An aiosmtpd handler that records accepted messages and misbehaves on demand."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    #: Go down (421 to every message) once this many were accepted.
    down_after: int | None = None
    #: Answer 421 (and close) to these message attempts (1-based, counted over all tries).
    drop_attempts: set[int] = field(default_factory=set)
    #: SIGKILL this pid at the ``kill_at``-th MAIL command (message not started yet)
    #: or DATA (message received, not yet accepted), as ``kill_stage`` says.
    kill_pid: int | None = None
    kill_at: int | None = None
    kill_stage: str = "DATA"
    attempts: int = 0
    mails: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        with self.lock:
            self.mails += 1
            if self.kill_stage == "MAIL" and self.mails == self.kill_at and self.kill_pid:
                os.kill(self.kill_pid, signal.SIGKILL)
                return "451 4.3.0 sender vanished"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            if self.kill_stage == "DATA" and self.attempts == self.kill_at and self.kill_pid:
                os.kill(self.kill_pid, signal.SIGKILL)
                return "451 4.3.0 sender vanished"
            if self.attempts in self.drop_attempts or (
                    self.down_after is not None and len(self.received) >= self.down_after):
                return "421 4.3.2 Service not available, closing transmission channel"
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.content), id(session)))
        return "250 2.0.0 OK queued"

    def by_recipient(self) -> Counter[str]:
        return Counter(r for item in self.received for r in item.rcpt_tos)


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: SmtpSink


@contextlib.contextmanager
def run_smtp(sink: SmtpSink, **smtp_options: Any) -> Iterator[SmtpServer]:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, sink)
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (no TLS, no AUTH) recording what it accepts."""
    with run_smtp(SmtpSink()) as server:
        yield server


#: AUTH without TLS is what the loopback-only password tests need, on purpose.
PLAIN_AUTH_OK = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def authenticator(echo_secret: bool = False) -> Callable[..., AuthResult]:
    """Accept SMTP_USER / SMTP_PASSWORD; a refusal may echo the credentials back (hostile)."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str,
              auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER
              and auth_data.password.decode() == SMTP_PASSWORD)
        if ok:
            return AuthResult(success=True)
        if echo_secret and isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False, message=(
                f"535 5.7.8 bad credentials {auth_data.login.decode()}:"
                f"{auth_data.password.decode()}"))
        return AuthResult(success=False, handled=False)

    return check


# --------------------------------------------------------------------------- environment


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built site's output folder holding issue 2026-11-20 in French and English."""
    output = tmp_path / "site" / "output"
    write_issue(output)
    return output


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "private" / "newsletter.sqlite3"


def base_env(db_path: Path, server: SmtpServer | None = None) -> dict[str, str]:
    env = {
        "AGORA_NEWSLETTER_DB": str(db_path),
        "AGORA_NEWSLETTER_FROM": FROM,
        "AGORA_NEWSLETTER_RATE": "1000",
        "AGORA_NOW": NOW,
        "AGORA_SMTP_SECURITY": "none",
        "AGORA_SMTP_HOST": "127.0.0.1",
        "AGORA_SMTP_PORT": str(free_port()),
    }
    if server is not None:
        env["AGORA_SMTP_PORT"] = str(server.port)
    return env


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_path: Path, smtp: SmtpServer) -> dict[str, str]:
    """The process environment for in-process runs: only our variables, pointing at ``smtp``."""
    for name in list(os.environ):
        if name.startswith("AGORA_"):
            monkeypatch.delenv(name)
    values = base_env(db_path, smtp)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def store(db_path: Path, env: dict[str, str]) -> Iterator[NewsletterStore]:
    with NewsletterStore(db_path) as opened:
        yield opened


def seed(store: NewsletterStore, count: int, *, langs: tuple[str | None, ...] = ("fr", "en", None),
         named: bool = True) -> list[str]:
    """Subscribe ``sub000@example.org``...; languages cycle through ``langs``."""
    addresses = []
    for number in range(count):
        address = f"sub{number:03d}@example.org"
        store.add(address, name=f"Camille {number}" if named else None,
                  language=langs[number % len(langs)])
        addresses.append(address)
    return addresses


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def agora(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``agora ...`` in this process; return exit code and captured output."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            code = agora_main(list(args))
        except SystemExit as exc:  # argparse errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
