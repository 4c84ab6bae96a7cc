"""Pelican settings every Agora hub starts from: the URL scheme, content folders, plugins.

``pelicanconf.py`` star-imports this module and then sets what is specific to
the community. The URL scheme lives here: content carries its ``url``, and
everything else is linked through :mod:`agora.urls`, which reads the
``<NAME>_URL`` / ``<NAME>_SAVE_AS`` settings below (a site may override any).

| what | URL |
|---|---|
| home | ``/`` |
| blog | ``/blog/``, ``/blog/page/2/``, ``/blog/<slug>/``, ``/category/<slug>/``, ``/tag/<slug>/`` |
| events | ``/events/``, ``/events/past/``, ``/events/<slug>/``, ``/events/<slug>.ics``, |
|        | ``/events/calendar.ics``, ``/events/format/<f>/`` (+ ``.ics``), ``/events/tag/<t>.ics`` |
| members | ``/members/``, ``/members/<slug>/`` (a member author's page), |
|         | ``/members/<slug>/avatar-96.webp`` |
| authors | ``/author/<slug>/`` (authors who are not members) |
| pages | ``/<slug>/`` (``/charter/``, ``/onboarding/``, ``/about/``) |
| forum, newsletter | ``/forum/`` (and ``/forum/avatars/...``, ``/forum/images/...``), |
|                   | ``/newsletter/`` |
| home, not found | ``/``, ``/404.html`` |
| feeds | ``/feeds/`` (list, ``agora.opml``), ``/feeds/all.atom.xml``, ``all.rss.xml``, |
|       | ``all-<lang>.atom.xml``, ``<category>.atom.xml``, ``tag/<t>.atom.xml``, |
|       | ``series/<s>.atom.xml``, ``author/<member>.atom.xml``, ``events.atom.xml``, |
|       | ``forum.atom.xml``, ``newsletter.atom.xml`` |
| search | ``/search/`` (the page), ``/pagefind/`` (Pagefind's index and scripts) |
| crawlers | ``/sitemap.xml``, ``/robots.txt`` |
| other languages | the same paths under ``/<lang>/`` |
"""

from __future__ import annotations

# --- content folders (relative to PATH) ---
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
EVENT_PATHS = ["events"]
EVENT_EXCLUDES: list[str] = []
MEMBER_PATHS = ["members"]
MEMBER_EXCLUDES: list[str] = []
CHARTER_PATHS = ["pages/charter"]
ARTICLE_EXCLUDES = ["events", "members", "pages", "newsletter"]
PAGE_EXCLUDES = ["events", "members", "articles", "newsletter"]
STATIC_PATHS = ["images", "extra"]
# Member avatars are published resized (members/<slug>/avatar-*.webp), never as uploaded.
STATIC_EXCLUDES = ["images/members"]
IGNORE_FILES = [".#*", "*.swp", "README.md"]
SLUGIFY_SOURCE = "basename"  # URLs follow file names, so re-titling never breaks links

# --- URL scheme ---
ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/blog/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/blog/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_URL = "{lang}/drafts/{slug}/"
DRAFT_LANG_SAVE_AS = "{lang}/drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "{lang}/drafts/pages/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "{lang}/drafts/pages/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
# An author who is a member links to the profile (agora.members.authors); any other
# name gets an author page, as in Pelican.
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_SAVE_AS = ""
HOME_URL = ""
HOME_SAVE_AS = "index.html"
NOT_FOUND_URL = "404.html"
NOT_FOUND_SAVE_AS = "404.html"
INDEX_URL = "blog/"
INDEX_SAVE_AS = "blog/index.html"
ARCHIVES_URL = "blog/archives/"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
EVENT_URL = "events/{slug}/"
EVENT_SAVE_AS = "events/{slug}/index.html"
DRAFT_EVENT_URL = "drafts/events/{slug}/"
DRAFT_EVENT_SAVE_AS = "drafts/events/{slug}/index.html"
DRAFT_EVENT_LANG_URL = "{lang}/drafts/events/{slug}/"
DRAFT_EVENT_LANG_SAVE_AS = "{lang}/drafts/events/{slug}/index.html"
EVENT_LANG_URL = "{lang}/events/{slug}/"
EVENT_LANG_SAVE_AS = "{lang}/events/{slug}/index.html"
# Event listings and calendars (agora.events); a calendar's URL is its path.
EVENTS_URL = "events/"
EVENTS_SAVE_AS = "events/index.html"
EVENTS_PAST_URL = "events/past/"
EVENTS_PAST_SAVE_AS = "events/past/index.html"
EVENT_FORMAT_URL = "events/format/{slug}/"
EVENT_FORMAT_SAVE_AS = "events/format/{slug}/index.html"
EVENTS_CALENDAR_SAVE_AS = "events/calendar.ics"
EVENT_ICS_SAVE_AS = "events/{slug}.ics"
EVENT_FORMAT_ICS_SAVE_AS = "events/format/{slug}.ics"
EVENT_TAG_ICS_SAVE_AS = "events/tag/{slug}.ics"
MEMBER_URL = "members/{slug}/"
MEMBER_SAVE_AS = "members/{slug}/index.html"
MEMBER_LANG_URL = "{lang}/members/{slug}/"
MEMBER_LANG_SAVE_AS = "{lang}/members/{slug}/index.html"
MEMBERS_URL = "members/"
MEMBERS_SAVE_AS = "members/index.html"
# Resized avatars, beside the profile (agora.members)
MEMBER_AVATAR_SAVE_AS = "members/{slug}/avatar-{size}.webp"
MEMBER_EMAIL_AVATAR_SAVE_AS = "members/{slug}/avatar-{size}.png"  # for newsletters
# The forum page, and the avatars and images of forum posts it publishes (agora.forum)
FORUM_PAGE_URL = "forum/"
FORUM_PAGE_SAVE_AS = "forum/index.html"
FORUM_FILE_SAVE_AS = "forum/{path}"
NEWSLETTER_URL = "newsletter/"
NEWSLETTER_SAVE_AS = "newsletter/index.html"
# One issue: its web version, and the two parts of its email (agora.newsletter)
NEWSLETTER_ISSUE_URL = "newsletter/{slug}/"
NEWSLETTER_ISSUE_SAVE_AS = "newsletter/{slug}/index.html"
NEWSLETTER_EMAIL_HTML_SAVE_AS = "newsletter/{slug}/email.html"
NEWSLETTER_EMAIL_TEXT_SAVE_AS = "newsletter/{slug}/email.txt"
NEWSLETTER_ISSUE_DATA_SAVE_AS = "newsletter/{slug}/issue.json"
NEWSLETTER_PATHS = ["newsletter"]  # editorial intros: content/newsletter/<date>.md
# Earlier versions of a charter page (agora.charter): /charter/v/1.0/
CHARTER_VERSION_URL = "{slug}/v/{version}/"
CHARTER_VERSION_SAVE_AS = "{slug}/v/{version}/index.html"
CHARTER_VERSION_LANG_URL = "{lang}/{slug}/v/{version}/"
CHARTER_VERSION_LANG_SAVE_AS = "{lang}/{slug}/v/{version}/index.html"
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DEFAULT_PAGINATION = 10

# --- feeds (agora.feeds writes them with feedgen; Pelican's own feed writer is off) ---
# Pelican's setting names, so a site's existing feed URLs keep their subscribers;
# None turns a feed off. The default language's articles are in all.*, each other
# language's in all-<lang>.*.
# Each has an RSS twin setting (CATEGORY_FEED_RSS...): Agora writes RSS only for the
# whole blog by default.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"
TRANSLATION_FEED_RSS = None
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = "feeds/author/{slug}.atom.xml"  # never a member who has not consented
AUTHOR_FEED_RSS = None
SERIES_FEED_ATOM = "feeds/series/{slug}.atom.xml"
EVENTS_FEED_ATOM = "feeds/events.atom.xml"
FORUM_FEED_ATOM = "feeds/forum.atom.xml"
NEWSLETTER_FEED_ATOM = "feeds/newsletter.atom.xml"
FEED_MAX_ITEMS = 20
# The list of every feed and calendar, and the same as OPML for feed readers
FEEDS_URL = "feeds/"
FEEDS_SAVE_AS = "feeds/index.html"
FEEDS_OPML_SAVE_AS = "feeds/agora.opml"

# --- search and machine-readable basics (agora.search, agora.discovery) ---
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# Pagefind's index and scripts, written by the Pagefind binary after the build
SEARCH_INDEX_URL = "pagefind/"
SITEMAP_SAVE_AS = "sitemap.xml"

# --- rendering ---
THEME = "theme"
THEME_STATIC_DIR = "theme"
THEME_STATIC_PATHS = ["static"]
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
WITH_FUTURE_DATES = True  # scheduling is Agora's, on its settable clock (agora.core)
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        # toc's heading ids without its table of contents, which no page shows
        "agora.headings": {"permalink": False},
    },
    "output_format": "html5",
}
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Every build (and every --autoreload run) makes new environments: checking each
    # template's file on every include, thousands of times per build, is wasted.
    "auto_reload": False,
    "extensions": ["jinja2.ext.i18n"],
}
DISPLAY_PAGES_ON_MENU = False  # a menu of every page on every page is quadratic
DISPLAY_CATEGORIES_ON_MENU = False

# --- Agora plugins, listed explicitly; agora.core is required by the others ---
PLUGINS = [
    "agora.core",
    "agora.events",
    "agora.members",
    "agora.charter",
    "agora.forum.plugin",
    "agora.newsletter",
    "agora.feeds",  # after the capabilities whose content it syndicates
    "agora.discovery",  # canonical links, social cards, sitemap.xml, robots.txt
    "agora.search",  # the search page; Pagefind indexes the written site
    "agora.incremental",  # previews re-render only the pages an edit changed
    "agora.prefetch",  # content files are parsed on every core
    "agora.render",  # pages are rendered and written on every core
]

CACHE_CONTENT = True
CACHE_PATH = ".cache/pelican"
LOAD_CONTENT_CACHE = False  # pelicanconf turns it on for previews (make serve)
