"""One e-mail per subscriber, built from an edition of a built issue.

``multipart/alternative``: the text part first, then the HTML (clients show
the last part they can render, so the richer one goes last), both UTF-8 with
the transfer encoding the ``email`` package picks. Headers: From, To,
Subject, Date (from the clock), Message-ID (on the sender's domain), List-Id,
List-Unsubscribe (always a ``mailto:``; an https URL too when
``AGORA_NEWSLETTER_UNSUBSCRIBE_URL`` is set, then also
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, RFC 8058) and
Content-Language.

The body markers ``%%GREETING%%`` and ``%%UNSUBSCRIBE_URL%%`` are replaced per
subscriber -- HTML-escaped in the HTML part, since a name may contain ``<`` or
``&`` and a URL contains ``&``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from agora.newsletter.config import SenderSettings
from agora.newsletter.issue_files import (
    GREETING_MARKER,
    UNSUBSCRIBE_MARKER,
    BuiltIssue,
    Edition,
)
from agora.newsletter.languages import greeting
from agora.newsletter.privacy import mask_address

#: How messages are serialized for SMTP and .eml files: CRLF line ends, 78-column
#: folding, and headers stored raw (List-Unsubscribe) kept exactly as written --
#: refolding would turn a long URL into an RFC 2047 encoded-word no client reads.
WIRE_POLICY = policy.SMTP.clone(refold_source="none")


@dataclass(frozen=True)
class Recipient:
    """Who a message is for; ``repr`` masks the address and hides the token."""

    email: str
    name: str
    token: str

    def __repr__(self) -> str:
        return f"Recipient({mask_address(self.email)!r})"


@dataclass(frozen=True)
class UnsubscribeLinks:
    mailto: str
    https: str = ""

    @property
    def preferred(self) -> str:
        """What the body's unsubscribe link points to: one click beats writing an e-mail."""
        return self.https or self.mailto

    def header(self) -> str:
        """The List-Unsubscribe value, folded between the links (URLs are never split)."""
        # RFC 2369: clients use the first method they support, so one-click comes first.
        links = [self.https, self.mailto] if self.https else [self.mailto]
        return ",\r\n ".join(f"<{link}>" for link in links)


def unsubscribe_links(sender: SenderSettings, token: str) -> UnsubscribeLinks:
    safe_token = quote(token, safe="")
    mailto = f"mailto:{sender.unsubscribe_mailto}?subject=unsubscribe%20{safe_token}"
    https = sender.unsubscribe_url.replace("{token}", safe_token) if sender.unsubscribe_url \
        else ""
    return UnsubscribeLinks(mailto, https)


def personalize(edition: Edition, recipient: Recipient, link: str) -> tuple[str, str]:
    """The edition's (text, html) with the greeting and unsubscribe link of ``recipient``."""
    hello = greeting(edition.lang, recipient.name)
    text = edition.text.replace(GREETING_MARKER, hello).replace(UNSUBSCRIBE_MARKER, link)
    body = edition.html.replace(GREETING_MARKER, html.escape(hello, quote=False))
    body = body.replace(UNSUBSCRIBE_MARKER, html.escape(link, quote=True))
    return text, body


def list_id(issue: BuiltIssue, sender: SenderSettings) -> str:
    """``"Les Jardiniers" <newsletter.jardiniers.example>`` (RFC 2919)."""
    phrase = " ".join((issue.site_name or sender.from_name).split())
    identifier = f"<newsletter.{issue.host}>"
    if not phrase:
        return identifier
    escaped = phrase.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}" {identifier}'


def build_message(issue: BuiltIssue, edition: Edition, recipient: Recipient,
                  sender: SenderSettings, *, now: datetime,
                  message_id: str | None = None) -> EmailMessage:
    """The message ``recipient`` receives for ``edition`` (see the module docstring)."""
    links = unsubscribe_links(sender, recipient.token)
    text, body = personalize(edition, recipient, links.preferred)
    message = EmailMessage(policy=policy.default)
    message["From"] = Address(display_name=sender.from_name, addr_spec=sender.from_address)
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
    message["Subject"] = edition.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    message["List-Id"] = list_id(issue, sender)
    # Raw, pre-folded: the values are ASCII we built (token, checked address and URL).
    message.set_raw("List-Unsubscribe", links.header())
    if links.https:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(body, subtype="html", charset="utf-8")
    # After the parts exist: making the message multipart moves Content-* headers
    # set earlier into the first part.
    message["Content-Language"] = edition.lang
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as sent over SMTP and written to .eml files."""
    return message.as_bytes(policy=WIRE_POLICY)
