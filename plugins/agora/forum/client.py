"""A polite, read-only client for the Discourse JSON API.

Why so careful: a forum is somebody else's server. Discourse throttles per IP
(50 requests / 10 s, 200 / minute) and per admin key (60 / minute for the whole
site), its 429 answers come in several body shapes, and outages happen. The
client therefore

* spends a request budget (default one request per second) before every request;
* retries connection errors, timeouts, 5xx and truncated / non-JSON bodies with
  capped exponential backoff, and honours 429 ``Retry-After`` first, then the
  JSON ``extras.wait_seconds``, then backoff -- whatever the body looks like,
  without ever reading the (localized) message;
* gives up after a bounded number of attempts and a bounded total wait, raising a
  :class:`ForumError` that names the URL, the status and what was expected
  (:class:`ForumUnreachable` when the host never answered);
* sends ``Api-Key`` / ``Api-Username`` only when the environment provides them,
  only to the forum's own host (never to a CDN or across a redirect), and never
  shows them in ``repr``, logs or error messages.

``clock`` and ``sleep`` are injectable so tests observe every wait without
really sleeping.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import requests

from agora import __version__
from agora.problems import Mismatch

if TYPE_CHECKING:
    from agora.settings import Options

logger = logging.getLogger("agora.forum")

ENV_API_KEY = "AGORA_DISCOURSE_API_KEY"
ENV_API_USERNAME = "AGORA_DISCOURSE_API_USERNAME"
CREDENTIAL_HEADERS = ("Api-Key", "Api-Username")
USER_AGENT = f"Agora/{__version__} (+community hub sync)"

#: Post ids asked for in one ``/t/{id}/posts.json`` request (keeps URLs short).
POSTS_CHUNK = 20
#: Posts Discourse puts in one answer of ``/t/{id}.json`` (its ``chunk_size``).
TOPIC_CHUNK = 20
#: Image formats accepted by :meth:`DiscourseClient.download`, by magic bytes
#: (WebP: ``RIFF`` + size + ``WEBP``, see :func:`image_suffix`).
#: SVG is deliberately absent: it can carry scripts.
IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
#: Every extension :meth:`DiscourseClient.download` may give a file.
IMAGE_SUFFIXES = (".png", ".jpg", ".gif", ".webp")


def image_suffix(body: bytes) -> str | None:
    """The extension of a PNG, JPEG, GIF or WebP image, by magic bytes; None otherwise."""
    if len(body) >= 12 and body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return ".webp"
    return next((ext for magic, ext in IMAGE_SIGNATURES if body.startswith(magic)), None)


# --------------------------------------------------------------------------- errors


class ForumError(Mismatch):
    """Something the forum answered (or did not) that sync cannot use.

    The message names the URL, what was expected and what was found; it never
    contains credentials.
    """

    def __init__(self, url: str, expected: str, found: str, status: int | None = None):
        self.url = url
        self.status = status
        super().__init__(url, expected, found)


class ForumHTTPError(ForumError):
    """A definitive 4xx answer: retrying would not help."""


class ForumNotFound(ForumHTTPError):
    """404/410: the topic, user or plugin endpoint does not exist (or is hidden)."""


class ForumForbidden(ForumHTTPError):
    """401/403: private, login-required, or the API key is refused."""


class ForumUnavailable(ForumError):
    """Retries exhausted on connection errors, timeouts or 5xx: the forum is struggling."""


class ForumUnreachable(ForumUnavailable):
    """Retries exhausted on connection errors or timeouts: the host never answered."""


class ForumRateLimited(ForumUnavailable):
    """Still throttled (429) after the allowed waits, or asked to wait longer than the cap."""


class ForumBadResponse(ForumError):
    """The answer is not JSON, or not the JSON shape the endpoint is documented to return."""


# --------------------------------------------------------------------------- budget


class RequestBudget:
    """At most ``requests_per_second`` request starts per second (minimum interval).

    A minimum interval (a token bucket of capacity one) is the simplest budget
    that can never burst above the forum's limits, whatever the retries do.
    """

    def __init__(
        self,
        requests_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not requests_per_second > 0:
            raise ValueError(f"requests_per_second: expected a number above 0, "
                             f"found {requests_per_second!r}")
        self.interval = 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None

    def acquire(self) -> float:
        """Wait until the next request may start; return the instant it starts."""
        now = self._clock()
        if self._next_at is not None and now < self._next_at:
            self._sleep(self._next_at - now)
            now = max(self._clock(), self._next_at)
        self._next_at = now + self.interval
        return now


# --------------------------------------------------------------------------- helpers


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower() + f":{parts.port or ''}"


def display_url(url: str) -> str:
    """The URL without any ``user:password@`` part, for messages and logs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _float_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


class _Session(requests.Session):
    """A session that drops the Discourse credentials when a redirect leaves the forum.

    ``requests`` strips ``Authorization`` on cross-host redirects but knows
    nothing of ``Api-Key``; without this a redirect to a CDN would leak the key.
    """

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)
        if _origin(prepared_request.url or "") != _origin(response.request.url or ""):
            for header in CREDENTIAL_HEADERS:
                prepared_request.headers.pop(header, None)


@dataclass
class TopicList:
    """Topics of one or more list pages, with the ``users`` their posters refer to."""

    topics: list[dict[str, Any]] = field(default_factory=list)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Pages read, and whether a next page existed that the ``more`` callback
    #: declined (see :meth:`DiscourseClient.latest`).
    pages: int = 0
    stopped_early: bool = False

    def add_page(self, page: Mapping[str, Any]) -> None:
        seen = {t.get("id") for t in self.topics}
        for topic in page.get("topic_list", {}).get("topics") or []:
            if isinstance(topic, dict) and topic.get("id") not in seen:
                self.topics.append(topic)
                seen.add(topic.get("id"))
        for user in page.get("users") or []:
            if isinstance(user, dict) and isinstance(user.get("id"), int):
                self.users[user["id"]] = user


# --------------------------------------------------------------------------- client


class DiscourseClient:
    """Read-only access to one Discourse forum (see the module docstring for the rules)."""

    def __init__(
        self,
        base_url: str,
        *,
        requests_per_second: float,
        timeout: float | tuple[float, float],
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_total_wait: float = 300.0,
        max_download_bytes: int = 1_000_000,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"forum URL: expected an http(s) URL like "
                             f"https://forum.example.org, found {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout if isinstance(timeout, tuple) else (min(10.0, timeout), timeout)
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_total_wait = max_total_wait
        self.max_download_bytes = max_download_bytes
        self.budget = RequestBudget(requests_per_second, clock, sleep)
        self._clock = clock
        self._sleep = sleep
        #: Every HTTP request sent (retries included) -- tests and the CLI read it.
        self.request_count = 0
        #: Clock reading at the start of each request, to check the budget.
        self.request_times: list[float] = []
        #: Every wait caused by a retry (not by the budget), in seconds.
        self.retry_waits: list[float] = []
        env = os.environ if environ is None else environ
        key = (env.get(ENV_API_KEY) or "").strip()
        username = (env.get(ENV_API_USERNAME) or "").strip()
        self._credentials: dict[str, str] = (
            {"Api-Key": key, "Api-Username": username or "system"} if key else {}
        )
        self._session = _Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    @classmethod
    def from_options(cls, options: Options, *, base_url: str | None = None,
                     **tuning: Any) -> DiscourseClient:
        """A client for the build's forum: its budget and timeout from the settings.

        ``base_url`` reads from elsewhere than ``AGORA_FORUM_URL`` (a mirror, a test
        server); ``tuning`` passes the retry policy, ``environ``, ``clock`` and ``sleep``.
        """
        return cls(base_url or options.forum_url,
                   requests_per_second=options.forum_requests_per_second,
                   timeout=options.forum_timeout, **tuning)

    # -- presentation: never show secrets ----------------------------------------------

    def __repr__(self) -> str:
        auth = "api key set" if self._credentials else "anonymous"
        return f"DiscourseClient({display_url(self.base_url)!r}, {auth})"

    @property
    def authenticated(self) -> bool:
        """Whether requests to the forum carry an API key (the key itself stays hidden)."""
        return bool(self._credentials)

    def _redact(self, text: str) -> str:
        secret = self._credentials.get("Api-Key", "")
        return text.replace(secret, "[redacted]") if secret else text

    def close(self) -> None:
        """Release the connection pool."""
        self._session.close()

    def __enter__(self) -> DiscourseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- URLs --------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of a forum path (``/latest.json``) or of an absolute URL.

        Forums installed in a subfolder (``https://example.org/forum``) get the
        folder prepended to our own paths; paths the forum returns already carry it.
        """
        if path.startswith(("http://", "https://", "//")):
            return urljoin(self.base_url + "/", path)
        parts = urlsplit(self.base_url)
        prefix = parts.path.rstrip("/")
        if not path.startswith("/"):
            return urljoin(self.base_url + "/", path)
        if prefix and path != prefix and not path.startswith(prefix + "/"):
            path = prefix + path
        return f"{parts.scheme}://{parts.netloc}{path}"

    def _is_forum(self, url: str) -> bool:
        return _origin(url) == _origin(self.base_url)

    # -- transport ---------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_cap, self.backoff_base * (2 ** attempt))

    def _wait_for_retry(self, url: str, seconds: float, waited: float, why: str,
                        status: int | None) -> float:
        if waited + seconds > self.max_total_wait:
            kind = ForumRateLimited if status == 429 else ForumUnavailable
            raise kind(display_url(url), "a usable answer within the "
                       f"{self.max_total_wait:g} s wait cap",
                       f"{why} (a further {seconds:g} s wait would exceed it)", status)
        logger.info("forum: %s on %s, retrying in %.1f s", why, display_url(url), seconds)
        self.retry_waits.append(seconds)
        self._sleep(seconds)
        return waited + seconds

    def _send(self, url: str, params: Mapping[str, Any] | None, stream: bool
              ) -> requests.Response:
        self.budget.acquire()
        self.request_times.append(self._clock())
        self.request_count += 1
        headers = dict(self._credentials) if self._is_forum(url) else {}
        logger.debug("forum: GET %s", display_url(url))
        return self._session.get(url, params=params, headers=headers, timeout=self.timeout,
                                 stream=stream, allow_redirects=True)

    def _request(self, url: str, params: Mapping[str, Any] | None, *, expected: str,
                 parse: Callable[[requests.Response], Any], stream: bool = False) -> Any:
        """GET with the retry policy; ``parse`` returns the value or raises ValueError."""
        waited = 0.0
        attempt = 0
        while True:
            shown = display_url(url)
            status: int | None = None
            response: requests.Response | None = None
            try:
                response = self._send(url, params, stream=stream)
                shown = display_url(response.url or url)
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        return parse(response)
                    except ValueError as exc:
                        why = f"HTTP {status} with {self._redact(str(exc))}"
                        retry_after = None
                elif status == 429:
                    why = "HTTP 429 (rate limited)"
                    retry_after = self._retry_after(response)
                elif status >= 500:
                    why = f"HTTP {status}"
                    retry_after = None
                else:
                    raise self._client_error(shown, status, expected)
            except requests.exceptions.Timeout:
                why, retry_after = "a timeout", None
            except (requests.exceptions.ConnectionError,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                why, retry_after = f"a connection error ({type(exc).__name__})", None
            except requests.exceptions.RequestException as exc:
                # An address requests cannot use (a post can link anything): not retried.
                raise ForumError(shown, expected, f"an unusable URL ({type(exc).__name__})"
                                 ) from None
            finally:
                if stream and response is not None:
                    response.close()
            attempt += 1
            if attempt >= self.max_attempts:
                raise self._gave_up(shown, expected, f"{why} after {attempt} attempts", status)
            wait = retry_after if retry_after is not None else self._backoff(attempt - 1)
            waited = self._wait_for_retry(shown, wait, waited, why, status)

    @staticmethod
    def _gave_up(url: str, expected: str, found: str, status: int | None) -> ForumError:
        """The error once retries are exhausted, by what the last attempt met."""
        if status is None:
            return ForumUnreachable(url, expected, found, status)
        if 200 <= status < 300:
            return ForumBadResponse(url, expected, found, status)
        kind = ForumRateLimited if status == 429 else ForumUnavailable
        return kind(url, expected, found, status)

    @staticmethod
    def _retry_after(response: requests.Response) -> float | None:
        """Seconds to wait on a 429: ``Retry-After``, then JSON ``extras.wait_seconds``.

        Only numbers are read -- the human message is localized and not parsed.
        Returns None when neither is usable (the caller then backs off).
        """
        header = _float_or_none(response.headers.get("Retry-After"))
        if header is not None:
            return header
        try:
            body = response.json()
        except ValueError:
            return None
        if isinstance(body, dict) and isinstance(body.get("extras"), dict):
            return _float_or_none(body["extras"].get("wait_seconds"))
        return None

    def _client_error(self, url: str, status: int, expected: str) -> ForumHTTPError:
        if status in (404, 410):
            return ForumNotFound(url, expected, f"HTTP {status} (missing or private)", status)
        if status in (401, 403):
            hint = (" (the API key may be wrong or lack access)" if self._credentials else
                    f" (private or login required; set {ENV_API_KEY} / {ENV_API_USERNAME})")
            return ForumForbidden(url, expected, f"HTTP {status}{hint}", status)
        return ForumHTTPError(url, expected, f"HTTP {status}", status)

    @staticmethod
    def _parse_json(response: requests.Response) -> Any:
        text = response.text
        if not text.strip():
            raise ValueError("an empty body")
        try:
            return json.loads(text)
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
            raise ValueError(f"a body that is not valid JSON ({kind}, {len(text)} chars)"
                             ) from None

    # -- generic JSON ------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, Any] | None = None, *,
                 expected: str = "a JSON answer") -> Any:
        """GET a forum JSON route; ``path`` may lack ``.json`` (as ``more_topics_url`` does).

        Query parameters already in ``path`` are merged with ``params``. Absolute
        URLs are accepted only on the forum's own host (credentials must not leak).
        """
        url = self.url(path)
        if not self._is_forum(url):
            raise ForumError(display_url(url), f"a URL on {display_url(self.base_url)}",
                             "another host")
        parts = urlsplit(url)
        route = parts.path
        if not route.endswith(".json"):
            route = route.rstrip("/") + ".json"
        merged: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        merged.update(params or {})
        clean = urlunsplit((parts.scheme, parts.netloc, route, "", ""))
        return self._request(clean, merged or None, expected=expected, parse=self._parse_json)

    def _get_object(self, path: str, params: Mapping[str, Any] | None, expected: str,
                    *keys: str) -> dict[str, Any]:
        data = self.get_json(path, params, expected=expected)
        if not isinstance(data, dict) or any(k not in data for k in keys):
            found = (f"an object with keys {sorted(data)[:8]}" if isinstance(data, dict)
                     else f"a JSON {type(data).__name__}")
            raise ForumBadResponse(display_url(self.url(path)), expected, found, 200)
        return data

    # -- endpoints ---------------------------------------------------------------------

    def _topic_list(self, path: str, params: Mapping[str, Any] | None, pages: int,
                    more: Callable[[list[dict[str, Any]]], bool] | None = None) -> TopicList:
        result = TopicList()
        seen_urls: set[str] = set()
        next_path: str | None = path
        next_params = params
        for number in range(max(1, pages)):
            if next_path is None:
                break
            page = self._get_object(next_path, next_params,
                                    "a topic list (object with topic_list.topics)", "topic_list")
            before = len(result.topics)
            result.add_page(page)
            result.pages += 1
            following = page["topic_list"].get("more_topics_url")
            if not following or following in seen_urls or len(result.topics) == before:
                break
            if number + 1 < max(1, pages) and more is not None:
                topics = [t for t in page["topic_list"].get("topics") or []
                          if isinstance(t, dict)]
                if not more(topics):
                    result.stopped_early = True
                    break
            seen_urls.add(following)
            next_path, next_params = following, None
        return result

    def latest(self, pages: int = 2, per_page: int | None = None,
               more: Callable[[list[dict[str, Any]]], bool] | None = None) -> TopicList:
        """Latest topics over up to ``pages`` pages, following ``more_topics_url`` (0-based).

        ``more`` (optional) is given the topics of each page read and decides
        whether the next one is worth a request (incremental sync stops once a
        page ends with a topic it already knows unchanged);
        :attr:`TopicList.stopped_early` tells when it said no.
        """
        params = {"per_page": per_page} if per_page else None
        return self._topic_list("/latest.json", params, pages, more)

    def top(self, period: str = "weekly") -> TopicList:
        """Top topics of a period (all, yearly, quarterly, monthly, weekly, daily)."""
        return self._topic_list("/top.json", {"period": period}, 1)

    def category_topics(self, slug: str, category_id: int, period: str | None = None
                        ) -> TopicList:
        """A category's latest topics, or its top topics of ``period``."""
        if period:
            return self._topic_list(f"/c/{slug}/{category_id}/l/top.json",
                                    {"period": period}, 1)
        return self._topic_list(f"/c/{slug}/{category_id}.json", None, 1)

    def site(self) -> dict[str, Any]:
        """``/site.json``: the complete category map among other things."""
        return self._get_object("/site.json", None, "site data (object with categories)",
                                "categories")

    def topic(self, topic_id: int, max_posts: int = 500) -> dict[str, Any]:
        """A topic with ALL its posts (up to ``max_posts``) in stream order.

        ``/t/{id}.json`` carries only about 20 posts while ``post_stream.stream``
        lists every id; the rest come from ``/t/{id}/posts.json`` in chunks.
        """
        data = self._topic_page(f"/t/{int(topic_id)}.json")
        stream_obj = data["post_stream"]
        posts = {p["id"]: p for p in stream_obj["posts"] if isinstance(p, dict) and "id" in p}
        stream = [i for i in stream_obj.get("stream") or posts if isinstance(i, int)]
        stream = stream[:max_posts]
        posts.update({p["id"]: p for p in self.posts(topic_id,
                                                     [i for i in stream if i not in posts])})
        ordered = [posts[i] for i in stream if i in posts]
        data["post_stream"] = {**stream_obj, "posts": ordered, "stream": stream}
        return data

    def topic_near(self, topic_id: int, post_number: int) -> dict[str, Any]:
        """``/t/{id}/{post_number}.json``: the topic with the posts AROUND ``post_number``.

        Discourse answers with the same topic document as ``/t/{id}.json``
        (counts, ``details.participants``, ``post_stream.stream`` listing every
        post id) but its ``posts`` are a chunk starting a few posts before
        ``post_number`` (5 before, 15 from it, for the default chunk of 20; near
        the end of the topic, earlier posts fill the chunk): one request shows
        what was added since a known ``highest_post_number``.
        Posts are returned as the forum sent them, in stream order.
        """
        return self._topic_page(f"/t/{int(topic_id)}/{max(1, int(post_number))}.json")

    def _topic_page(self, path: str) -> dict[str, Any]:
        expected = "a topic (object with post_stream.posts and post_stream.stream)"
        data = self._get_object(path, None, expected, "post_stream")
        stream_obj = data["post_stream"]
        if not isinstance(stream_obj, dict) or not isinstance(stream_obj.get("posts"), list):
            raise ForumBadResponse(display_url(self.url(path)), expected,
                                   "post_stream without a posts list", 200)
        return data

    def posts(self, topic_id: int, post_ids: list[int]) -> list[dict[str, Any]]:
        """Posts of a topic by id, ``POSTS_CHUNK`` ids per ``/t/{id}/posts.json`` request."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(post_ids), POSTS_CHUNK):
            chunk = post_ids[start:start + POSTS_CHUNK]
            extra = self._get_object(f"/t/{int(topic_id)}/posts.json", {"post_ids[]": chunk},
                                     "posts (object with post_stream.posts)", "post_stream")
            found.extend(post for post in (extra["post_stream"] or {}).get("posts") or []
                         if isinstance(post, dict) and "id" in post)
        return found

    def user(self, username: str) -> dict[str, Any] | None:
        """A public profile, or None when the forum hides it (403) or it does not exist."""
        try:
            return self._get_object(f"/u/{username}.json", None,
                                    "a user profile (object with user)", "user")
        except (ForumNotFound, ForumForbidden):
            return None

    def directory(self, period: str = "monthly", order: str = "likes_received"
                  ) -> list[dict[str, Any]]:
        """Top contributors; ``period`` is mandatory for Discourse (400 without)."""
        data = self._get_object("/directory_items.json", {"period": period, "order": order},
                                "directory items (object with directory_items)",
                                "directory_items")
        return [i for i in data["directory_items"] or [] if isinstance(i, dict)]

    def about(self) -> dict[str, Any]:
        """``/about.json`` (``about.stats`` holds the community counters)."""
        return self._get_object("/about.json", None, "about data (object with about)", "about")

    def events(self) -> list[dict[str, Any]] | None:
        """Calendar plugin events, or None when the plugin is not installed (404)."""
        try:
            data = self._get_object("/discourse-post-event/events.json",
                                    {"include_details": "true"},
                                    "events (object with events)", "events")
        except ForumNotFound:
            return None
        return [e for e in data["events"] or [] if isinstance(e, dict)]

    def download(self, url: str, dest: str | Path, max_bytes: int | None = None) -> Path:
        """Download an image (avatar, upload) into ``dest``, atomically; return its path.

        Only PNG, JPEG, GIF and WebP are accepted (checked by magic bytes, not by
        the claimed Content-Type; never SVG); the extension of ``dest`` is
        corrected to match.
        Bodies over ``max_bytes`` are refused without being read to the end.
        """
        limit = self.max_download_bytes if max_bytes is None else max_bytes
        absolute = self.url(url)
        expected = f"an image (PNG, JPEG, GIF or WebP) of at most {limit} bytes"

        def parse(response: requests.Response) -> bytes:
            declared = _float_or_none(response.headers.get("Content-Length"))
            if declared is not None and declared > limit:
                raise _TooLarge(f"{int(declared)} bytes")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > limit:
                    raise _TooLarge(f"more than {limit} bytes")
            return bytes(body)

        try:
            body = self._request(absolute, None, expected=expected, parse=parse, stream=True)
        except _TooLarge as exc:
            raise ForumBadResponse(display_url(absolute), expected, str(exc), 200) from None
        suffix = image_suffix(body)
        if suffix is None:
            raise ForumBadResponse(display_url(absolute), expected,
                                   f"{len(body)} bytes of another format", 200)
        target = Path(dest).with_suffix(suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".dl-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.chmod(temp, 0o644)  # mkstemp files are private; images are published
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target


class _TooLarge(Exception):
    """Internal: a download exceeded its size cap (not retried)."""
