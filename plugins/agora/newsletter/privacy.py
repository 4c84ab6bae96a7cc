"""Addresses and secrets kept out of logs, messages and files.

Subscribers' addresses are personal data: every message the tools print shows
them masked (``c***@example.org``), except where the operator asked for them
(``subscribers list`` / ``export``, the ``--test`` target). Secrets (SMTP
password, listmonk token) are never printed; text that may echo them -- a
server's reply, an exception from smtplib or requests -- goes through a
:class:`Redactor` first.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from email.utils import parseaddr

#: A deliberately simple ``local@domain.tld`` check (no DNS): ASCII local part
#: without spaces or angle brackets, dotted domain ending in letters.
ADDRESS_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$"
)
#: Addresses inside free text (server replies), for masking.
_ADDRESS_IN_TEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}")
REDACTED = "[redacted]"


def normalize_address(value: str) -> str | None:
    """The lower-cased bare address of ``value``, or None when it is not a plausible one.

    ``parseaddr`` accepts ``Name <addr>`` forms and garbage alike; the regex
    then decides. Lower-casing the whole address is what makes the unique
    constraint case-insensitive (real mailboxes are case-insensitive too).
    """
    text = (value or "").strip()
    if not text or "\n" in text or "\r" in text:
        return None
    _name, address = parseaddr(text)
    if address != text and f"<{address}>" not in text:
        return None
    address = address.strip().lower()
    if len(address) > 254 or ".." in address or not ADDRESS_RE.match(address):
        return None
    local = address.split("@", 1)[0]
    if local.startswith(".") or local.endswith(".") or len(local) > 64:
        return None
    return address


def mask_address(address: str) -> str:
    """``camille@example.org`` -> ``c***@example.org`` (domain kept: it helps diagnose)."""
    local, at, domain = address.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_addresses(text: str) -> str:
    """Every address in ``text`` masked."""
    return _ADDRESS_IN_TEXT.sub(lambda m: mask_address(m.group(0)), text)


class Redactor:
    """Replaces known secrets (and the encodings SMTP AUTH uses for them) in text.

    A server reply or an exception may quote what the client sent: AUTH PLAIN
    sends ``base64("\\0user\\0password")`` and AUTH LOGIN ``base64(password)``,
    so those forms are redacted as well as the secret itself.
    """

    def __init__(self, secrets: Iterable[str] = (), *, user: str = ""):
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            forms.add(secret)
            forms.add(base64.b64encode(secret.encode()).decode())
            if user:
                plain = f"\0{user}\0{secret}".encode()
                forms.add(base64.b64encode(plain).decode())
        # Longest first, so a secret inside a longer encoded form is not half-replaced.
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: object) -> str:
        """``text`` as a string without secrets and with addresses masked."""
        cleaned = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        for form in self._forms:
            cleaned = cleaned.replace(form, REDACTED)
        return mask_addresses(cleaned)

    def __repr__(self) -> str:
        return f"Redactor({len(self._forms)} forms)"
