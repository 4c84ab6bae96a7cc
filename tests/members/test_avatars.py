"""Avatars: local, resized at build time, sized in the HTML, never hot-linked."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from PIL import Image

from agora.members.avatars import AvatarImage, initials
from tests.conftest import Site


def image_sources(site: Site) -> list[tuple[str, str]]:
    """(page, URL) of every <img> src and srcset candidate in the output."""
    found = []
    for file in site.pages():
        page = site.html(str(file.relative_to(site.output)))
        for img in page.iter("img"):
            urls = [img.get("src", "")]
            urls += [c.strip().split()[0] for c in img.get("srcset", "").split(",") if c.strip()]
            found += [(str(file.relative_to(site.output)), url) for url in urls]
    return found


def remote(sources: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(page, url) for page, url in sources if urlparse(url).scheme or url.startswith("//")]


def test_no_member_image_points_to_another_host(demo_site, edge_site):
    for site in (demo_site, edge_site):
        sources = [(page, url) for page, url in image_sources(site)
                   if page.startswith("members/") or page == "index.html"]
        assert len(sources) > 20  # avatars on the members pages at least
        assert remote(sources) == []


def test_the_check_sees_remote_images():
    assert remote([("a.html", "https://forum.example/x.png"), ("a.html", "//cdn/x.png"),
                   ("a.html", "../members/a/avatar-96.webp")]) == [
        ("a.html", "https://forum.example/x.png"), ("a.html", "//cdn/x.png")]


def test_no_image_in_the_output_points_to_another_host(demo_site):
    # The whole site, forum blocks included (their images are agora.forum's to download).
    assert remote(image_sources(demo_site)) == []


def test_every_member_image_has_its_size_and_exists(demo_site):
    for page in ("members/", "members/camille-roux/", ""):
        for img in demo_site.html(page).cssselect("img.avatar"):
            assert img.get("width") and img.get("height") and img.get("alt") == "", page
            target = (demo_site.path(page).parent / img.get("src")).resolve()
            assert target.is_file(), (page, img.get("src"))


def test_avatars_are_resized_copies_and_originals_are_not_published(demo_site):
    folder = demo_site.output / "members" / "camille-roux"
    for size in (96, 192):
        with Image.open(folder / f"avatar-{size}.webp") as image:
            assert image.size == (size, size) and image.format == "WEBP"
    assert not (demo_site.output / "images" / "members").exists()
    profile = demo_site.html("members/camille-roux/").cssselect(".member-header img")[0]
    assert profile.get("srcset") == ("../../members/camille-roux/avatar-96.webp 1x, "
                                     "../../members/camille-roux/avatar-192.webp 2x")


def test_members_without_avatar_get_initials(demo_site):
    card = next(li for li in demo_site.html("members/").cssselect(".member-card")
                if "Inès Moreau" in li.text_content())
    badge = card.cssselect(".avatar")[0]
    assert badge.tag == "span" and badge.text_content() == "IM"
    assert badge.get("aria-hidden") == "true" and "initials" in badge.get("class")


def test_an_oversized_upload_is_resized_not_copied(edge_site):
    folder = edge_site.output / "members" / "big-bea"
    sizes = {}
    for size in (96, 192):
        with Image.open(folder / f"avatar-{size}.webp") as image:
            sizes[size] = image.size
        assert (folder / f"avatar-{size}.webp").stat().st_size < 20_000
    assert sizes == {96: (96, 96), 192: (192, 192)}
    assert not list(edge_site.output.rglob("big-bea.jpg"))
    # resized once, then reused from the cache on the next build
    assert list((edge_site.root / ".cache" / "agora-avatars").glob("*-192-*.webp"))


@pytest.mark.parametrize(("file", "field", "expected"), [
    ("content/members/missing-mo.md", "avatar",
     'expected an existing image file at content/images/members/nope.png, '
     'found "images/members/nope.png"'),
    ("content/members/hotlink-hal.md", "avatar",
     "expected a local image file inside the content folder, like images/members/jeanne.jpg "
     '(avatars are never hot-linked), found "https://images.example.org/hal.png"'),
    ("content/members/old/camille.md", "slug",
     "expected a member slug no other profile uses (content/members/camille-roux.md already "
     'uses it), found "camille-roux"'),
    ("content/members/usurper/sofia.md", "discourse",
     "expected a forum username no other profile claims (content/members/sofia-martin.md "
     'already does), found "Sofia.M"'),
])
def test_bad_member_input_is_an_error_naming_file_and_field(edge_site, file, field, expected):
    assert f"{file}: {field}: {expected}" in edge_site.state.log.errors


@pytest.mark.parametrize(("file", "field", "slug"), [
    ("content/articles/bad-spotlight.md", "spotlight", "nobody-here"),
    ("content/events/bad-host.md", "hosts", "ghost-member"),
])
def test_unknown_member_slugs_are_errors(edge_site, file, field, slug):
    prefix = f"{file}: {field}: expected a known member slug ("
    assert any(e.startswith(prefix) and e.endswith(f'found "{slug}"')
               for e in edge_site.state.log.errors), edge_site.state.log.errors


def test_avatar_image_urls():
    image = AvatarImage(source=None, files=((96, "members/a/avatar-96.webp"),
                                            (192, "members/a/avatar-192.webp")))
    assert image.url(32) == image.url(96) == "members/a/avatar-96.webp"
    assert image.url(500) == "members/a/avatar-192.webp"
    assert image.srcset(48, "..") == ""  # one copy serves 1x and 2x
    assert image.srcset(96, "..") == ("../members/a/avatar-96.webp 1x, "
                                      "../members/a/avatar-192.webp 2x")


@pytest.mark.parametrize(("name", "expected"), [
    ("Camille Roux", "CR"), ("Inès Moreau", "IM"), ("Jean-Pierre Martin", "JP"),
    ("Théo", "T"), ("Nadia <b>K.</b>", "NK"), ("  ", "?"), ("@@@", "?"),
])
def test_initials(name, expected):
    assert initials(name) == expected
