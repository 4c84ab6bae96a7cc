"""Files stage: avatars and the images of kept bodies, downloaded once, best effort.

Pages never hot-link the forum, so every avatar and every ``<img>`` of a kept
body (best replies, profile bios) is stored in the snapshot: PNG, JPEG, GIF or
WebP by magic bytes (never SVG), under the client's size cap, at most
:data:`IMAGES_PER_POST` per body. A file already in the previous snapshot is
reused by URL (Discourse gives a changed avatar or upload a new URL).

Files are best effort, unlike the forum's data: an avatar or image that cannot
be fetched (unreachable host, refusal, timeout, 404 after retries, too big, not
an image) leaves the avatar empty -- the theme draws initials -- or the image
out, its alt text kept, with a warning naming the URL. Nothing remembers the
failure as final: the person keeps ``avatar_source`` and the body its
``cooked_source`` (``bio_source``) until a later sync stores the file. Once a
host did not answer at all, the rest of its files wait for the next sync too.

Files on other hosts than the forum (and ``AGORA_FORUM_ASSET_HOSTS``) are
fetched without credentials, and never from ``localhost`` or a loopback,
private or link-local IP address written in the URL: a post, or an edited
snapshot, must not make the sync machine probe its own network.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from agora.forum.client import IMAGE_SUFFIXES, ForumError, ForumUnreachable, display_url
from agora.forum.sanitize import SNAPSHOT_SCHEME, image_sources, localize_images, sanitize_cooked
from agora.forum.schema import Document, Person
from agora.forum.snapshot import AVATARS_DIR, IMAGES_DIR
from agora.forum.sync.run import SyncRun

#: Images downloaded per post body at most (the rest are left out, alt text kept).
IMAGES_PER_POST = 10
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")
#: Bodies and where their pending version is kept: (record key, pending key).
BODIES = (("cooked_html", "cooked_source"), ("bio_html", "bio_source"))


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def private_host(url: str) -> bool:
    """``localhost`` or an IP literal in a loopback, private, link-local... range."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def people(document: Document) -> list[Person]:
    """Every person record of the document (authors, participants, replies, directory...)."""
    found: list[Person] = []
    for topic in document.topics.values():
        found.extend(p for p in [topic.get("author")] if p)
        found.extend(topic.get("participants") or [])
        found.extend(topic.get("best_replies") or [])
    found.extend(document.directory)
    found.extend(document.users.values())
    unique = {id(p): p for p in found if p.get("username")}
    return list(unique.values())


class Files:
    """The files of one run: what was resolved, and which hosts did not answer."""

    def __init__(self, run: SyncRun):
        self.run = run
        self.images: dict[str, str | None] = {}
        #: URLs that failed in a way a later sync may not: left pending for it.
        self.retry: set[str] = set()
        #: Hosts (with their port) that did not answer at all during this run.
        self.unreachable: set[str] = set()
        self.forum_origins = {origin(run.forum_url), origin(run.client.base_url)}

    # -- fetching ------------------------------------------------------------------------

    def trusted(self, url: str) -> bool:
        """On the forum (public or read-from origin) or one of its asset hosts."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return origin(url) in self.forum_origins or host in self.run.asset_hosts

    def fetch_url(self, url: str) -> str:
        """Where to download a forum URL from: the client's base may differ from the
        public one (a mirror, a test server); other hosts are read as they are."""
        base, client = self.run.forum_url, self.run.client.base_url
        if url.startswith(base + "/"):
            return client + url[len(base):]
        if origin(url) == origin(base):
            reading = urlsplit(client)
            parts = urlsplit(url)
            return urlunsplit((reading.scheme, reading.netloc, parts.path, parts.query, ""))
        return url

    def refused(self, url: str, what: str, fallback: str) -> bool:
        """Whether ``url`` is on a local or private address it must not be fetched from."""
        if self.trusted(url) or not private_host(url):
            return False
        self.run.warn(f"{what} {display_url(url)}: expected a public address, found a local "
                      f"or private one ({fallback})")
        return True

    def download(self, url: str, stem: str, what: str, fallback: str) -> str | None:
        """``url`` stored as ``stem`` + its image suffix (relative path); None on failure.

        A failure is a warning naming the URL (``what``: whose file; ``fallback``:
        what pages show instead); the URL stays in :attr:`retry` for the next sync.
        """
        shown = display_url(url)
        host = urlsplit(url).netloc.rpartition("@")[2].lower()  # never a user:password@
        self.retry.add(url)
        if host in self.unreachable:
            self.run.warn(f"{what} {shown}: expected an answer, found none from {host} "
                          f"earlier in this sync ({fallback}; tried again at the next sync)")
            return None
        try:
            path = self.run.client.download(self.fetch_url(url),
                                            self.run.writer.staging / (stem + ".png"))
        except ForumError as exc:
            if isinstance(exc, ForumUnreachable):
                self.unreachable.add(host)
            self.run.warn(f"{what} {shown}: expected {exc.expected}, found {exc.found} "
                          f"({fallback}; tried again at the next sync)")
            return None
        self.retry.discard(url)
        return path.relative_to(self.run.writer.staging).as_posix()

    def copy_previous(self, relative: str) -> bool:
        """Whether ``relative`` is in the new snapshot, copied from the previous one if need be."""
        staging = self.run.writer.staging
        destination = staging / relative
        if destination.is_file():
            return True
        source = self.run.writer.previous_file(relative)
        if source is None:
            return False
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
        if relative.startswith(IMAGES_DIR + "/"):
            self.run.counts.images_reused += 1
        else:
            self.run.counts.avatars_reused += 1
        return True

    def reuse(self, stem: str) -> str | None:
        """``stem`` with the suffix it was stored with by an earlier sync, if it was."""
        return next((stem + s for s in IMAGE_SUFFIXES if self.copy_previous(stem + s)), None)

    # -- avatars ---------------------------------------------------------------------------

    def avatars(self, persons: list[Person]) -> None:
        """Every person's avatar as a stored file: reused, downloaded, or left pending."""
        owners = {ref: p["username"] for p in persons if (ref := avatar_ref(p))}
        pending = sorted(owners)
        resolved: dict[str, str | None] = {}
        self.run.report("avatars", 0, len(pending))
        for done, ref in enumerate(pending, start=1):
            resolved[ref] = self.avatar(owners[ref], ref)
            self.run.report("avatars", done, len(pending))
        for person in persons:
            ref = avatar_ref(person)
            if ref is None:
                continue
            person["avatar"] = resolved.get(ref)
            if person["avatar"] is None and ref in self.retry:
                person["avatar_source"] = ref
            else:
                person.pop("avatar_source", None)

    def avatar(self, username: str, ref: str) -> str | None:
        if not ref.startswith(("http://", "https://")):  # a stored local path
            return ref if self.copy_previous(ref) else None
        what, fallback = f"avatar of {username},", "initials shown"
        stored = None
        if not self.refused(ref, what, fallback):
            parts = urlsplit(ref)
            # Named by the username and the URL's path, not its host: a mirror or a
            # test server yields the same names.
            digest = hashlib.sha1((parts.path + "?" + parts.query).encode()).hexdigest()[:10]
            safe = _SAFE_NAME.sub("-", username.lower()).strip("-.") or "user"
            stem = f"{AVATARS_DIR}/{safe}-{digest}"
            stored = self.reuse(stem)
            if stored is None:
                stored = self.download(ref, stem, what, fallback)
                self.run.counts.avatars_downloaded += stored is not None
        self.run.counts.avatars_failed += stored is None
        return stored

    # -- images ----------------------------------------------------------------------------

    def bodies(self, document: Document) -> None:
        """Store the images of every kept body in the snapshot; rewrite their ``src``."""
        holders: list[tuple[dict[str, Any], str, str]] = []
        for topic in document.topics.values():
            holders += [(cast(dict[str, Any], reply), *BODIES[0])
                        for reply in topic.get("best_replies") or []]
        holders += [(cast(dict[str, Any], user), *BODIES[1]) for user in document.users.values()]
        work = [(holder, key, pending, self.body_html(holder, key, pending))
                for holder, key, pending in holders]
        work = [item for item in work if item[3]]
        total = len(dict.fromkeys(src for *_, html in work for src in image_sources(html)))
        self.run.report("images", 0, total)
        for holder, key, pending, html in work:
            self.body(holder, key, pending, html, total)

    def body_html(self, holder: dict[str, Any], key: str, pending: str) -> str:
        """The body to store: its pending version (remote images) if an earlier sync
        could not store them all, sanitized again (the snapshot is a file in git)."""
        if isinstance(holder.get(pending), str) and holder[pending]:
            return sanitize_cooked(holder[pending], self.run.forum_url)
        return str(holder.get(key) or "")

    def body(self, holder: dict[str, Any], key: str, pending: str, html: str,
             total: int) -> None:
        remote = 0
        waiting = False

        def resolve(src: str) -> str | None:
            nonlocal remote, waiting
            if not src.startswith(SNAPSHOT_SCHEME):
                remote += 1
                if remote > IMAGES_PER_POST:
                    return None
            resolved = self.image(src)
            waiting = waiting or (resolved is None and src in self.retry)
            self.run.report("images", len(self.images), total)
            return resolved

        holder[key] = localize_images(html, resolve)
        if waiting:
            holder[pending] = html
        else:
            holder.pop(pending, None)
        if remote > IMAGES_PER_POST:
            where = holder.get("url") or f"profile of {holder.get('username')}"
            self.run.warn(f"{where}: expected at most {IMAGES_PER_POST} images per post, "
                          f"found {remote} (the rest left out, alt text kept)")

    def image(self, src: str) -> str | None:
        """``snapshot:images/<name>`` for an image of a kept body; None to leave it out."""
        if src in self.images:
            return self.images[src]
        resolved: str | None = None
        if src.startswith(SNAPSHOT_SCHEME):  # stored by an earlier sync
            relative = src[len(SNAPSHOT_SCHEME):]
            if self.copy_previous(relative):
                resolved = src
            else:
                self.run.warn(f"image {relative}: expected in the previous snapshot, found "
                              "nothing (left out)")
        elif src.startswith(("http://", "https://")):
            stored = self.remote_image(src)
            resolved = SNAPSHOT_SCHEME + stored if stored else None
        self.run.counts.images_failed += resolved is None
        self.images[src] = resolved
        return resolved

    def remote_image(self, url: str) -> str | None:
        fallback = "left out, alt text kept"
        if self.refused(url, "image", fallback):
            return None
        parts = urlsplit(url)
        # A forum image is named by its path (the host may be a mirror), another by its URL.
        key = parts.path + "?" + parts.query if origin(url) in self.forum_origins else url
        stem = f"{IMAGES_DIR}/{hashlib.sha1(key.encode()).hexdigest()[:16]}"
        stored = self.reuse(stem)
        if stored is None:
            stored = self.download(url, stem, "image", fallback)
            self.run.counts.images_downloaded += stored is not None
        return stored


def avatar_ref(person: Person) -> str | None:
    """Where a person's avatar comes from: a pending URL, or the stored file."""
    return person.get("avatar_source") or person.get("avatar") or None


def resolve_files(run: SyncRun, document: Document) -> None:
    """The files stage: avatars of every person, then the images of every kept body."""
    files = Files(run)
    files.avatars(people(document))
    files.bodies(document)
