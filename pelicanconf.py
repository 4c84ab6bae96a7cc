"""Settings of the demo hub, for local work (``make html``, ``make serve``).

Agora's defaults (URL scheme, content folders, plugins) come first; what is
specific to this community follows. Every ``AGORA_*`` setting is documented and
validated in ``plugins/agora/settings.py``.
"""

from agora.defaults import *  # noqa: F403 - the URL scheme and folders every hub starts from

SITENAME = "Les Jardiniers du Partage"
SITESUBTITLE = "La communauté francophone des jardins partagés"
# The name and subtitle in the content's other languages (English pages live under /en/)
AGORA_SITE_TEXT = {"en": {"subtitle": "The French-speaking community of shared gardens"}}
SITEURL = ""
# Feed entries need absolute links even in a local build: they point at the public site.
PUBLIC_SITEURL = "https://jardiniers-du-partage.example"
FEED_DOMAIN = PUBLIC_SITEURL
RELATIVE_URLS = True
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"

# The demo pins its "today" so upcoming and past events stay sensible whenever it
# is built. A real hub removes this line (the AGORA_NOW environment variable can
# still pin a build, e.g. in tests).
AGORA_NOW = "2026-11-20T10:00:00+01:00"

AGORA_FORUM_URL = "https://forum.jardiniers-du-partage.example"
AGORA_FORUM_INTRODUCTIONS = "/c/presentations/5"
AGORA_NEWSLETTER = {"subscribe_url": "https://forum.jardiniers-du-partage.example/newsletter"}
# The digest: the first Thursday of every month since September 2026 (three issues
# kept in data/newsletter/ by `agora newsletter build`, the next one due in December).
AGORA_NEWSLETTER_START = "2026-09-01"
AGORA_NEWSLETTER_CADENCE = "monthly"
AGORA_NEWSLETTER_WEEKDAY = "thursday"
AGORA_NEWSLETTER_FEEDBACK_CATEGORY = "idees-retours"

# Previews rebuild fast: reuse parsed content from the previous build.
LOAD_CONTENT_CACHE = True
# Local builds are previews (make html, make serve, the pull-request preview): drafts
# and scheduled posts are written at their drafts/ URL with a "not published yet" banner.
AGORA_PREVIEW = True
