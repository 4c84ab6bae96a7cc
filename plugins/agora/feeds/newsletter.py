"""The newsletter feed: one entry per issue, with the issue's whole web version, in each
language of the site (``/<lang>/feeds/newsletter.atom.xml``: the issue's edition in that
language).

RSS-to-email services (Mailchimp, Buttondown, listmonk's RSS campaigns) send
each new entry as it is, so the entry carries the full issue.
"""

from __future__ import annotations

from collections.abc import Iterable

from agora.feeds.model import Catalogs, Entry, Feed, feed_texts, titled
from agora.feeds.render import absolute_html
from agora.hub import Hub


def newsletter_feeds(hub: Hub, catalogs: Catalogs, limit: int
                     ) -> Iterable[Feed]:
    """The issues in each language of the site (the edition in that language)."""
    urls = hub.urls
    issues = hub.newsletter.issues if hub.newsletter is not None else []
    for lang in hub.languages:
        path = urls.feed("NEWSLETTER_FEED_ATOM", for_lang=lang)
        if not path:
            return
        entries = []
        for issue in issues[:limit]:
            edition = issue.edition(lang)
            page = urls.absolute(edition.url)
            entries.append(Entry(id=urls.identity(edition.url), title=edition.subject,
                                 url=page, published=issue.published,
                                 updated=issue.published,
                                 content_html=absolute_html(edition.web_html, page),
                                 summary=edition.preheader, lang=edition.lang))
        titles = feed_texts(hub, catalogs, lambda _, site: (
            titled(site, _("Newsletter")), _("Each issue of the newsletter, in full.")), lang)
        key = "newsletter" if lang == urls.default_lang else f"newsletter:{lang}"
        yield Feed(key, "newsletter", *titles[lang], path, urls.url("newsletter", lang=lang),
                   lang, "atom", tuple(entries), titles)
