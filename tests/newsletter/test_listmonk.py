"""`agora newsletter send --via listmonk` against a local HTTP server answering like listmonk."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agora.newsletter.issue_files import load_issue
from agora.newsletter.listmonk import go_template_text, greeting_expression, listmonk_body
from tests.newsletter.conftest import FROM, ISSUE_ID, LISTMONK_TOKEN, seed

GREETING_FR = ("{{ if .Subscriber.FirstName }}Bonjour {{ .Subscriber.FirstName }},"
               "{{ else }}Bonjour,{{ end }}")
GREETING_EN = ("{{ if .Subscriber.FirstName }}Hello {{ .Subscriber.FirstName }},"
               "{{ else }}Hello,{{ end }}")


@pytest.fixture
def listmonk(httpserver: HTTPServer, env, monkeypatch) -> HTTPServer:
    monkeypatch.setenv("AGORA_LISTMONK_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("AGORA_LISTMONK_USER", "agora-api")
    monkeypatch.setenv("AGORA_LISTMONK_TOKEN", LISTMONK_TOKEN)
    monkeypatch.setenv("AGORA_LISTMONK_LISTS", "fr:3, en:4")
    return httpserver


def expected_payload(site: Path, lang: str, lists: list[int]) -> dict:
    prefix = "" if lang == "fr" else "en/"
    folder = site / prefix / "newsletter" / ISSUE_ID
    greeting = GREETING_FR if lang == "fr" else GREETING_EN

    def body(name: str) -> str:
        return ((folder / name).read_text(encoding="utf-8")
                .replace("%%GREETING%%", greeting)
                .replace("%%UNSUBSCRIBE_URL%%", "{{ UnsubscribeURL }}"))

    return {
        "name": f"Newsletter #3 {ISSUE_ID} ({lang})",
        "subject": "La lettre des Jardiniers n°3" if lang == "fr"
        else "The Gardeners' letter #3",
        "lists": lists,
        "type": "regular",
        "content_type": "html",
        "body": body("email.html"),
        "altbody": body("email.txt"),
        "from_email": FROM,
    }


def created(campaign_id: int, name: str) -> dict:
    return {"data": {"id": campaign_id, "name": name, "status": "draft", "type": "regular",
                     "uuid": "57702beb-6fae-4355-a324-c2fd5b59a549"}}


def send(agora, site: Path, *extra: str):
    return agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--via", "listmonk",
                 "--yes", *extra)


def test_one_draft_campaign_per_edition_then_nothing(agora, site, listmonk, store):
    token_header = {"Authorization": f"token agora-api:{LISTMONK_TOKEN}",
                    "Content-Type": "application/json"}
    for lang, lists, campaign_id in (("en", [4], 5), ("fr", [3], 6)):
        payload = expected_payload(site, lang, lists)
        listmonk.expect_ordered_request("/api/campaigns", method="POST", headers=token_header,
                                        json=payload).respond_with_json(
            created(campaign_id, payload["name"]))
    result = send(agora, site)
    listmonk.check_assertions()
    assert result.code == 0, result.err
    assert "2 campaign(s) created in listmonk, 0 already there" in result.out
    assert "en: campaign 5 (a draft: review and start it in listmonk)" in result.out
    assert [(h.language, h.campaign_id) for h in store.handoffs(ISSUE_ID)] == [("en", 5),
                                                                              ("fr", 6)]
    again = send(agora, site)
    assert again.code == 0
    assert "0 campaign(s) created in listmonk, 2 already there" in again.out
    assert len(listmonk.log) == 2


def test_basic_auth_send_at_and_one_language(agora, site, listmonk, monkeypatch):
    monkeypatch.setenv("AGORA_LISTMONK_AUTH", "basic")
    monkeypatch.setenv("AGORA_LISTMONK_LISTS", "7")
    payload = {**expected_payload(site, "fr", [7]), "send_at": "2026-11-21T08:00:00+01:00"}
    basic = base64.b64encode(f"agora-api:{LISTMONK_TOKEN}".encode()).decode()
    listmonk.expect_oneshot_request("/api/campaigns", method="POST",
                                    headers={"Authorization": f"Basic {basic}"},
                                    json=payload).respond_with_json(created(9, payload["name"]))
    result = send(agora, site, "--lang", "fr", "--send-at", "2026-11-21T08:00:00+01:00")
    listmonk.check_assertions()
    assert result.code == 0, result.err
    assert "fr: campaign 9" in result.out


def test_shared_lists_for_two_editions_are_refused(agora, site, listmonk, monkeypatch):
    monkeypatch.setenv("AGORA_LISTMONK_LISTS", "3")
    result = send(agora, site)
    assert result.code == 1
    assert ("AGORA_LISTMONK_LISTS: expected separate lists per edition, like fr:3,en:4 (or "
            "--lang to hand over one edition), found list 3 for both en and fr") in result.err
    assert len(listmonk.log) == 0


def test_send_at_in_the_past_is_refused(agora, site, listmonk):
    result = send(agora, site, "--send-at", "2026-11-19T08:00:00+01:00")
    assert result.code == 1 and "--send-at: expected a date-time in the future" in result.err
    assert len(listmonk.log) == 0


def test_interrupted_creation_is_found_again_not_duplicated(agora, site, listmonk, store):
    issue = load_issue(site, ISSUE_ID)
    # A previous run noted the French campaign, then died before listmonk's answer.
    store.begin_issue(issue.id, issue.content_sha256(), issue.content_hashes(), "listmonk")
    store.start_handoff(ISSUE_ID, "fr", f"Newsletter #3 {ISSUE_ID} (fr)")
    store.start_handoff(ISSUE_ID, "en", f"Newsletter #3 {ISSUE_ID} (en)")
    listmonk.expect_oneshot_request(
        "/api/campaigns", method="GET",
        query_string={"query": f"Newsletter #3 {ISSUE_ID} (fr)", "per_page": "all",
                      "no_body": "true"}).respond_with_json(
        {"data": {"results": [{"id": 11, "name": f"Newsletter #3 {ISSUE_ID} (fr)"}],
                  "total": 1, "page": 1, "per_page": 0}})
    listmonk.expect_oneshot_request("/api/campaigns", method="GET").respond_with_json(
        {"data": {"results": [], "total": 0}})
    listmonk.expect_oneshot_request("/api/campaigns", method="POST").respond_with_json(
        created(12, "en"))
    result = send(agora, site)
    listmonk.check_assertions()
    assert result.code == 0, result.err
    assert [(h.language, h.campaign_id) for h in store.handoffs(ISSUE_ID)] == [("en", 12),
                                                                              ("fr", 11)]
    # en: looked up (not found), then created; fr: found, not created again.
    assert [request.method for request, _ in listmonk.log] == ["GET", "POST", "GET"]


def test_refusal_creates_nothing_and_can_be_retried(agora, site, listmonk, store,
                                                     monkeypatch):
    monkeypatch.setenv("AGORA_LISTMONK_LISTS", "fr:3")
    listmonk.expect_oneshot_request("/api/campaigns", method="POST").respond_with_json(
        {"message": "Invalid list IDs"}, status=400)
    refused = send(agora, site, "--lang", "fr")
    assert refused.code == 1
    assert "/api/campaigns: expected a created campaign" in refused.err
    assert "found HTTP 400: Invalid list IDs" in refused.err
    assert store.handoffs(ISSUE_ID) == []
    listmonk.expect_oneshot_request("/api/campaigns", method="POST").respond_with_json(
        created(13, "fr"))
    assert send(agora, site, "--lang", "fr").code == 0
    assert store.handoff(ISSUE_ID, "fr").campaign_id == 13  # type: ignore[union-attr]


def test_smtp_and_listmonk_never_both_send_an_issue(agora, site, listmonk, store, smtp):
    seed(store, 2)
    assert agora("newsletter", "send", ISSUE_ID, "--output", str(site), "--yes").code == 0
    result = send(agora, site)
    assert result.code == 1
    assert "issue 2026-11-20 already went out through smtp" in result.err
    assert len(listmonk.log) == 0


def test_listmonk_templates_keep_content_braces_literal():
    assert go_template_text("a {{ b }} c") == 'a {{ "{{" }} b }} c'
    assert greeting_expression("de") == GREETING_EN
    issue_html = "<p>%%GREETING%%</p><p>{{x}}</p><a href='%%UNSUBSCRIBE_URL%%'>"

    class Fr:
        lang = "fr"

    assert listmonk_body(Fr(), issue_html) == (  # type: ignore[arg-type]
        f"<p>{GREETING_FR}</p><p>{{{{ \"{{{{\" }}}}x}}}}</p><a href='{{{{ UnsubscribeURL }}}}'>")


def test_dry_run_writes_the_requests_and_sends_nothing(agora, site, listmonk, store, tmp_path):
    folder = tmp_path / "requests"
    result = send(agora, site, "--dry-run", str(folder))
    assert result.code == 0, result.err
    assert "2 listmonk campaign request(s) written" in result.out
    import json  # noqa: PLC0415

    written = json.loads((folder / "campaign-fr.json").read_text(encoding="utf-8"))
    assert written == expected_payload(site, "fr", [3])
    assert len(listmonk.log) == 0 and store.handoffs(ISSUE_ID) == []
    refused = send(agora, site, "--test", "editor@example.org")
    assert refused.code == 2 and "--test sends through SMTP" in refused.err
