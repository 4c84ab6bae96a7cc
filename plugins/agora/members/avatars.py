"""Member avatars: local images, resized at build time, never hot-linked.

A profile's ``avatar`` is an image inside the content folder. The build writes
square WebP copies at :data:`AVATAR_SIZES` beside the profile page
(``MEMBER_AVATAR_SAVE_AS``: ``members/<slug>/avatar-96.webp``); the original is never published (the
default settings exclude ``images/members`` from static files), so a 4000 px
photo costs visitors a few kilobytes and its EXIF data (GPS position, camera)
never leaves the repository. Resized files are cached in Pelican's cache
folder against the source's size and modification time, so a rebuild only
re-encodes changed pictures.

Members without an avatar get their initials on a colour picked from their
slug (:func:`initials_hue`), drawn by the theme, not by an image.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from agora.urls import urls_of

#: Square sizes written for every avatar, in pixels (1x and 2x of the profile picture).
AVATAR_SIZES = (96, 192)
#: The PNG copy newsletters show (48 CSS pixels, sharp on 2x screens).
EMAIL_SIZE = 96
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
#: Bump when the encoding changes, so cached files are re-rendered.
RENDER_VERSION = "1"
HUES = 6

_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def initials(name: str) -> str:
    """Up to two initials, letters only: "Nadia <b>K.</b>" (a forum name) gives "NK"."""
    letters = []
    for word in re.sub(r"<[^>]*>", " ", name).replace("-", " ").split():
        first = next((c for c in word if c.isalpha()), "")
        if first:
            letters.append(first.upper())
    return "".join(letters[:2]) or "?"


def initials_hue(slug: str) -> int:
    """A colour index that stays the same for a member from build to build."""
    return zlib.crc32(slug.encode("utf-8")) % HUES


def avatar_source(value: str, settings: Mapping[str, Any]) -> Path:
    """The file an ``avatar`` value names, inside the content folder.

    Accepts ``images/members/a.jpg``, ``/images/members/a.jpg`` and Pelican's
    ``{static}/images/members/a.jpg``.
    """
    relative = value.strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        if relative.startswith(prefix):
            relative = relative[len(prefix):]
    return Path(settings["PATH"]) / relative.lstrip("/")


def avatar_problem(value: str, settings: Mapping[str, Any]) -> str | None:
    """What is wrong with an ``avatar`` value ("expected ..."), or None when it is usable."""
    if _URL_RE.match(value.strip()):
        return ("expected a local image file inside the content folder, like "
                "images/members/jeanne.jpg (avatars are never hot-linked)")
    source = avatar_source(value, settings)
    root = Path(settings["PATH"]).resolve()
    if root not in source.resolve().parents:
        return "expected an image path inside the content folder"
    if not source.is_file():
        return (f"expected an existing image file at {Path(settings['PATH']).name}/"
                f"{source.relative_to(settings['PATH']).as_posix()}")
    try:
        with Image.open(source) as image:
            kind = image.format
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        kind = None
    if kind not in ACCEPTED_FORMATS:
        return "expected a PNG, JPEG, GIF or WebP image"
    return None


@dataclass(frozen=True)
class AvatarImage:
    """The resized copies of one member's avatar: ``files`` maps size -> output path.

    Output paths double as URLs relative to ``SITEURL``.
    """

    source: Path
    files: tuple[tuple[int, str], ...]
    #: a PNG for email, where WebP is not shown everywhere: (size, output path)
    email: tuple[int, str] | None = None

    def url(self, size: int) -> str:
        """The smallest copy at least ``size`` pixels wide (the largest otherwise)."""
        for width, path in self.files:
            if width >= size:
                return path
        return self.files[-1][1]

    def srcset(self, size: int, siteurl: str = "") -> str:
        """A ``srcset`` for a picture shown ``size`` CSS pixels wide; "" when ``src`` is enough.

        ``src`` (:meth:`url`) is already sharp on 2x screens when one copy serves both.
        """
        prefix = f"{siteurl}/"  # like templates: {{ SITEURL }}/{{ url }}
        one, two = self.url(size), self.url(size * 2)
        return f"{prefix}{one} 1x, {prefix}{two} 2x" if two != one else ""


def avatar_image(slug: str, value: str, settings: Mapping[str, Any]) -> AvatarImage:
    """Where the resized copies of ``slug``'s avatar go (``MEMBER_AVATAR_SAVE_AS``)."""
    urls = urls_of(settings)
    return AvatarImage(avatar_source(value, settings),
                       tuple((size, urls.save_as("member_avatar", slug=slug, size=size))
                             for size in AVATAR_SIZES),
                       (EMAIL_SIZE, urls.save_as("member_email_avatar", slug=slug,
                                                 size=EMAIL_SIZE)))


def render(source: Path, size: int, kind: str = "WEBP") -> bytes:
    """A ``size`` x ``size`` WebP (or PNG) of ``source``: EXIF-rotated, centre-cropped,
    no metadata."""
    with Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB")
        # Faces sit a little above the middle of most portraits.
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS,
                              centering=(0.5, 0.4))
    buffer = io.BytesIO()
    if kind == "PNG":
        square.save(buffer, "PNG", optimize=True)
    else:
        square.save(buffer, "WEBP", quality=82, method=6)
    return buffer.getvalue()


def _cache_names(source: Path, size: int, suffix: str) -> tuple[str, str]:
    """(prefix shared by every version of this source, file name of this version)."""
    stat = source.stat()
    origin = hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:16]
    stamp = hashlib.sha1(f"{stat.st_mtime_ns}:{stat.st_size}:{RENDER_VERSION}".encode()
                         ).hexdigest()[:12]
    return f"{origin}-{size}-{suffix}-", f"{origin}-{size}-{suffix}-{stamp}.{suffix}"


def write_avatar(image: AvatarImage, output_path: Path, cache_dir: Path | None = None) -> None:
    """Write every size of ``image`` into ``output_path``, reusing cached renders."""
    copies = [(size, relative, "webp") for size, relative in image.files]
    if image.email is not None:
        copies.append((*image.email, "png"))
    for size, relative, suffix in copies:
        target = output_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        kind = suffix.upper()
        if cache_dir is None:
            target.write_bytes(render(image.source, size, kind))
            continue
        prefix, name = _cache_names(image.source, size, suffix)
        cached = cache_dir / name
        if not cached.is_file():
            data = render(image.source, size, kind)
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob(prefix + "*"):
                old.unlink(missing_ok=True)  # the source changed: drop its old renders
            partial = cached.with_suffix(".partial")
            partial.write_bytes(data)
            os.replace(partial, cached)
        shutil.copyfile(cached, target)


def cache_folder(settings: Mapping[str, Any]) -> Path | None:
    """Where resized avatars are cached (None when the site disables caching)."""
    if not settings.get("CACHE_CONTENT", False) or not settings.get("CACHE_PATH"):
        return None
    return Path(settings["CACHE_PATH"]) / "agora-avatars"
