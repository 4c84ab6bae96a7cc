"""DiscourseClient against a real local HTTP server: budget, retries, 429 shapes, secrets."""

from __future__ import annotations

import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from agora.forum.client import (
    USER_AGENT,
    DiscourseClient,
    ForumBadResponse,
    ForumError,
    ForumNotFound,
    ForumRateLimited,
    ForumUnavailable,
    ForumUnreachable,
    RequestBudget,
)
from agora.settings import Options

from .conftest import FakeClock, json_response

SECRET = "k3y-5ecr3t-0123456789abcdef"


# ------------------------------------------------------------------ identity & credentials


def test_sends_descriptive_user_agent_and_no_credentials_by_default(forum, make_client):
    client = make_client()
    client.site()
    hit = forum.log[-1]
    assert hit.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("Agora/0.1.0 (+community hub sync)")
    assert "Api-Key" not in hit.headers and "Api-Username" not in hit.headers
    assert client.authenticated is False


def test_credentials_from_env_are_sent_but_never_shown(forum, make_client, monkeypatch):
    monkeypatch.setenv("AGORA_DISCOURSE_API_KEY", SECRET)
    monkeypatch.setenv("AGORA_DISCOURSE_API_USERNAME", "robot_sync")
    client = make_client(max_attempts=2)
    client.site()
    assert forum.log[-1].headers["Api-Key"] == SECRET
    assert forum.log[-1].headers["Api-Username"] == "robot_sync"
    assert SECRET not in repr(client) and "api key set" in repr(client)
    forum.break_path("/about.json", 500)
    with pytest.raises(ForumUnavailable) as caught:
        client.about()
    assert SECRET not in str(caught.value)
    assert "/about.json" in str(caught.value) and "HTTP 500" in str(caught.value)


def test_credentials_never_go_to_another_host(forum, make_client, monkeypatch, tmp_path):
    monkeypatch.setenv("AGORA_DISCOURSE_API_KEY", SECRET)
    other = HTTPServer(port=0)
    other.start()
    try:
        other.expect_request("/avatar.png").respond_with_data(_PNG, content_type="image/png")
        other.expect_request("/t/5.json").respond_with_json({"post_stream": {"posts": []}})
        client = make_client()
        # a CDN avatar: fetched without the key
        saved = client.download(other.url_for("/avatar.png"), tmp_path / "a")
        assert saved.read_bytes() == _PNG
        # a forum redirect to another host: the key is dropped on the way
        forum.script("/t/5.json", Response(status=302,
                                           headers={"Location": other.url_for("/t/5.json")}))
        assert client.get_json("/t/5.json") == {"post_stream": {"posts": []}}
        assert forum.log[-1].headers.get("Api-Key") == SECRET
        assert len(other.log) == 2
        assert all("Api-Key" not in dict(req.headers) for req, _ in other.log)
    finally:
        other.clear()
        other.stop()


#: A 1x1 PNG.
_PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
        b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


# ------------------------------------------------------------------ 429 in every shape


@pytest.mark.parametrize(("response", "expected_wait"), [
    pytest.param(json_response({"errors": ["Vous avez effectué cette action trop de fois."],
                                "error_type": "rate_limit", "extras": {"wait_seconds": 39}},
                               status=429), 39.0, id="json-wait_seconds"),
    pytest.param(Response("Slow down, you're making too many requests.\nPlease retry again "
                          "in 12 seconds.\nError code: ip_10_secs_limit.", status=429,
                          content_type="text/plain"), 1.0, id="text-plain-backoff"),
    pytest.param(Response("<html><body><h1>429 Too Many Requests</h1>nginx</body></html>",
                          status=429, content_type="text/html"), 1.0, id="html-proxy-backoff"),
    pytest.param(json_response({"errors": ["trop"], "error_type": "rate_limit",
                                "extras": {"wait_seconds": 39}}, status=429,
                               headers={"Retry-After": "7"}), 7.0, id="retry-after-wins"),
    pytest.param(Response("Too many", status=429, headers={"Retry-After": "12"},
                          content_type="text/html"), 12.0, id="html-retry-after"),
    pytest.param(json_response({"failed": "FAILED", "message": "Recherche limitée"},
                               status=429), 1.0, id="search-failed-backoff"),
])
def test_429_waits_the_right_amount_then_succeeds(forum, make_client, fake_clock, response,
                                                  expected_wait):
    client = make_client(requests_per_second=1000)
    forum.script("/site.json", response)
    site = client.site()
    assert [c["slug"] for c in site["categories"]][:2] == ["uncategorized", "presentations"]
    assert client.retry_waits == [expected_wait]
    assert expected_wait in fake_clock.sleeps
    assert client.request_count == 2


def test_rate_limit_wait_longer_than_cap_gives_up_at_once(forum, make_client):
    client = make_client(max_total_wait=60)
    forum.script("/latest.json", Response("", status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(ForumRateLimited) as caught:
        client.latest()
    message = str(caught.value)
    assert "/latest.json" in message and "60 s wait cap" in message and "HTTP 429" in message
    assert client.request_count == 1 and client.retry_waits == []


# ------------------------------------------------------------------ retries


def test_5xx_retried_with_exponential_backoff_then_success(forum, make_client):
    client = make_client()
    forum.script("/about.json", Response("bad gateway", status=502),
                 Response("unavailable", status=503), Response("oops", status=500))
    about = client.about()
    assert about["about"]["stats"]["users_count"] == 318
    assert client.retry_waits == [1.0, 2.0, 4.0]
    assert client.request_count == 4


def test_persistent_failure_names_url_status_and_expectation(forum, make_client):
    client = make_client(max_attempts=5, backoff_cap=5)
    forum.break_path("/about.json", 500)
    with pytest.raises(ForumUnavailable) as caught:
        client.about()
    error = caught.value
    assert error.status == 500
    assert error.url == forum.url + "/about.json"
    assert str(error).startswith(forum.url + "/about.json: expected about data")
    assert "HTTP 500 after 5 attempts" in str(error)
    assert client.retry_waits == [1.0, 2.0, 4.0, 5.0]  # capped
    assert len(forum.hits("/about.json")) == 5


def test_truncated_and_non_json_bodies_are_retried(forum, make_client):
    client = make_client()
    forum.script("/site.json",
                 Response('{"categories": [{"id": 1, "na', content_type="application/json"),
                 Response("<html>maintenance</html>", content_type="text/html"))
    assert client.site()["categories"][0]["id"] == 1
    assert client.retry_waits == [1.0, 2.0]


def test_non_json_forever_is_a_bad_response(forum, make_client):
    client = make_client(max_attempts=2)
    forum.script("/site.json", *[Response("<html>login</html>", content_type="text/html")] * 2)
    with pytest.raises(ForumBadResponse) as caught:
        client.site()
    assert "not valid JSON (text/html" in str(caught.value)


def test_unexpected_json_shape_is_reported_not_retried(forum, make_client):
    client = make_client()
    forum.script("/latest.json", json_response({"unexpected": True}))
    with pytest.raises(ForumBadResponse) as caught:
        client.latest()
    assert "expected a topic list" in str(caught.value)
    assert client.request_count == 1


def test_404_is_not_retried(forum, make_client):
    client = make_client()
    with pytest.raises(ForumNotFound) as caught:
        client.topic(999)
    assert caught.value.status == 404 and "/t/999.json" in str(caught.value)
    assert client.request_count == 1


def test_connection_errors_are_retried_then_reported(fake_clock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = DiscourseClient.from_options(Options(), base_url=f"http://127.0.0.1:{port}",
                                          clock=fake_clock, sleep=fake_clock.sleep,
                                          max_attempts=3, environ={})
    with pytest.raises(ForumUnreachable) as caught:
        client.site()
    assert "connection error" in str(caught.value) and f":{port}/site.json" in str(caught.value)
    assert client.request_count == 3 and client.retry_waits == [1.0, 2.0]


def test_timeouts_are_retried(httpserver: HTTPServer, fake_clock: FakeClock):
    def slow(_request):
        time.sleep(0.3)
        return json_response({"categories": []})

    httpserver.expect_request("/site.json").respond_with_handler(slow)
    client = DiscourseClient(httpserver.url_for("/").rstrip("/"), requests_per_second=1.0,
                             timeout=(1.0, 0.05), max_attempts=2, clock=fake_clock,
                             sleep=fake_clock.sleep, environ={})
    with pytest.raises(ForumUnreachable) as caught:
        client.site()
    assert "a timeout after 2 attempts" in str(caught.value)


# ------------------------------------------------------------------ budget


def test_request_budget_is_respected(forum, make_client, fake_clock):
    client = make_client(requests_per_second=2.0)
    for _ in range(6):
        client.site()
    times = client.request_times
    assert len(times) == 6
    for window in range(1, 6):
        for start in range(0, 6 - window):
            # any `window` consecutive gaps span at least window / rate seconds
            assert times[start + window] - times[start] >= window / 2.0 - 1e-9
    assert fake_clock.sleeps == pytest.approx([0.5] * 5)


def test_budget_does_not_sleep_when_time_has_passed():
    clock = FakeClock()
    budget = RequestBudget(1.0, clock=clock, sleep=clock.sleep)
    budget.acquire()
    clock.now += 5
    budget.acquire()
    budget.acquire()
    assert clock.sleeps == [1.0]


def test_retry_waits_count_towards_the_budget(forum, make_client, fake_clock):
    client = make_client(requests_per_second=0.5)
    client.site()
    forum.script("/about.json", json_response({"extras": {"wait_seconds": 10}}, status=429))
    client.about()
    # after a 10 s rate-limit wait the budget (2 s) needs no extra sleep
    assert fake_clock.sleeps == [2.0, 10.0]


def test_invalid_budget_is_refused():
    with pytest.raises(ValueError, match="requests_per_second"):
        RequestBudget(0)


# ------------------------------------------------------------------ endpoints


def test_latest_follows_more_topics_url(forum, make_client):
    client = make_client()
    listing = client.latest(pages=5)
    assert [t["id"] for t in listing.topics] == [101, 107, 110, 103, 102, 105, 109,
                                                  104, 108, 112, 106, 113, 111]
    pages = forum.hits("/latest.json")
    assert len(pages) == 2
    assert pages[0].query == {} and pages[1].query == {"page": ["1"]}
    assert listing.users[2]["username"] == "camille.r"
    assert [t["id"] for t in make_client().latest(pages=1).topics][-1] == 109


def test_topic_fetches_the_posts_missing_from_the_first_chunk(forum, make_client):
    client = make_client()
    topic = client.topic(107)
    numbers = [p["post_number"] for p in topic["post_stream"]["posts"]]
    assert numbers == list(range(1, 27))
    extra = forum.hits("/t/107/posts.json")
    assert len(extra) == 1
    assert extra[0].query["post_ids[]"] == [str(10700 + n) for n in range(21, 27)]
    assert client.request_count == 2


def test_short_topic_needs_one_request(forum, make_client):
    client = make_client()
    assert len(client.topic(103)["post_stream"]["posts"]) == 8
    assert client.request_count == 1


def test_hidden_and_missing_users_are_none(forum, make_client):
    client = make_client()
    assert client.user("camille.r")["user"]["name"] == "Camille Roux"
    assert client.user("nadia.k") is None  # 403: profile hidden from the public
    assert client.user("personne") is None  # 404


def test_events_without_the_calendar_plugin_are_none(forum, make_client, docs):
    client = make_client()
    assert [e["id"] for e in client.events()] == [31, 32, 33]
    del docs["events"]
    assert client.events() is None


def test_directory_sends_the_required_period(forum, make_client):
    client = make_client()
    items = client.directory()
    assert items[0]["user"]["username"] == "camille.r"
    assert forum.hits("/directory_items.json")[0].query == {
        "period": ["monthly"], "order": ["likes_received"]}


def test_get_json_refuses_other_hosts(make_client):
    with pytest.raises(ForumError, match="another host"):
        make_client().get_json("https://elsewhere.example/latest.json")


def test_subfolder_forums_keep_their_prefix():
    client = DiscourseClient.from_options(Options(forum_url="https://example.org/forum/"),
                                          environ={})
    assert client.url("/latest.json") == "https://example.org/forum/latest.json"
    assert client.url("/forum/latest?page=1") == "https://example.org/forum/latest?page=1"


# ------------------------------------------------------------------ downloads


def test_download_stores_an_image_atomically(forum, make_client, tmp_path):
    client = make_client()
    path = client.download("/letter_avatar_proxy/v4/letter/y/8e7dd6/96.png", tmp_path / "y")
    assert path == tmp_path / "y.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["y.png"]


def test_download_refuses_oversized_and_non_images(forum, make_client, tmp_path):
    client = make_client()
    with pytest.raises(ForumBadResponse, match="at most 20 bytes"):
        client.download("/user_avatar/x/camille.r/96/1.png", tmp_path / "a", max_bytes=20)
    forum.script("/evil.svg", Response('<svg xmlns="http://www.w3.org/2000/svg">'
                                       "<script>alert(1)</script></svg>",
                                       content_type="image/svg+xml"))
    with pytest.raises(ForumBadResponse, match="another format"):
        client.download("/evil.svg", tmp_path / "b")
    assert list(tmp_path.iterdir()) == []


def test_download_accepts_webp_by_its_magic_bytes(forum, make_client, tmp_path):
    webp = (b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00"
            b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")  # a 1x1 lossless WebP
    forum.script("/uploads/default/original/1X/photo.jpeg",
                 Response(webp, content_type="image/jpeg"))  # the claimed type is not trusted
    path = make_client().download("/uploads/default/original/1X/photo.jpeg", tmp_path / "p")
    assert path == tmp_path / "p.webp" and path.read_bytes() == webp


# ------------------------------------------------------------------ incremental reading


def test_topic_near_returns_the_posts_around_a_post_number(forum, make_client):
    client = make_client()
    topic = client.topic_near(107, 8)
    assert [p["post_number"] for p in topic["post_stream"]["posts"]] == list(range(3, 23))
    assert [p["post_number"] for p in client.topic_near(107, 22)["post_stream"]["posts"]
            ] == list(range(7, 27))  # near the end, earlier posts fill the chunk
    assert len(topic["post_stream"]["stream"]) == 26  # every post id, for what is missing
    assert topic["highest_post_number"] == 26 and topic["details"]["participants"]
    assert [h.path for h in forum.log] == ["/t/107/8.json", "/t/107/22.json"]
    assert client.request_count == 2


def test_posts_are_read_by_id_in_chunks_of_twenty(forum, make_client):
    client = make_client()
    posts = client.posts(107, [10700 + n for n in range(1, 26)])
    assert [p["post_number"] for p in posts] == list(range(1, 26))
    assert [len(h.query["post_ids[]"]) for h in forum.hits("/t/107/posts.json")] == [20, 5]
    assert client.posts(107, []) == [] and client.request_count == 2


def test_latest_asks_before_reading_each_further_page(forum, make_client):
    seen: list[list[int]] = []

    def more(page: list[dict]) -> bool:
        seen.append([t["id"] for t in page])
        return False

    listing = make_client().latest(pages=5, more=more)
    assert [t["id"] for t in listing.topics] == [101, 107, 110, 103, 102, 105, 109]
    assert listing.stopped_early and listing.pages == 1
    assert seen == [[101, 107, 110, 103, 102, 105, 109]]
    assert len(forum.hits("/latest.json")) == 1

    everything = make_client().latest(pages=5, more=lambda page: True)
    assert len(everything.topics) == 13 and everything.pages == 2
    assert not everything.stopped_early  # the last page has no more_topics_url
    calls: list[int] = []
    make_client().latest(pages=1, more=lambda page: calls.append(1) or True)
    assert calls == []  # no further page wanted: nothing to decide
