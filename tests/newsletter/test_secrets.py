"""Secrets and addresses never reach output, logs, exception messages or written files."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agora.newsletter.config import ListmonkSettings, SmtpSettings
from agora.newsletter.errors import DeliveryError, ListmonkError
from agora.newsletter.listmonk import ListmonkClient
from agora.newsletter.privacy import Redactor, mask_address, normalize_address
from agora.newsletter.send import SmtpTransport
from tests.newsletter.conftest import (
    ISSUE_ID,
    LISTMONK_TOKEN,
    PLAIN_AUTH_OK,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpSink,
    authenticator,
    free_port,
    run_smtp,
    seed,
)

SECRETS = (SMTP_PASSWORD, LISTMONK_TOKEN,
           base64.b64encode(SMTP_PASSWORD.encode()).decode(),
           base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode())


def assert_clean(*texts: str, folder: Path | None = None) -> None:
    """No secret in any text, nor in any file under ``folder`` (database included)."""
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
    if folder is not None:
        for file in folder.rglob("*"):
            if file.is_file():
                data = file.read_bytes()
                for secret in SECRETS:
                    assert secret.encode() not in data, file


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def all_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every log record of the sending side (the test's own SMTP server, ``mail.log``, sees
    the password by definition and is left out)."""
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith("mail.log"))


@PLAIN_AUTH_OK
def test_smtp_password_stays_hidden_even_when_the_server_echoes_it(agora, site, store,
                                                                   monkeypatch, logs, tmp_path):
    seed(store, 3)
    sink = SmtpSink()
    with run_smtp(sink, authenticator=authenticator(echo_secret=True), auth_required=True,
                  auth_require_tls=False) as server:
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        monkeypatch.setenv("AGORA_SMTP_USER", "someone-else")  # refused: wrong login
        monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD)
        result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 1
    # The hostile server quoted the password back; the message shows it redacted.
    assert "535 5.7.8 bad credentials someone-else:[redacted]" in result.err
    assert_clean(result.out, result.err, all_logs(logs), folder=tmp_path)
    assert sink.received == []


def test_unreachable_smtp_server(agora, site, store, monkeypatch, logs, tmp_path):
    seed(store, 2)
    monkeypatch.setenv("AGORA_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("AGORA_SMTP_RETRIES", "0")
    result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 1
    assert "AGORA_SMTP_HOST: expected a reachable SMTP server, found cannot connect to " \
           "127.0.0.1:" in result.err
    assert_clean(result.out, result.err, all_logs(logs), folder=tmp_path)


def test_smtp_objects_and_errors_never_show_the_password():
    settings = SmtpSettings("127.0.0.1", free_port(), "none", SMTP_USER, SMTP_PASSWORD, 2)
    transport = SmtpTransport(settings)
    with pytest.raises(Exception) as caught:
        transport.open()
    assert_clean(repr(settings), str(settings), repr(transport), str(caught.value),
                 repr(caught.value))


def test_listmonk_token_stays_hidden(agora, site, env, httpserver: HTTPServer, monkeypatch,
                                     logs, tmp_path):
    monkeypatch.setenv("AGORA_LISTMONK_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("AGORA_LISTMONK_USER", "agora-api")
    monkeypatch.setenv("AGORA_LISTMONK_TOKEN", LISTMONK_TOKEN)
    monkeypatch.setenv("AGORA_LISTMONK_LISTS", "fr:3,en:4")
    httpserver.expect_request("/api/campaigns").respond_with_json(
        {"message": f"invalid token agora-api:{LISTMONK_TOKEN}"}, status=403)
    refused = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--via", "listmonk",
                    "--yes")
    assert refused.code == 1
    assert "found HTTP 403: invalid token agora-api:[redacted] (check AGORA_LISTMONK_USER" \
        in refused.err
    monkeypatch.setenv("AGORA_LISTMONK_URL", f"http://127.0.0.1:{free_port()}")
    unreachable = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--via",
                        "listmonk", "--yes")
    assert unreachable.code == 1 and "a connection error" in unreachable.err
    assert_clean(refused.out, refused.err, unreachable.out, unreachable.err, all_logs(logs),
                 folder=tmp_path)


def test_listmonk_objects_and_errors_never_show_the_token():
    settings = ListmonkSettings(f"http://127.0.0.1:{free_port()}", "agora-api", LISTMONK_TOKEN,
                                {"*": [3]})
    client = ListmonkClient(settings, timeout=(2, 2))
    with pytest.raises(ListmonkError) as caught:
        client.create_campaign({"name": "x"})
    assert_clean(repr(settings), repr(client), str(caught.value), repr(caught.value))


def test_invalid_secret_settings_name_the_variable_not_the_value(agora, site, store,
                                                                 monkeypatch):
    seed(store, 1)
    monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD + "\nX")
    result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 1
    assert "AGORA_SMTP_PASSWORD: expected a password on one line, found (a value, hidden)" \
        in result.err
    assert_clean(result.out, result.err)


def test_redactor_and_masking():
    redact = Redactor([SMTP_PASSWORD], user=SMTP_USER)
    plain = base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode()
    text = redact(f"AUTH PLAIN {plain} for camille.dupont@example.org: {SMTP_PASSWORD}")
    assert text == "AUTH PLAIN [redacted] for c***@example.org: [redacted]"
    assert mask_address("camille@example.org") == "c***@example.org"
    assert mask_address("not-an-address") == "***"


@pytest.mark.parametrize(("value", "expected"), [
    ("Camille@Example.ORG", "camille@example.org"),
    ("  camille@example.org ", "camille@example.org"),
    ("Camille <camille@example.org>", "camille@example.org"),
    ("camille@example", None),
    ("camille@@example.org", None),
    ("camille example.org", None),
    ("camille@exa mple.org", None),
    ("camille..x@example.org", None),
    (".camille@example.org", None),
    ("camille@example.org\nBcc: x@y.org", None),
    ("", None),
])
def test_address_check(value, expected):
    assert normalize_address(value) == expected


def test_smtp_error_on_connect_is_typed(monkeypatch):
    """A refused connection is a retryable ConnectionLost inside, a DeliveryError outside."""
    from agora.newsletter.send import ConnectionLost  # noqa: PLC0415

    transport = SmtpTransport(SmtpSettings("127.0.0.1", free_port(), "none", timeout=2))
    with pytest.raises(ConnectionLost, match=r"cannot connect to 127\.0\.0\.1"):
        transport.open()
    assert issubclass(DeliveryError, Exception)
