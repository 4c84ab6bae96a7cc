"""Delivery settings, read ONLY from the environment (never from files in the repository).

Sending needs secrets (an SMTP password, a listmonk token); keeping every
delivery setting in the environment means none of them can be committed with
the site's settings by accident. Each reader checks everything before anything
is sent and raises :class:`ConfigError` naming the variable -- and never
showing the value of a secret.

========================================  ==============================================
``AGORA_NEWSLETTER_FROM``                 sender, ``Les Jardiniers <lettre@example.org>``
``AGORA_NEWSLETTER_UNSUBSCRIBE_MAILTO``   address of ``mailto:`` unsubscribes (default: From)
``AGORA_NEWSLETTER_UNSUBSCRIBE_URL``      https URL template with ``{token}`` (optional)
``AGORA_NEWSLETTER_RATE``                 messages per second (default 2)
``AGORA_SMTP_HOST``                       SMTP server (required for SMTP sends)
``AGORA_SMTP_PORT``                       default 25 / 587 / 465 by security
``AGORA_SMTP_SECURITY``                   ``none``, ``starttls`` (default) or ``ssl``
``AGORA_SMTP_USER``                       login (with ``AGORA_SMTP_PASSWORD``), optional
``AGORA_SMTP_PASSWORD``                   secret, never shown
``AGORA_SMTP_TIMEOUT``                    seconds per SMTP operation (default 30)
``AGORA_SMTP_RETRIES``                    reconnections after a lost connection (default 3)
``AGORA_LISTMONK_URL``                    listmonk base URL (``--via listmonk``)
``AGORA_LISTMONK_USER``                   listmonk API user
``AGORA_LISTMONK_TOKEN``                  listmonk API token, secret, never shown
``AGORA_LISTMONK_LISTS``                  list ids: ``3,4`` or per language ``fr:3,en:4``
``AGORA_LISTMONK_AUTH``                   ``token`` (default, listmonk >= 4) or ``basic``
========================================  ==============================================

``AGORA_NEWSLETTER_DB`` (the subscribers database) is read by
:mod:`agora.newsletter.store`.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import urlsplit

from agora.newsletter.errors import ConfigError
from agora.newsletter.languages import normalize_language
from agora.newsletter.privacy import Redactor, normalize_address

ENV_FROM = "AGORA_NEWSLETTER_FROM"
ENV_UNSUBSCRIBE_MAILTO = "AGORA_NEWSLETTER_UNSUBSCRIBE_MAILTO"
ENV_UNSUBSCRIBE_URL = "AGORA_NEWSLETTER_UNSUBSCRIBE_URL"
ENV_RATE = "AGORA_NEWSLETTER_RATE"
ENV_SMTP_HOST = "AGORA_SMTP_HOST"
ENV_SMTP_PORT = "AGORA_SMTP_PORT"
ENV_SMTP_SECURITY = "AGORA_SMTP_SECURITY"
ENV_SMTP_USER = "AGORA_SMTP_USER"
ENV_SMTP_PASSWORD = "AGORA_SMTP_PASSWORD"
ENV_SMTP_TIMEOUT = "AGORA_SMTP_TIMEOUT"
ENV_SMTP_RETRIES = "AGORA_SMTP_RETRIES"
ENV_LISTMONK_URL = "AGORA_LISTMONK_URL"
ENV_LISTMONK_USER = "AGORA_LISTMONK_USER"
ENV_LISTMONK_TOKEN = "AGORA_LISTMONK_TOKEN"
ENV_LISTMONK_LISTS = "AGORA_LISTMONK_LISTS"
ENV_LISTMONK_AUTH = "AGORA_LISTMONK_AUTH"

DEFAULT_RATE = 2.0
SECURITIES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
HIDDEN = "(a value, hidden)"

Environ = Mapping[str, str]


def _env(environ: Environ | None) -> Environ:
    return os.environ if environ is None else environ


def _get(environ: Environ, name: str) -> str:
    return (environ.get(name) or "").strip()


@dataclass(frozen=True)
class SenderSettings:
    """Who the newsletter comes from and how subscribers leave it."""

    from_name: str
    from_address: str
    unsubscribe_mailto: str
    unsubscribe_url: str = ""

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2]

    @property
    def display(self) -> str:
        """``Name <address>`` unencoded, as listmonk's ``from_email`` takes it."""
        return f"{self.from_name} <{self.from_address}>" if self.from_name \
            else self.from_address

    @classmethod
    def from_env(cls, environ: Environ | None = None) -> SenderSettings:
        env = _env(environ)
        raw_from = _get(env, ENV_FROM)
        if not raw_from:
            raise ConfigError(ENV_FROM, "the sender, like 'Les Jardiniers <lettre@example.org>'",
                              "nothing")
        name, address = parseaddr(raw_from)
        normalized = normalize_address(address) if address else None
        if not normalized or "\n" in raw_from or "\r" in raw_from:
            raise ConfigError(ENV_FROM, "the sender, like 'Les Jardiniers <lettre@example.org>'",
                              repr(raw_from))
        mailto = _get(env, ENV_UNSUBSCRIBE_MAILTO) or normalized
        mailto_address = normalize_address(mailto)
        if not mailto_address:
            raise ConfigError(ENV_UNSUBSCRIBE_MAILTO, "an address like desabonnement@example.org",
                              repr(mailto))
        return cls(name.strip(), normalized, mailto_address,
                   _unsubscribe_url(_get(env, ENV_UNSUBSCRIBE_URL)))


def _unsubscribe_url(template: str) -> str:
    if not template:
        return ""
    parts = urlsplit(template.replace("{token}", "TOKEN"))
    # The URL goes verbatim into a header: printable ASCII only, no spaces.
    printable = template.isascii() and template.isprintable() and " " not in template
    if (parts.scheme != "https" or not parts.hostname or "{token}" not in template
            or not printable):
        raise ConfigError(ENV_UNSUBSCRIBE_URL, "an https URL containing {token}, like "
                          "https://example.org/unsubscribe?t={token}", repr(template))
    return template


def rate_from_env(environ: Environ | None = None, override: float | None = None) -> float:
    """Messages per second: ``--rate``, else ``AGORA_NEWSLETTER_RATE``, else 2."""
    if override is not None:
        if not override > 0:
            raise ConfigError("--rate", "a number of messages per second above 0", repr(override))
        return float(override)
    raw = _get(_env(environ), ENV_RATE)
    if not raw:
        return DEFAULT_RATE
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not rate > 0 or rate != rate or rate == float("inf"):
        raise ConfigError(ENV_RATE, "a number of messages per second above 0, like 2",
                          repr(raw))
    return rate


def retries_from_env(environ: Environ | None = None) -> int:
    """Reconnection attempts after a lost SMTP connection (``AGORA_SMTP_RETRIES``, default 3)."""
    raw = _get(_env(environ), ENV_SMTP_RETRIES)
    if not raw:
        return 3
    if not raw.isdigit() or int(raw) > 10:
        raise ConfigError(ENV_SMTP_RETRIES, "a whole number between 0 and 10", repr(raw))
    return int(raw)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (where an unencrypted login cannot be sniffed)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server; ``repr`` never shows the password."""

    host: str
    port: int
    security: str
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0

    def redactor(self) -> Redactor:
        """Redacts the password (and its AUTH encodings) from server replies and errors."""
        return Redactor([self.password], user=self.user)

    @classmethod
    def from_env(cls, environ: Environ | None = None) -> SmtpSettings:
        env = _env(environ)
        host = _get(env, ENV_SMTP_HOST)
        if not host or any(c.isspace() for c in host) or "/" in host:
            raise ConfigError(ENV_SMTP_HOST, "the SMTP server's host name, like smtp.example.org",
                              repr(host) if host else "nothing")
        security = _get(env, ENV_SMTP_SECURITY).lower() or "starttls"
        if security not in SECURITIES:
            raise ConfigError(ENV_SMTP_SECURITY, "one of none, starttls, ssl", repr(security))
        port = _port(_get(env, ENV_SMTP_PORT), security)
        user, password = _credentials(env)
        if password and security == "none" and not is_loopback(host):
            raise ConfigError(ENV_SMTP_SECURITY, "starttls or ssl when a password is sent to "
                              f"{host} (it would cross the network unencrypted)", "'none'")
        return cls(host, port, security, user, password, _timeout(_get(env, ENV_SMTP_TIMEOUT)))


def _port(raw: str, security: str) -> int:
    if not raw:
        return DEFAULT_PORTS[security]
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(ENV_SMTP_PORT, "a port number between 1 and 65535", repr(raw))
    return int(raw)


def _timeout(raw: str) -> float:
    if not raw:
        return 30.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise ConfigError(ENV_SMTP_TIMEOUT, "a number of seconds between 0 and 600", repr(raw))
    return value


def _credentials(env: Environ) -> tuple[str, str]:
    user = _get(env, ENV_SMTP_USER)
    # A password may legitimately start or end with spaces: do not strip it.
    password = env.get(ENV_SMTP_PASSWORD) or ""
    if password and not user:
        raise ConfigError(ENV_SMTP_USER, f"the login that goes with {ENV_SMTP_PASSWORD}",
                          "nothing")
    if user and not password:
        raise ConfigError(ENV_SMTP_PASSWORD, f"the password of {ENV_SMTP_USER}", "nothing")
    if "\n" in password or "\r" in password:
        raise ConfigError(ENV_SMTP_PASSWORD, "a password on one line", HIDDEN)
    return user, password


@dataclass(frozen=True)
class ListmonkSettings:
    """How to reach listmonk; ``repr`` never shows the token."""

    url: str
    user: str
    token: str = field(repr=False)
    lists: dict[str, list[int]]
    auth: str = "token"

    def lists_for(self, language: str) -> list[int]:
        """List ids for an edition: its own (``fr:3``), else the shared ones (``3``)."""
        return self.lists.get(language) or self.lists.get("*") or []

    @classmethod
    def from_env(cls, environ: Environ | None = None) -> ListmonkSettings:
        env = _env(environ)
        url = _get(env, ENV_LISTMONK_URL).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            found = ("a URL with credentials in it" if parts.username
                     else repr(url) if url else "nothing")
            raise ConfigError(ENV_LISTMONK_URL, "listmonk's base URL like "
                              "https://lists.example.org (no credentials in it)", found)
        user = _get(env, ENV_LISTMONK_USER)
        if not user:
            raise ConfigError(ENV_LISTMONK_USER, "the listmonk API user", "nothing")
        token = _get(env, ENV_LISTMONK_TOKEN)
        if not token or any(c.isspace() for c in token):
            raise ConfigError(ENV_LISTMONK_TOKEN, "the API user's token",
                              HIDDEN if token else "nothing")
        auth = _get(env, ENV_LISTMONK_AUTH).lower() or "token"
        if auth not in ("token", "basic"):
            raise ConfigError(ENV_LISTMONK_AUTH, "token or basic", repr(auth))
        return cls(url, user, token, _lists(_get(env, ENV_LISTMONK_LISTS)), auth)


def _lists(raw: str) -> dict[str, list[int]]:
    """``3,4`` -> {"*": [3, 4]}; ``fr:3,en:4`` -> {"fr": [3], "en": [4]}."""
    expected = "list ids like 3,4 or, per language, fr:3,en:4"
    lists: dict[str, list[int]] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        lang, _, number = item.rpartition(":")
        if not number.isdigit() or int(number) < 1:
            raise ConfigError(ENV_LISTMONK_LISTS, expected, repr(raw))
        try:
            key = normalize_language(lang) if lang else "*"
        except ValueError:
            raise ConfigError(ENV_LISTMONK_LISTS, expected, repr(raw)) from None
        lists.setdefault(key, []).append(int(number))
    if not lists:
        raise ConfigError(ENV_LISTMONK_LISTS, expected, repr(raw) if raw else "nothing")
    return lists
