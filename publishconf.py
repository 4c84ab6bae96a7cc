"""Production settings: absolute URLs, strict validation, no drafts in the output."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("AGORA_SITEURL", PUBLIC_SITEURL)  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
LOAD_CONTENT_CACHE = False

# Any content error fails the build (non-zero exit) instead of leaving a page out.
AGORA_STRICT = True

# Drafts and scheduled posts are previewed locally, never published.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
