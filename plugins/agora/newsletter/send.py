"""Send a built issue over SMTP, to each subscribed address exactly once.

How "exactly once" is kept:

* one message per subscriber and SMTP transaction; the moment ``sendmail``
  returns without refusing the recipient, the delivery is committed to the
  database in its own transaction (``synchronous=FULL``), before the next
  message starts;
* a run only sends to subscribed addresses WITHOUT a delivery row, so a re-run
  after a crash, a kill or a server failure continues where the last one
  stopped, and a complete run makes the next one send nothing;
* a lock file makes a second concurrent run with the same database fail
  instead of racing the first;
* the issue's content hash is recorded at the first send and a changed issue
  is refused once anything was delivered (:meth:`NewsletterStore.begin_issue`).

The one window SMTP itself leaves open: if the process dies (or the
connection drops) after the server accepted a message but before the commit
-- a few milliseconds -- that message is sent again on the next run. No
client can close it without the server's help; the retried message keeps
its Message-ID, so clients that deduplicate by it show it once.

Refused recipients (5xx or 4xx for that message) are recorded in
``failures`` with the server's (redacted) reason, and the run goes on; they
are retried on the next run. A lost connection is reopened with a small
bounded number of attempts; after that the run stops, and a re-run resumes.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from agora import clock as agora_clock
from agora.forum.client import RequestBudget
from agora.newsletter.config import (
    ENV_FROM,
    ENV_SMTP_HOST,
    ENV_SMTP_PASSWORD,
    ENV_SMTP_SECURITY,
    ENV_SMTP_USER,
    SenderSettings,
    SmtpSettings,
)
from agora.newsletter.errors import DeliveryError, NewsletterError
from agora.newsletter.issue_files import BuiltIssue
from agora.newsletter.message import Recipient, build_message, wire_bytes
from agora.newsletter.privacy import Redactor, mask_address
from agora.newsletter.store import NewsletterStore, Subscriber

logger = logging.getLogger("agora.newsletter")

#: The unsubscribe token shown in ``--test`` copies (the target may be no subscriber).
TEST_TOKEN = "TEST"


class RecipientRefused(Exception):
    """The server refused this message for this recipient; other messages may go on."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class ConnectionLost(Exception):
    """The connection is gone (or never came): reconnecting may help."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class Transport(Protocol):
    """What the sender needs from a mail server connection (tests may fake it)."""

    def open(self) -> None: ...

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- SMTP


class SmtpTransport:
    """One SMTP connection at a time, with every smtplib error turned into a typed one.

    smtplib's exceptions carry the server's replies, which may quote what was
    sent -- credentials included -- so every reason passes the redactor.
    """

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None):
        self.settings = settings
        self._redact: Redactor = settings.redactor()
        self._context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:
        return (f"SmtpTransport({self.settings.host}:{self.settings.port}, "
                f"{self.settings.security}, {'login' if self.settings.user else 'anonymous'})")

    def _reply(self, code: int, text: bytes | str) -> str:
        reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        return self._redact(f"{code} {reply}".strip())

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = self._context or ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        smtp.ehlo()
        if s.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def open(self) -> None:
        """Connect (TLS and login as configured); fatal problems raise DeliveryError."""
        self.close()
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            self._smtp = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{ENV_SMTP_USER} / {ENV_SMTP_PASSWORD}: expected credentials {where} accepts, "
                f"found a refusal ({self._reply(exc.smtp_code, exc.smtp_error)})") from None
        except smtplib.SMTPNotSupportedError as exc:
            if "AUTH" in str(exc):
                raise DeliveryError(f"{ENV_SMTP_USER}: expected {where} to offer a login "
                                    "(SMTP AUTH), found none (servers often offer it only "
                                    f"over TLS: see {ENV_SMTP_SECURITY})") from None
            raise DeliveryError(f"{ENV_SMTP_SECURITY}: expected {where} to offer STARTTLS, "
                                "found none (try ssl)") from None
        except ssl.SSLError as exc:
            raise DeliveryError(f"{ENV_SMTP_SECURITY}: expected a TLS connection to {where} "
                                f"with a valid certificate, found {self._redact(exc)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ConnectionLost(f"cannot connect to {where}: "
                                 f"{self._redact(exc) or type(exc).__name__}") from None

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        if self._smtp is None:
            raise ConnectionLost("not connected")
        try:
            refused = self._smtp.sendmail(envelope_from, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (0, b"refused"))
            if code == 421:
                raise ConnectionLost(self._reply(code, text)) from None
            raise RecipientRefused(self._reply(code, text)) from None
        except smtplib.SMTPSenderRefused as exc:
            if exc.smtp_code == 421:
                raise ConnectionLost(self._reply(exc.smtp_code, exc.smtp_error)) from None
            raise DeliveryError(f"{ENV_FROM}: expected a sender the server accepts, found "
                                f"a refusal ({self._reply(exc.smtp_code, exc.smtp_error)})"
                                ) from None
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code == 421:
                raise ConnectionLost(self._reply(exc.smtp_code, exc.smtp_error)) from None
            raise RecipientRefused(self._reply(exc.smtp_code, exc.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise ConnectionLost(self._redact(exc) or type(exc).__name__) from None
        if refused:
            code, text = refused.get(recipient, (0, b"refused"))
            raise RecipientRefused(self._reply(code, text))

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        """QUIT politely when possible; never raises."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self._drop()


# --------------------------------------------------------------------------- report


@dataclass
class SendReport:
    """What a run did. Addresses in ``failed`` are masked."""

    issue_id: str
    to_send: int = 0
    already_delivered: int = 0
    sent: int = 0
    #: Addresses unsubscribed (elsewhere) after the run started, so not sent to.
    left_meanwhile: int = 0
    #: (masked address, reason) of each recipient refused during this run.
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"issue {self.issue_id}: sent {self.sent}, already delivered (skipped) "
                 f"{self.already_delivered}, failed {len(self.failed)}"]
        if self.left_meanwhile:
            lines.append(f"  {self.left_meanwhile} address(es) unsubscribed during the run "
                         "were not sent to")
        lines += [f"  failed: {address}: {reason}" for address, reason in self.failed]
        if self.failed:
            lines.append("  (failed addresses are tried again on the next run)")
        return "\n".join(lines)


#: ``progress(done, total, end_of_batch)``: called after every message.
Progress = Callable[[int, int, bool], None]


def _batches(items: Sequence[Subscriber], size: int) -> Iterator[Sequence[Subscriber]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --------------------------------------------------------------------------- sender


class IssueSender:
    """Sends one built issue to the pending subscribers of a store (module docstring)."""

    def __init__(
        self,
        issue: BuiltIssue,
        store: NewsletterStore,
        sender: SenderSettings,
        transport: Transport,
        *,
        rate: float = 2.0,
        batch_size: int = 50,
        reconnect_attempts: int = 3,
        backoff: float = 1.0,
        clock: Callable[[], datetime] = agora_clock.now,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        progress: Progress | None = None,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size: expected 1 or more, found {batch_size!r}")
        self.issue = issue
        self.store = store
        self.sender = sender
        self.transport = transport
        self.budget = RequestBudget(rate, monotonic, sleep)
        self.batch_size = batch_size
        self.reconnect_attempts = reconnect_attempts
        self.backoff = backoff
        self._clock = clock
        self._sleep = sleep
        self._progress = progress
        self.report = SendReport(issue.id)

    def pending(self) -> list[Subscriber]:
        return self.store.pending(self.issue.id)

    def run(self) -> SendReport:
        """Send to every pending subscriber; the report also says what was skipped."""
        with self.store.send_lock():
            self.store.begin_issue(self.issue.id, self.issue.content_sha256(),
                                   self.issue.content_hashes(), "smtp")
            pending = self.pending()
            self.report.to_send = len(pending)
            self.report.already_delivered = self.store.delivered_count(
                self.issue.id, subscribed_only=True)
            done = 0
            for batch in _batches(pending, self.batch_size):
                self._open()
                try:
                    for number, subscriber in enumerate(batch, 1):
                        self._deliver(subscriber)
                        done += 1
                        if self._progress:
                            self._progress(done, len(pending), number == len(batch))
                finally:
                    self.transport.close()
        return self.report

    def _open(self) -> None:
        """Connect, retrying a few times with growing waits (a server restarting)."""
        for attempt in range(self.reconnect_attempts + 1):
            try:
                self.transport.open()
                return
            except ConnectionLost as exc:
                if attempt == self.reconnect_attempts:
                    raise DeliveryError(
                        f"{ENV_SMTP_HOST}: expected a reachable SMTP server, found "
                        f"{exc.reason} after {attempt + 1} attempts; deliveries so far "
                        f"are recorded, run again to continue") from None
                wait = self.backoff * (2 ** attempt)
                logger.info("newsletter: %s; retrying in %.1f s", exc.reason, wait)
                self._sleep(wait)

    def _deliver(self, subscriber: Subscriber) -> None:
        current = self.store.get(subscriber.email)
        if current is None or current.status != "subscribed":
            # Unsubscribed while this run was going: the list was read when it started.
            self.report.left_meanwhile += 1
            return
        edition = self.issue.edition_for(subscriber.language)
        recipient = Recipient(subscriber.email, subscriber.name, subscriber.token)
        message = build_message(self.issue, edition, recipient, self.sender, now=self._clock())
        data = wire_bytes(message)
        for attempt in range(self.reconnect_attempts + 1):
            self.budget.acquire()
            try:
                self.transport.send(self.sender.from_address, subscriber.email, data)
            except RecipientRefused as exc:
                self._refused(subscriber, exc.reason)
                return
            except ConnectionLost as exc:
                if attempt == self.reconnect_attempts:
                    raise DeliveryError(
                        f"the SMTP connection kept failing ({exc.reason}); deliveries so far "
                        "are recorded, run again to continue") from None
                logger.info("newsletter: connection lost (%s); reconnecting", exc.reason)
                self._open()
                continue
            self.store.record_delivery(self.issue.id, subscriber.email, edition.lang,
                                       str(message["Message-ID"]))
            self.report.sent += 1
            return

    def _refused(self, subscriber: Subscriber, reason: str) -> None:
        masked = mask_address(subscriber.email)
        logger.warning("newsletter: %s refused by the server: %s", masked, reason)
        self.store.record_failure(self.issue.id, subscriber.email, reason)
        self.report.failed.append((masked, reason))


# --------------------------------------------------------------------------- dry run, test


def write_dry_run(issue: BuiltIssue, subscribers: Sequence[Subscriber],
                  sender: SenderSettings, folder: Path, *,
                  clock: Callable[[], datetime] = agora_clock.now) -> list[Path]:
    """Write the message each subscriber would get as ``NNNN-<lang>.eml``; send nothing.

    File names carry no address (the folder may be shared to review the issue);
    the files are private to their owner, since each holds an address and token.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.eml")):
        raise NewsletterError(f"--dry-run {folder}: expected a folder without .eml files "
                              "(a previous dry run would mix with this one), found some")
    written = []
    for number, subscriber in enumerate(subscribers, 1):
        edition = issue.edition_for(subscriber.language)
        recipient = Recipient(subscriber.email, subscriber.name, subscriber.token)
        message = build_message(issue, edition, recipient, sender, now=clock())
        path = folder / f"{number:04d}-{edition.lang}.eml"
        path.touch(mode=0o600)
        path.write_bytes(wire_bytes(message))
        written.append(path)
    return written


def send_test(issue: BuiltIssue, address: str, sender: SenderSettings, transport: Transport,
              languages: Sequence[str] = (), *,
              clock: Callable[[], datetime] = agora_clock.now) -> list[str]:
    """Send one copy of each edition (or of ``languages``) to ``address``; record nothing.

    The copy greets without a name and carries a placeholder unsubscribe token.
    """
    editions = [issue.editions[lang] for lang in (languages or sorted(issue.editions))]
    transport.open()
    try:
        for edition in editions:
            message = build_message(issue, edition, Recipient(address, "", TEST_TOKEN), sender,
                                    now=clock())
            try:
                transport.send(sender.from_address, address, wire_bytes(message))
            except (RecipientRefused, ConnectionLost) as exc:
                raise DeliveryError(f"the test copy ({edition.lang}) to {address} failed: "
                                    f"{exc.reason}") from None
    finally:
        transport.close()
    return [edition.lang for edition in editions]
