"""Hand a built issue to listmonk: one campaign per edition, created once.

listmonk (https://listmonk.app) sends to its own lists; Agora only creates the
campaigns through ``POST /api/campaigns`` (``name``, ``subject``, ``lists``,
``body`` = the edition's HTML, ``altbody`` = its text, ``content_type: html``,
``type: regular``, optional ``send_at`` and ``from_email``). listmonk creates
campaigns as drafts: the operator reviews and starts them in listmonk. Its
campaign API has no language field, so each edition goes to its own lists
(``AGORA_LISTMONK_LISTS=fr:3,en:4``).

listmonk personalizes with Go templates, so the edition's markers become
listmonk expressions (``%%UNSUBSCRIBE_URL%%`` -> ``{{ UnsubscribeURL }}``, the
greeting -> an ``if .Subscriber.FirstName`` expression), and any ``{{`` of the
content itself is escaped so that it stays text.

Created once: the sent-log notes each edition BEFORE the request and the
campaign id after it. A second run skips recorded campaigns; a run that died
during the request finds the campaign by its name instead of creating a twin.
Credentials (``Authorization: token user:token``, or HTTP basic auth for older
listmonk) never appear in messages, and are not sent across redirects.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from agora import __version__
from agora.newsletter.config import ENV_LISTMONK_LISTS, ListmonkSettings, SenderSettings
from agora.newsletter.errors import ConfigError, ListmonkError
from agora.newsletter.issue_files import GREETING_MARKER, UNSUBSCRIBE_MARKER, BuiltIssue, Edition
from agora.newsletter.languages import FALLBACK_GREETING_LANGUAGE, GREETINGS, primary
from agora.newsletter.privacy import Redactor
from agora.newsletter.store import NewsletterStore

logger = logging.getLogger("agora.newsletter")
USER_AGENT = f"Agora/{__version__} (+newsletter hand-off)"
CAMPAIGNS_PATH = "/api/campaigns"


# --------------------------------------------------------------------------- content


def go_template_text(text: str) -> str:
    """``text`` as a Go template that prints it literally (``{{`` escaped)."""
    return text.replace("{{", '{{ "{{" }}')


def greeting_expression(language: str) -> str:
    """The greeting as a listmonk expression, from the same table the SMTP sender uses."""
    with_name, without = GREETINGS.get(primary(language), GREETINGS[FALLBACK_GREETING_LANGUAGE])
    named = with_name.format(name="{{ .Subscriber.FirstName }}")
    return f"{{{{ if .Subscriber.FirstName }}}}{named}{{{{ else }}}}{without}{{{{ end }}}}"


def listmonk_body(edition: Edition, text: str) -> str:
    body = go_template_text(text)
    body = body.replace(GREETING_MARKER, greeting_expression(edition.lang))
    return body.replace(UNSUBSCRIBE_MARKER, "{{ UnsubscribeURL }}")


def campaign_name(issue: BuiltIssue, language: str) -> str:
    """Stable and unique per edition: how an interrupted run finds its campaign again."""
    return f"Newsletter #{issue.number} {issue.id} ({language})"


def campaign_payload(issue: BuiltIssue, edition: Edition, lists: Sequence[int], *,
                     send_at: datetime | None = None, from_email: str = "") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": campaign_name(issue, edition.lang),
        "subject": go_template_text(edition.subject),
        "lists": list(lists),
        "type": "regular",
        "content_type": "html",
        "body": listmonk_body(edition, edition.html),
        "altbody": listmonk_body(edition, edition.text),
    }
    if from_email:
        payload["from_email"] = from_email
    if send_at is not None:
        payload["send_at"] = send_at.isoformat()
    return payload


# --------------------------------------------------------------------------- client


class _Session(requests.Session):
    """Drops credentials whenever a redirect leaves listmonk's origin."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)
        if urlsplit(prepared_request.url or "")[:2] != urlsplit(response.request.url or "")[:2]:
            prepared_request.headers.pop("Authorization", None)


class ListmonkClient:
    """The two listmonk calls the hand-off needs, with typed errors and no secret leaks."""

    def __init__(self, settings: ListmonkSettings, *,
                 timeout: tuple[float, float] = (10.0, 30.0)):
        self.settings = settings
        self.timeout = timeout
        self._redact = Redactor([settings.token])
        self._session = _Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        if settings.auth == "basic":
            self._session.auth = (settings.user, settings.token)
        else:
            self._session.headers["Authorization"] = f"token {settings.user}:{settings.token}"

    def __repr__(self) -> str:
        return f"ListmonkClient({self.settings.url!r}, user {self.settings.user!r})"

    def close(self) -> None:
        self._session.close()

    def _url(self, path: str) -> str:
        return self.settings.url + path

    def _call(self, method: str, path: str, expected: str, **kwargs: Any) -> Any:
        url = self._url(path)
        try:
            response = self._session.request(method, url, timeout=self.timeout,
                                             allow_redirects=False, **kwargs)
        except requests.exceptions.Timeout:
            raise ListmonkError(url, expected, "no answer (timeout)") from None
        except requests.exceptions.RequestException as exc:
            raise ListmonkError(url, expected,
                                f"a connection error ({type(exc).__name__})") from None
        return self._parse(response, url, expected)

    def _parse(self, response: requests.Response, url: str, expected: str) -> Any:
        status = response.status_code
        if not 200 <= status < 300:
            try:
                detail = str(response.json().get("message", ""))[:200]
            except (ValueError, AttributeError):
                detail = ""
            hint = " (check AGORA_LISTMONK_USER / AGORA_LISTMONK_TOKEN and the user's " \
                   "permissions)" if status in (401, 403) else ""
            found = f"HTTP {status}{': ' + self._redact(detail) if detail else ''}{hint}"
            raise ListmonkError(url, expected, found, status)
        try:
            data = response.json()
        except ValueError:
            raise ListmonkError(url, expected, f"HTTP {status} with a body that is not JSON",
                                status) from None
        if not isinstance(data, dict) or "data" not in data:
            raise ListmonkError(url, expected, "JSON without a data key", status)
        return data["data"]

    def create_campaign(self, payload: dict[str, Any]) -> int:
        """POST the campaign; return listmonk's id for it."""
        expected = "a created campaign ({\"data\": {\"id\": ...}})"
        data = self._call("POST", CAMPAIGNS_PATH, expected, json=payload)
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise ListmonkError(self._url(CAMPAIGNS_PATH), expected, "no campaign id", 200)
        return int(data["id"])

    def find_campaign(self, name: str) -> int | None:
        """The id of the campaign called exactly ``name``, if listmonk has one."""
        data = self._call("GET", CAMPAIGNS_PATH, "a campaign list",
                          params={"query": name, "per_page": "all", "no_body": "true"})
        results = data.get("results") if isinstance(data, dict) else None
        for campaign in results or []:
            if isinstance(campaign, dict) and campaign.get("name") == name \
                    and isinstance(campaign.get("id"), int):
                return int(campaign["id"])
        return None


# --------------------------------------------------------------------------- hand-off


@dataclass
class HandoffReport:
    issue_id: str
    #: (language, campaign id) created (or found again) by this run.
    created: list[tuple[str, int]] = field(default_factory=list)
    #: (language, campaign id) recorded by an earlier run, left alone.
    skipped: list[tuple[str, int]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"issue {self.issue_id}: {len(self.created)} campaign(s) created in listmonk, "
                 f"{len(self.skipped)} already there"]
        lines += [f"  {lang}: campaign {cid} (a draft: review and start it in listmonk)"
                  for lang, cid in self.created]
        lines += [f"  {lang}: campaign {cid} created earlier" for lang, cid in self.skipped]
        return "\n".join(lines)


def plan_lists(issue: BuiltIssue, settings: ListmonkSettings,
               languages: Sequence[str]) -> dict[str, list[int]]:
    """Lists per edition; refuse a list shared by two editions (double sending)."""
    plan: dict[str, list[int]] = {}
    owner: dict[int, str] = {}
    for lang in languages:
        lists = settings.lists_for(lang)
        if not lists:
            raise ConfigError(ENV_LISTMONK_LISTS, f"lists for the {lang} edition (like "
                              f"{lang}:3)", "none")
        for list_id in lists:
            if list_id in owner:
                raise ConfigError(ENV_LISTMONK_LISTS, "separate lists per edition, like fr:3,"
                                  "en:4 (or --lang to hand over one edition)",
                                  f"list {list_id} for both {owner[list_id]} and {lang} (its "
                                  "subscribers would get both)")
            owner[list_id] = lang
        plan[lang] = lists
    return plan


def hand_off(issue: BuiltIssue, store: NewsletterStore, client: ListmonkClient,
             plan: dict[str, list[int]], sender: SenderSettings | None = None, *,
             send_at: datetime | None = None) -> HandoffReport:
    """Create the missing campaigns of ``plan`` (language -> lists); see the module doc."""
    report = HandoffReport(issue.id)
    with store.send_lock():
        store.begin_issue(issue.id, issue.content_sha256(), issue.content_hashes(), "listmonk")
        for lang, lists in plan.items():
            done = store.handoff(issue.id, lang)
            if done is not None and done.campaign_id is not None:
                report.skipped.append((lang, done.campaign_id))
                continue
            edition = issue.editions[lang]
            from_email = sender.display if sender else ""
            payload = campaign_payload(issue, edition, lists, send_at=send_at,
                                       from_email=from_email)
            report.created.append((lang, _create_once(store, client, issue.id, lang,
                                                      payload, interrupted=done is not None)))
    return report


def _create_once(store: NewsletterStore, client: ListmonkClient, issue_id: str, lang: str,
                 payload: dict[str, Any], *, interrupted: bool) -> int:
    name = payload["name"]
    if interrupted:
        found = client.find_campaign(name)
        if found is not None:
            logger.info("newsletter: found campaign %s from an interrupted run", found)
            store.finish_handoff(issue_id, lang, found)
            return found
    else:
        store.start_handoff(issue_id, lang, name)
    try:
        campaign_id = client.create_campaign(payload)
    except ListmonkError as exc:
        # A definite refusal created nothing; anything else (timeout, 5xx) may have.
        if exc.status is not None and 400 <= exc.status < 500:
            store.cancel_handoff(issue_id, lang)
        raise
    store.finish_handoff(issue_id, lang, campaign_id)
    return campaign_id
