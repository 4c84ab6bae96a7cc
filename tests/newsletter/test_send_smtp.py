"""`agora newsletter send` against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

import pytest

from agora.newsletter.config import SenderSettings, SmtpSettings
from agora.newsletter.errors import DeliveryError, IssueChangedError
from agora.newsletter.issue_files import load_issue
from agora.newsletter.send import IssueSender, SmtpTransport
from agora.newsletter.store import NewsletterStore
from tests.newsletter.conftest import (
    ISSUE_ID,
    PLAIN_AUTH_OK,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpSink,
    authenticator,
    bodies,
    parse,
    run_smtp,
    seed,
    write_issue,
)

SEND = ("newsletter", "send", ISSUE_ID)


def send_args(site: Path, *extra: str) -> list[str]:
    return [*SEND, "--output", str(site), "--yes", *extra]


def test_every_subscriber_gets_one_wellformed_message_in_their_language(
        agora, site, store, smtp, monkeypatch):
    monkeypatch.setenv("AGORA_NEWSLETTER_UNSUBSCRIBE_URL",
                       "https://jardiniers.example/desabonnement?t={token}")
    addresses = seed(store, 6)
    store.add("anonyme@example.org", language="de")  # no name, no German edition
    result = agora(*send_args(site))
    assert result.code == 0, result.err
    assert "sent 7, already delivered (skipped) 0, failed 0" in result.out
    received = {item.rcpt_tos[0]: item for item in smtp.sink.received}
    assert sorted(received) == sorted([*addresses, "anonyme@example.org"])
    for address, item in received.items():
        subscriber = store.get(address)
        assert subscriber is not None
        message = parse(item.data)
        assert item.mail_from == "lettre@jardiniers.example"
        parts = list(message.iter_parts())
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
        assert all(p.get_content_charset() == "utf-8" for p in parts)
        text, html = bodies(message)
        lang = {"fr": "fr", "en": "en"}.get(subscriber.language or "fr", "fr")
        assert message["Content-Language"] == lang
        assert message["Subject"] == ("La lettre des Jardiniers n°3" if lang == "fr"
                                      else "The Gardeners' letter #3")
        assert parseaddr(str(message["To"]))[1] == address
        assert parseaddr(str(message["From"])) == ("Les Jardiniers du Partage",
                                                  "lettre@jardiniers.example")
        assert parsedate_to_datetime(str(message["Date"])).isoformat() == \
            "2026-11-20T10:00:00+01:00"
        assert re.fullmatch(r"<[^<>@\s]+@jardiniers\.example>", str(message["Message-ID"]))
        assert message["List-Id"] == '"Les Jardiniers du Partage" <newsletter.jardiniers.example>'
        https = f"https://jardiniers.example/desabonnement?t={subscriber.token}"
        mailto = (f"mailto:lettre@jardiniers.example?subject=unsubscribe%20"
                  f"{subscriber.token}")
        assert message["List-Unsubscribe"] == f"<{https}>, <{mailto}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        hello = {"fr": "Bonjour", "en": "Hello"}[lang]
        expected = f"{hello} {subscriber.name}," if subscriber.name else f"{hello},"
        assert text.startswith(expected + "\n") and f"<p>{expected}</p>" in html
        assert https in text and f'href="{https}"' in html
        assert "%%" not in text + html
    # The German subscriber got the default (French) edition, greeted without a name.
    assert parse(received["anonyme@example.org"].data)["Content-Language"] == "fr"
    assert store.delivered_count(ISSUE_ID) == 7


def test_without_https_url_the_unsubscribe_is_a_mailto_everywhere(agora, site, store, smtp,
                                                                   monkeypatch):
    monkeypatch.setenv("AGORA_NEWSLETTER_UNSUBSCRIBE_MAILTO", "stop@jardiniers.example")
    seed(store, 1, langs=("en",))
    assert agora(*send_args(site)).code == 0
    message = parse(smtp.sink.received[0].data)
    token = store.subscribers()[0].token
    mailto = f"mailto:stop@jardiniers.example?subject=unsubscribe%20{token}"
    assert message["List-Unsubscribe"] == f"<{mailto}>"
    assert message["List-Unsubscribe-Post"] is None
    text, html = bodies(message)
    assert f"Unsubscribe: {mailto}" in text and f'href="{mailto}"' in html
    assert text.startswith("Hello Camille 0,")


def test_greeting_is_html_escaped_in_html_only(agora, site, store, smtp):
    store.add("tricky@example.org", name="Léa <b>&</b>", language="fr")
    assert agora(*send_args(site)).code == 0
    text, html = bodies(parse(smtp.sink.received[0].data))
    assert text.startswith("Bonjour Léa <b>&</b>,")
    assert "<p>Bonjour Léa &lt;b&gt;&amp;&lt;/b&gt;,</p>" in html


def test_second_run_sends_nothing_and_says_so(agora, site, store, smtp):
    seed(store, 3)
    assert agora(*send_args(site)).code == 0
    again = agora(*send_args(site))
    assert again.code == 0
    assert "nothing to send: all 3 subscribed address(es) already received issue 2026-11-20" \
        in again.out
    assert len(smtp.sink.received) == 3


def test_new_and_unsubscribed_addresses_between_runs(agora, site, store, smtp):
    first, second = seed(store, 2)
    assert agora(*send_args(site)).code == 0
    store.set_status(store.get(first), "unsubscribed")  # type: ignore[arg-type]
    store.add("newcomer@example.org")
    result = agora(*send_args(site))
    assert "sent 1, already delivered (skipped) 1, failed 0" in result.out
    assert smtp.sink.by_recipient() == {first: 1, second: 1, "newcomer@example.org": 1}


def test_refused_recipient_is_reported_masked_and_retried_next_run(agora, site, store, smtp):
    addresses = seed(store, 5)
    smtp.sink.refuse.add("sub002@example.org")
    result = agora(*send_args(site))
    assert result.code == 1
    assert set(smtp.sink.by_recipient()) == set(addresses) - {"sub002@example.org"}
    assert "sent 4, already delivered (skipped) 0, failed 1" in result.out
    assert "failed: s***@example.org: 550 5.1.1 <s***@example.org>: Recipient address " \
           "rejected: User unknown" in result.out
    assert "sub002" not in result.out + result.err
    [failure] = store.failures(ISSUE_ID)
    assert failure.email == "sub002@example.org" and failure.reason.startswith("550 5.1.1")
    smtp.sink.refuse.clear()
    retry = agora(*send_args(site))
    assert retry.code == 0 and "sent 1, already delivered (skipped) 4, failed 0" in retry.out
    assert smtp.sink.by_recipient()["sub002@example.org"] == 1
    assert store.failures(ISSUE_ID) == []


def test_batches_open_one_connection_each_and_report_progress(agora, site, store, smtp):
    seed(store, 7)
    result = agora(*send_args(site, "--batch-size", "3"))
    assert result.code == 0
    assert len({item.session for item in smtp.sink.received}) == 3
    # Not a terminal: one progress line per batch.
    assert re.findall(r"sending 2026-11-20: \d+/7", result.err) == [
        "sending 2026-11-20: 3/7", "sending 2026-11-20: 6/7", "sending 2026-11-20: 7/7"]


def test_dropped_connection_is_reopened_and_nothing_is_sent_twice(agora, site, store, smtp):
    addresses = seed(store, 6)
    smtp.sink.drop_attempts = {3}
    result = agora(*send_args(site))
    assert result.code == 0, result.err
    assert smtp.sink.by_recipient() == dict.fromkeys(addresses, 1)


def test_server_going_down_stops_the_run_and_a_rerun_completes(agora, site, store, smtp,
                                                                 monkeypatch):
    monkeypatch.setenv("AGORA_SMTP_RETRIES", "0")
    addresses = seed(store, 8)
    smtp.sink.down_after = 3
    stopped = agora(*send_args(site))
    assert stopped.code == 1
    assert "stopped: the SMTP connection kept failing (421 4.3.2" in stopped.err
    assert "run again to continue" in stopped.err
    assert "sent 3, already delivered (skipped) 0, failed 0" in stopped.out
    assert store.delivered_count(ISSUE_ID) == 3
    smtp.sink.down_after = None
    resumed = agora(*send_args(site))
    assert resumed.code == 0 and "sent 5, already delivered (skipped) 3" in resumed.out
    assert smtp.sink.by_recipient() == dict.fromkeys(addresses, 1)


def test_reconnect_waits_are_bounded_and_injectable(site, store, smtp, env):
    seed(store, 2)
    sleeps: list[float] = []
    issue = load_issue(site, ISSUE_ID)
    settings = SmtpSettings.from_env({**env, "AGORA_SMTP_PORT": str(smtp.port + 0)})
    with run_smtp(SmtpSink()) as other:
        port = other.port
    # ``other`` is stopped: every connection attempt is refused.
    transport = SmtpTransport(SmtpSettings(settings.host, port, "none", timeout=2))
    sender = IssueSender(issue, store, SenderSettings.from_env(env), transport,
                         reconnect_attempts=3, backoff=0.5, sleep=sleeps.append)
    with pytest.raises(DeliveryError, match=r"AGORA_SMTP_HOST: expected a reachable SMTP "
                                            r"server, found cannot connect to 127\.0\.0\.1"):
        sender.run()
    assert sleeps == [0.5, 1.0, 2.0]
    assert store.delivered_count(ISSUE_ID) == 0


def test_rate_limit_spaces_messages(site, store, smtp, env):
    seed(store, 5)
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    issue = load_issue(site, ISSUE_ID)
    sender = IssueSender(issue, store, SenderSettings.from_env(env),
                         SmtpTransport(SmtpSettings.from_env(env)), rate=2.0,
                         monotonic=lambda: now[0], sleep=sleep)
    report = sender.run()
    assert report.sent == 5
    assert sleeps == [0.5, 0.5, 0.5, 0.5]  # 2 messages per second, never a burst


@pytest.mark.parametrize(("drop", "variable"), [
    ("AGORA_SMTP_HOST", "AGORA_SMTP_HOST"),
    ("AGORA_NEWSLETTER_FROM", "AGORA_NEWSLETTER_FROM"),
])
def test_missing_settings_stop_before_the_first_message(agora, site, store, smtp, monkeypatch,
                                                        drop, variable):
    seed(store, 3)
    monkeypatch.delenv(drop)
    result = agora(*send_args(site))
    assert result.code == 1
    assert f"{variable}: expected" in result.err
    assert smtp.sink.received == [] and store.delivered_count(ISSUE_ID) == 0


@pytest.mark.parametrize(("values", "message"), [
    ({"AGORA_SMTP_PORT": "smtp"}, "AGORA_SMTP_PORT: expected a port number between 1 and "
                                  "65535, found 'smtp'"),
    ({"AGORA_SMTP_SECURITY": "tls"}, "AGORA_SMTP_SECURITY: expected one of none, starttls, "
                                     "ssl, found 'tls'"),
    ({"AGORA_SMTP_PASSWORD": SMTP_PASSWORD}, "AGORA_SMTP_USER: expected the login that goes "
                                             "with AGORA_SMTP_PASSWORD, found nothing"),
    ({"AGORA_SMTP_USER": SMTP_USER}, "AGORA_SMTP_PASSWORD: expected the password of "
                                     "AGORA_SMTP_USER, found nothing"),
    ({"AGORA_SMTP_HOST": "smtp.example.org", "AGORA_SMTP_USER": SMTP_USER,
      "AGORA_SMTP_PASSWORD": SMTP_PASSWORD},
     "AGORA_SMTP_SECURITY: expected starttls or ssl when a password is sent to "
     "smtp.example.org (it would cross the network unencrypted), found 'none'"),
    ({"AGORA_NEWSLETTER_RATE": "fast"}, "AGORA_NEWSLETTER_RATE: expected a number of "
                                        "messages per second above 0, like 2, found 'fast'"),
    ({"AGORA_NEWSLETTER_UNSUBSCRIBE_URL": "http://x.example/u"},
     "AGORA_NEWSLETTER_UNSUBSCRIBE_URL: expected an https URL containing {token}"),
])
def test_invalid_settings_are_named(agora, site, store, smtp, monkeypatch, values, message):
    seed(store, 2)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    result = agora(*send_args(site))
    assert result.code == 1
    assert message in result.err
    assert SMTP_PASSWORD not in result.err + result.out
    assert smtp.sink.received == []


@PLAIN_AUTH_OK
def test_login_over_plain_smtp_on_loopback(agora, site, store, monkeypatch):
    seed(store, 2)
    sink = SmtpSink()
    with run_smtp(sink, authenticator=authenticator(), auth_required=True,
                  auth_require_tls=False) as server:
        monkeypatch.setenv("AGORA_SMTP_PORT", str(server.port))
        monkeypatch.setenv("AGORA_SMTP_USER", SMTP_USER)
        monkeypatch.setenv("AGORA_SMTP_PASSWORD", SMTP_PASSWORD)
        result = agora(*send_args(site))
        assert result.code == 0, result.err
        assert len(sink.received) == 2
        monkeypatch.setenv("AGORA_SMTP_PASSWORD", "wrong")
        store.add("late@example.org")
        refused = agora(*send_args(site))
    assert refused.code == 1
    assert ("AGORA_SMTP_USER / AGORA_SMTP_PASSWORD: expected credentials 127.0.0.1:"
            in refused.err)
    assert "535 5.7.8 Authentication credentials invalid" in refused.err
    assert len(sink.received) == 2


def test_not_a_terminal_requires_yes(agora, site, store, smtp):
    seed(store, 2)
    result = agora(*SEND, "--output", str(site))
    assert result.code == 2
    assert "not a terminal: pass --yes to send issue 2026-11-20 to 2 subscribers" in result.err
    assert smtp.sink.received == []


def test_terminal_confirmation(monkeypatch, capsys):
    import io  # noqa: PLC0415

    from agora.newsletter.cli import confirm  # noqa: PLC0415

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert confirm("Send issue X to 3 subscribers?", assume_yes=False, stdin=Tty("y\n"))
    assert not confirm("Send issue X to 3 subscribers?", assume_yes=False, stdin=Tty("\n"))
    assert "Send issue X to 3 subscribers? [y/N]" in capsys.readouterr().err
    assert confirm("?", assume_yes=False, stdin=io.StringIO("y\n")) is None


def test_changed_issue_is_refused_after_a_partial_send(agora, site, store, smtp):
    seed(store, 4)
    smtp.sink.refuse.update({"sub002@example.org", "sub003@example.org"})
    assert agora(*send_args(site)).code == 1  # 2 delivered, 2 refused
    write_issue(site, extra=" Erratum.")
    result = agora(*send_args(site))
    assert result.code == 1
    assert ("issue 2026-11-20 changed since it was first sent on 2026-11-20T10:00:00+01:00 "
            "(edition en, fr differs); an issue never changes once sent") in result.err
    assert len(smtp.sink.received) == 2


def test_content_may_change_while_nothing_was_delivered(site, store, env):
    issue = load_issue(site, ISSUE_ID)
    store.begin_issue(issue.id, issue.content_sha256(), issue.content_hashes())
    write_issue(site, extra=" Corrigé.")
    fixed = load_issue(site, ISSUE_ID)
    store.begin_issue(fixed.id, fixed.content_sha256(), fixed.content_hashes())
    store.add("a@example.org")
    store.record_delivery(fixed.id, "a@example.org", "fr", "<x@y>")
    with pytest.raises(IssueChangedError):
        store.begin_issue(issue.id, issue.content_sha256(), issue.content_hashes())


def test_dry_run_writes_parseable_eml_and_records_nothing(agora, site, store, smtp, tmp_path):
    seed(store, 4)
    folder = tmp_path / "preview"
    result = agora(*send_args(site, "--dry-run", str(folder)))
    assert result.code == 0, result.err
    assert "4 message(s) written" in result.out
    files = sorted(folder.glob("*.eml"))
    assert [f.name for f in files] == ["0001-fr.eml", "0002-en.eml", "0003-fr.eml",
                                       "0004-fr.eml"]
    for file in files:
        message = parse(file.read_bytes())
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain",
                                                                        "text/html"]
        assert file.stat().st_mode & 0o077 == 0
    assert smtp.sink.received == [] and store.delivered_count(ISSUE_ID) == 0
    assert agora(*send_args(site, "--dry-run", str(folder))).code == 1  # no mixing


def test_test_copy_goes_to_one_address_and_is_recorded_nowhere(agora, site, store, smtp):
    seed(store, 3)
    result = agora(*send_args(site, "--test", "editor@example.org"))
    assert result.code == 0, result.err
    assert "test copies of issue 2026-11-20 (en, fr) sent to editor@example.org" in result.out
    assert [item.rcpt_tos for item in smtp.sink.received] == [["editor@example.org"]] * 2
    assert {parse(i.data)["Content-Language"] for i in smtp.sink.received} == {"en", "fr"}
    only_en = agora(*send_args(site, "--test", "editor@example.org", "--lang", "en"))
    assert only_en.code == 0 and len(smtp.sink.received) == 3
    assert store.delivered_count(ISSUE_ID) == 0
    with NewsletterStore(store.path) as again:
        assert len(again.pending(ISSUE_ID)) == 3


def test_unknown_issue_lists_the_built_ones(agora, site, env):
    result = agora("newsletter", "send", "2026-12-01", "--output", str(site), "--yes")
    assert result.code == 1
    assert "expected the built issue 2026-12-01 (run the site build first), found no such " \
           "file (built issues: 2026-11-20)" in result.err


def test_progress_updates_one_line_on_a_terminal():
    import io  # noqa: PLC0415

    from agora.newsletter.cli import SendProgress  # noqa: PLC0415

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = SendProgress(ISSUE_ID, stream)
    for done in range(1, 4):
        progress(done, 3, done == 2)
    progress.close()
    assert stream.getvalue() == ("\r\033[Ksending 2026-11-20: 1/3\r\033[Ksending 2026-11-20: 2/3"
                                 "\r\033[Ksending 2026-11-20: 3/3\r\033[K")


def test_status_shows_deliveries_and_masked_failures(agora, site, store, smtp):
    seed(store, 3)
    smtp.sink.refuse.add("sub001@example.org")
    agora(*send_args(site))
    result = agora("newsletter", "status", ISSUE_ID)
    assert result.code == 0
    assert "issue 2026-11-20: delivered 2, still to send 1, failed last time 1" in result.out
    assert "failed: s***@example.org: 550 5.1.1 <s***@example.org>" in result.out
    assert "sub001" not in result.out


def test_interrupting_keeps_what_was_delivered(site, store, env, monkeypatch, capsys):
    from agora.newsletter import cli  # noqa: PLC0415

    seed(store, 4)
    calls = []

    class Interrupting:
        def open(self) -> None: ...
        def close(self) -> None: ...

        def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
            calls.append(recipient)
            if len(calls) == 3:
                raise KeyboardInterrupt

    issue = load_issue(site, ISSUE_ID)
    run = IssueSender(issue, store, SenderSettings.from_env(env), Interrupting(), rate=1000)
    assert cli._run_sender(run, cli.SendProgress(ISSUE_ID)) == 130
    captured = capsys.readouterr()
    assert "sent 2, already delivered (skipped) 0, failed 0" in captured.out
    assert "interrupted; deliveries so far are recorded, run again to continue" in captured.err
    assert store.delivered_count(ISSUE_ID) == 2


def test_unsubscribed_during_the_run_is_not_sent_to(site, store, smtp, env):
    addresses = seed(store, 4)
    sent: list[str] = []
    transport = SmtpTransport(SmtpSettings.from_env(env))
    original = transport.send

    def send_and_unsubscribe_the_last(envelope_from: str, recipient: str, data: bytes) -> None:
        original(envelope_from, recipient, data)
        sent.append(recipient)
        if len(sent) == 1:  # another process handles an unsubscribe meanwhile
            with NewsletterStore(store.path) as other:
                other.set_status(other.get(addresses[-1]), "unsubscribed")  # type: ignore[arg-type]

    transport.send = send_and_unsubscribe_the_last  # type: ignore[method-assign]
    issue = load_issue(site, ISSUE_ID)
    report = IssueSender(issue, store, SenderSettings.from_env(env), transport, rate=1000).run()
    assert (report.sent, report.left_meanwhile) == (3, 1)
    assert "1 address(es) unsubscribed during the run were not sent to" in report.summary()
    assert set(smtp.sink.by_recipient()) == set(addresses[:3])
