"""STARTTLS and implicit TLS (``ssl``) with login, against aiosmtpd and a throw-away certificate."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.newsletter.conftest import (
    ISSUE_ID,
    PLAIN_AUTH_OK,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpSink,
    authenticator,
    run_smtp,
    seed,
)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate (and key) for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return folder


def server_context(folder: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@PLAIN_AUTH_OK
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_login_over_tls(agora, site, store, monkeypatch, certificate, security):
    seed(store, 3)
    sink = SmtpSink()
    context = server_context(certificate)
    # aiosmtpd only counts STARTTLS as TLS for AUTH; on an implicit-TLS socket it needs
    # auth_require_tls=False to offer AUTH at all (the connection is encrypted anyway).
    options = ({"tls_context": context, "require_starttls": True} if security == "starttls"
               else {"ssl_context": context, "auth_require_tls": False})
    with run_smtp(sink, authenticator=authenticator(), auth_required=True, **options) as server:
        # The client trusts the throw-away certificate the way an operator would.
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate / "cert.pem"))
        monkeypatch.setenv("AGORA_SMTP_SECURITY", security)
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
        monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD)
        result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 0, result.err
    assert len(sink.received) == 3


def test_login_refused_without_tls_names_the_settings(agora, site, store, monkeypatch,
                                                     certificate):
    seed(store, 1)
    sink = SmtpSink()
    # STARTTLS offered, AUTH only after it: a client configured with "none" cannot log in.
    with run_smtp(sink, authenticator=authenticator(), auth_required=True,
                  tls_context=server_context(certificate)) as server:
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
        monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD)
        result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 1
    assert ("AGORA_SMTP_USER: expected 127.0.0.1:" in result.err
            and "to offer a login (SMTP AUTH), found none" in result.err)
    assert sink.received == []


def test_untrusted_certificate_stops_before_anything_is_sent(agora, site, store, monkeypatch,
                                                            certificate, tmp_path):
    seed(store, 2)
    sink = SmtpSink()
    with run_smtp(sink, ssl_context=server_context(certificate)) as server:
        empty = tmp_path / "no-ca.pem"
        empty.write_text("", encoding="utf-8")
        monkeypatch.setenv("SSL_CERT_FILE", str(empty))
        monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
        monkeypatch.setenv("AGORA_SMTP_SECURITY", "ssl")
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        result = agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes")
    assert result.code == 1
    assert "AGORA_SMTP_SECURITY: expected a TLS connection to 127.0.0.1:" in result.err
    assert "with a valid certificate, found" in result.err and "CERTIFICATE_VERIFY_FAILED" \
        in result.err
    assert sink.received == []
