"""Typed errors of the newsletter delivery tools.

Every message names what was expected and what was found, like the forum
client's errors, and never contains a secret (password, API token) nor a
subscriber's full address: whoever builds one passes masked or redacted text.
"""

from __future__ import annotations

from agora.problems import Mismatch


class NewsletterError(Exception):
    """Base class: something stopped a newsletter command (the message says what)."""


class ConfigError(NewsletterError):
    """An environment variable is missing or holds a value that cannot be used."""

    def __init__(self, variable: str, expected: str, found: str):
        self.variable = variable
        self.expected = expected
        self.found = found
        super().__init__(f"{variable}: expected {expected}, found {found}")


class IssueError(NewsletterError, Mismatch):
    """A built issue (``issue.json`` and its files) does not follow the contract."""


class StoreError(NewsletterError):
    """The subscribers database cannot be used (path, schema, lock)."""


class IssueChangedError(StoreError):
    """An issue's content differs from what was first sent: it must not be sent again."""


class AlreadyHandedOffError(StoreError):
    """The issue already went out by the other route (SMTP vs listmonk)."""


class InvalidSubscriberError(NewsletterError):
    """An address, language or status given for a subscriber is not acceptable."""


class DeliveryError(NewsletterError):
    """The mail server cannot be used: stop the run (already recorded deliveries stay)."""


class ListmonkError(NewsletterError):
    """listmonk answered something the hand-off cannot use (or did not answer)."""

    def __init__(self, url: str, expected: str, found: str, status: int | None = None):
        self.url = url
        self.expected = expected
        self.found = found
        self.status = status
        super().__init__(f"{url}: expected {expected}, found {found}")
