"""Newsletter digests: assembled from the whole hub, published on the web, ready to send.

Every build assembles the issues already due (:mod:`agora.newsletter.schedule`,
:mod:`~agora.newsletter.assemble`) and writes, per issue and language, the web
version (``/newsletter/<date>/``), ``email.html`` (styles inlined with
css-inline) and ``email.txt`` (written from the same data), plus ``issue.json``
for ``agora newsletter send`` (:mod:`~agora.newsletter.issue_files`). The
archive ``/newsletter/`` lists every issue. ``agora newsletter build`` keeps an
issue as assembled (JSON in ``AGORA_NEWSLETTER_ISSUES_DIR``), so a sent issue
never changes.

Signals used, and why:

- ``get_generators``: :class:`NewsletterGenerator` reads the editorial intros
  (``content/newsletter/<date>.md``) like any content, and writes the pages;
- when the hub is complete (``Capability.complete_hub``, after members, the
  charter and the forum, before the feeds): the issues are assembled once and
  published as ``hub.newsletter``, which the feeds read.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.capability import Capability
from agora.newsletter.generator import NewsletterGenerator, assemble_issues
from agora.newsletter.intro import CONTENT_TYPE


def get_generators(pelican: Any) -> type:
    return NewsletterGenerator


CAPABILITY = Capability("agora.newsletter", content_types=(CONTENT_TYPE,),
                        receivers=((signals.get_generators, get_generators),),
                        complete_hub=assemble_issues)


def register() -> None:
    CAPABILITY.register()
