"""Forum HTML is untrusted: what survives, what does not, and where URLs point."""

from __future__ import annotations

from datetime import datetime

import pytest

from agora.forum.sanitize import (
    absolute_url,
    avatar_url,
    clean_text,
    excerpt_from_cooked,
    image_sources,
    localize_images,
    normalise_tags,
    sanitize_cooked,
)
from agora.forum.snapshot import dump_json, load_snapshot
from agora.forum.view import ForumView
from agora.hub import Hub

BASE = "https://forum.jardiniers-du-partage.example"


def test_scripts_iframes_styles_and_handlers_are_removed():
    cooked = ('<p onclick="steal()" style="position:fixed">Bonjour</p>'
              "<script>alert('xss')</script><style>body{display:none}</style>"
              '<iframe src="https://tracker.example/embed"></iframe>'
              '<img src="/uploads/a.png" onerror="alert(1)" onload="x()">'
              '<svg onload="alert(1)"><circle/></svg><form action="/x"><input></form>')
    html = sanitize_cooked(cooked, BASE)
    assert html == (f'<p>Bonjour</p><img src="{BASE}/uploads/a.png">')
    for bad in ("script", "alert", "iframe", "onerror", "onclick", "style", "svg", "form"):
        assert bad not in html


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
])
def test_dangerous_url_schemes_are_dropped(url):
    html = sanitize_cooked(f'<p><a href="{url}">lien</a><img src="{url}"></p>', BASE)
    assert html == '<p><a rel="nofollow ugc noopener">lien</a><img></p>'


def test_relative_urls_become_absolute_and_links_get_rel():
    cooked = ('<p><a class="mention" href="/u/camille.r">@camille.r</a> '
              '<img src="/images/emoji/twitter/seedling.png?v=12" class="emoji" alt=":seedling:">'
              ' <a href="//cdn.example/guide.pdf">guide</a>'
              ' <a href="https://wikipedia.org/wiki/Limace">wiki</a>'
              ' <a href="mailto:contact@jardiniers.example">mail</a></p>'
              '<p><img src="/uploads/default/original/1X/bac.jpeg" alt="bac"></p>')
    html = sanitize_cooked(cooked, BASE)
    assert f'<a class="mention" href="{BASE}/u/camille.r" rel="nofollow ugc noopener">' in html
    assert f'src="{BASE}/images/emoji/twitter/seedling.png?v=12" class="emoji"' in html
    assert '<a href="https://cdn.example/guide.pdf" rel="nofollow ugc noopener">' in html
    assert '<a href="https://wikipedia.org/wiki/Limace" rel="nofollow ugc noopener">' in html
    assert 'href="mailto:contact@jardiniers.example"' in html
    assert f'<img src="{BASE}/uploads/default/original/1X/bac.jpeg" alt="bac">' in html


def test_text_markup_quotes_code_lists_tables_survive_and_classes_are_filtered():
    cooked = ('<aside class="quote no-group" data-username="yanis_b" data-post="3">'
              '<div class="title">yanis_b :</div><blockquote><p>un <em>tableur</em></p>'
              '</blockquote></aside><ul><li><strong>un</strong></li></ul>'
              '<pre><code class="lang-python">print("ok")</code></pre>'
              '<table><thead><tr><th>Jour</th></tr></thead><tbody><tr><td colspan="2">lun.</td>'
              '</tr></tbody></table><p class="evil-overlay">x</p>'
              '<details><summary>Plus</summary>caché</details>')
    html = sanitize_cooked(cooked, BASE)
    assert html.startswith('<aside class="quote"><div class="title">yanis_b :</div>'
                           "<blockquote><p>un <em>tableur</em></p></blockquote></aside>")
    assert "<ul><li><strong>un</strong></li></ul>" in html
    assert '<pre><code>print("ok")</code></pre>' in html
    assert '<td colspan="2">lun.</td>' in html
    assert "<p>x</p>" in html and "evil-overlay" not in html and "data-" not in html
    assert "<details><summary>Plus</summary>caché</details>" in html


def test_lightbox_caption_is_dropped_but_image_and_link_kept():
    cooked = ('<div class="lightbox-wrapper"><a class="lightbox" href="/uploads/o/g.jpeg" '
              'title="g.jpeg"><img src="/uploads/opt/g_690x460.jpeg" alt="Graines" '
              'srcset="/uploads/opt/g_1035.jpeg 1.5x"><div class="meta"><svg class="fa">'
              '<use href="#far-image"></use></svg><span class="filename">g.jpeg</span>'
              '<span class="informations">1200×800 240 KB</span></div></a></div>')
    html = sanitize_cooked(cooked, BASE)
    assert html == (f'<div class="lightbox-wrapper"><a class="lightbox" href="{BASE}/uploads/o/'
                    f'g.jpeg" title="g.jpeg" rel="nofollow ugc noopener"><img src="{BASE}/'
                    'uploads/opt/g_690x460.jpeg" alt="Graines"></a></div>')


def test_empty_cooked_is_empty():
    assert sanitize_cooked(None, BASE) == "" and sanitize_cooked("", BASE) == ""


def test_excerpt_is_plain_text_without_quotes_or_code():
    cooked = ('<aside class="quote"><blockquote><p>cité ailleurs</p></blockquote></aside>'
              "<p>Les <strong>pièges à bière</strong> &amp; la cendre.</p>"
              "<pre><code>print(1)</code></pre><p>Deuxième<br>ligne.</p>"
              '<img src="/e.png" alt=":snail:"><script>alert(1)</script>')
    assert excerpt_from_cooked(cooked, 200) == "Les pièges à bière & la cendre. Deuxième ligne."


def test_excerpt_is_cut_at_a_word_with_an_ellipsis():
    cooked = "<p>" + "semis " * 60 + "</p>"
    excerpt = excerpt_from_cooked(cooked, 40)
    assert excerpt == "semis semis semis semis semis semis…"
    assert len(excerpt) <= 40


@pytest.mark.parametrize(("tags", "expected"), [
    (["compost", "serre"], ["compost", "serre"]),
    ([{"id": 40, "name": "semis", "slug": "semis"}, {"id": 41, "name": "compost",
                                                      "slug": "compost"}], ["semis", "compost"]),
    ([{"id": 1, "slug": "sans-nom"}, "serre", "serre", None, 3, {"name": " "}],
     ["sans-nom", "serre"]),
    (None, []),
])
def test_tags_are_names_whatever_their_shape(tags, expected):
    assert normalise_tags(tags) == expected


@pytest.mark.parametrize(("template", "expected"), [
    ("/user_avatar/forum.example/camille.r/{size}/21_2.png",
     f"{BASE}/user_avatar/forum.example/camille.r/96/21_2.png"),
    ("/letter_avatar_proxy/v4/letter/y/8e7dd6/{size}.png",
     f"{BASE}/letter_avatar_proxy/v4/letter/y/8e7dd6/96.png"),
    ("https://avatars.cdn.example/user_avatar/s/{size}/3.png",
     "https://avatars.cdn.example/user_avatar/s/96/3.png"),
    ("//cdn.example/a/{size}.png", "https://cdn.example/a/96.png"),
    ("javascript:alert('{size}')", None),
    ("", None),
    (None, None),
])
def test_avatar_url_replaces_size_and_absolutizes(template, expected):
    assert avatar_url(template, 96, BASE) == expected


def test_absolute_url_and_clean_text():
    assert absolute_url("/t/limaces/103", BASE + "/") == f"{BASE}/t/limaces/103"
    assert absolute_url("data:image/png;base64,AA", BASE) is None
    assert clean_text("Bilan &amp; suite&hellip;  \n ok") == "Bilan & suite… ok"
    assert clean_text(None) == ""


# ------------------------------------------------------------------ images stay local


def test_snapshot_image_references_survive_only_as_image_sources():
    cooked = ('<p><img src="snapshot:images/0a1b2c3d4e5f6a7b.png" alt="ok">'
              '<a href="snapshot:images/0a1b2c3d4e5f6a7b.png">lien</a>'
              '<img src="snapshot:images/../../etc/passwd" alt="a">'
              '<img src="snapshot:avatars/camille.png" alt="b">'
              '<img src="SNAPSHOT:images/0a1b2c3d4e5f6a7b.png" alt="c"></p>')
    html = sanitize_cooked(cooked, BASE)
    assert html == ('<p><img src="snapshot:images/0a1b2c3d4e5f6a7b.png" alt="ok">'
                    '<a rel="nofollow ugc noopener">lien</a><img alt="a"><img alt="b">'
                    '<img alt="c"></p>')
    assert sanitize_cooked(html, BASE) == html  # stable when sanitized again at build time


def test_localize_images_rewrites_kept_images_and_drops_the_others():
    html = sanitize_cooked(
        '<p>Regardez <img src="/uploads/x.png" alt="le bac &amp; la &lt;serre&gt;" '
        'width="690" height="460"> et <img src="/images/emoji/twitter/snail.png?v=12" '
        'title=":snail:" class="emoji" alt=":snail:"> <img src="/uploads/y.png"></p>', BASE)
    assert image_sources(html) == [f"{BASE}/uploads/x.png",
                                   f"{BASE}/images/emoji/twitter/snail.png?v=12",
                                   f"{BASE}/uploads/y.png"]
    asked: list[str] = []

    def resolve(src: str) -> str | None:
        asked.append(src)
        return "snapshot:images/x.png" if src.endswith("/x.png") else None

    local = localize_images(html, resolve)
    assert asked == image_sources(html)
    assert local == ('<p>Regardez <img src="snapshot:images/x.png" '
                     'alt="le bac &amp; la &lt;serre&gt;" width="690" height="460"> '
                     "et :snail: </p>")
    assert localize_images("", resolve) == ""


def test_view_drops_remote_images_left_in_a_snapshot(tmp_path):
    folder = tmp_path / "forum"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "0a1b2c3d4e5f6a7b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    reply = {"username": "bob", "name": "Bob", "avatar": None, "like_count": 2,
             "post_number": 2, "created_at": "2026-11-02T10:00:00Z",
             "cooked_html": '<p><img src="snapshot:images/0a1b2c3d4e5f6a7b.png" alt="bac">'
                            '<img src="https://forum.example.org/uploads/x.png" alt="remote">'
                            '<img src="//cdn.example/y.png" alt="cdn">'
                            '<img src="snapshot:images/ffffffffffffffff.png" alt="gone">'
                            '<a href="https://forum.example.org/t/x/42">lien</a></p>'}
    topic = {"id": 42, "title": "Compost", "posts_count": 2, "best_replies": [reply],
             "participants": []}
    (folder / "snapshot.json").write_text(dump_json({
        "format": 1, "taken_at": "2026-11-20T08:00:00+01:00",
        "forum_url": "https://forum.example.org", "categories": [], "latest": [], "top": {},
        "topics": {"42": topic}, "stats": {}, "directory": [], "users": {}, "events": [],
        "history": []}), encoding="utf-8")
    snapshot = load_snapshot(folder)
    assert snapshot is not None
    output = tmp_path / "output"
    hub = Hub.for_settings({}, datetime.fromisoformat("2026-11-20T09:00:00+01:00"))
    view = ForumView(snapshot, hub, output_path=output)
    html = str(view.thread(42)["best_replies"][0]["html"])
    # relative URLs: the template replaces the marker with the way to the site root
    assert html == ('<p><img src="agora-site-root:forum/images/0a1b2c3d4e5f6a7b.png" '
                    'alt="bac">remotecdngone'
                    '<a href="https://forum.example.org/t/x/42" rel="nofollow ugc noopener">'
                    "lien</a></p>")
    assert (output / "forum" / "images" / "0a1b2c3d4e5f6a7b.png").is_file()
    assert view.image_src("https://forum.example.org/uploads/x.png") is None
    assert view.image_src("snapshot:avatars/../snapshot.json") is None
    view.hub = Hub.for_settings({"SITEURL": "https://hub.example/jardins"},  # in a subfolder
                                hub.now)
    assert view.image_src("snapshot:images/0a1b2c3d4e5f6a7b.png") == (
        "/jardins/forum/images/0a1b2c3d4e5f6a7b.png")
