"""Production settings: absolute URLs, strict validation, no drafts in the output.

``make publish`` (``tools/publish.py``) builds with these settings into a fresh
staging folder and swaps it in only when the build succeeded.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# Empty counts as unset: CI passes an unset repository variable as "".
SITEURL = os.environ.get("AGORA_SITEURL") or PUBLIC_SITEURL  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# The output folder is always a fresh staging folder (tools/publish.py), so this only
# matters when pelican is run with these settings by hand: no stale page survives.
DELETE_OUTPUT_DIRECTORY = True
LOAD_CONTENT_CACHE = False

# Any content error fails the build (non-zero exit) instead of leaving a page out.
AGORA_STRICT = True

# Drafts and scheduled posts are previewed locally, never published.
AGORA_PREVIEW = False
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
DRAFT_EVENT_SAVE_AS = ""
DRAFT_EVENT_LANG_SAVE_AS = ""


PLUGINS = [*PLUGINS, "agora.precompress"]  # noqa: F405
# Web servers send a .gz or .br twin as is (nginx gzip_static/brotli_static, Caddy
# precompressed): the best compression once, at build time, instead of per request.
PRECOMPRESS_GZIP = True
PRECOMPRESS_BROTLI = True
PRECOMPRESS_ZOPFLI = False  # a few % smaller gzip for much longer builds: not worth it
PRECOMPRESS_ZSTANDARD = False
PRECOMPRESS_OVERWRITE = False  # the output folder is fresh: nothing to overwrite
# Below a network packet, compression saves no round trip; files it does not shrink
# are skipped by the plugin whatever their size.
PRECOMPRESS_MIN_SIZE = 1024
PRECOMPRESS_TEXT_EXTENSIONS = {".html", ".css", ".js", ".xml", ".json", ".txt", ".svg",
                               ".ics", ".webmanifest"}
