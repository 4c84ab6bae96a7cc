"""The newsletter feed: one entry per issue, with the issue's whole web version.

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
    urls = hub.urls
    path = urls.feed("NEWSLETTER_FEED_ATOM")
    if not path:
        return
    lang = urls.default_lang
    issues = hub.newsletter.issues if hub.newsletter is not None else []
    entries = []
    for issue in issues[:limit]:
        edition = issue.edition(lang)
        page = urls.absolute(edition.url)
        entries.append(Entry(id=urls.identity(edition.url), title=edition.subject, url=page,
                             published=issue.published, updated=issue.published,
                             content_html=absolute_html(edition.web_html, page),
                             summary=edition.preheader, lang=lang))
    titles = feed_texts(hub, catalogs, lambda _, site: (
        titled(site, _("Newsletter")), _("Each issue of the newsletter, in full.")), lang)
    yield Feed("newsletter", "newsletter", *titles[lang], path, urls.url("newsletter"), lang,
               "atom", tuple(entries), titles)
