"""Reads member profiles; only consenting members are ever published."""

from __future__ import annotations

import logging
from typing import Any

from agora.content.generator import ContentTypeGenerator
from agora.members.model import Member

logger = logging.getLogger(__name__)


class MembersGenerator(ContentTypeGenerator):
    content_class = Member
    paths_setting = "MEMBER_PATHS"
    excludes_setting = "MEMBER_EXCLUDES"
    context_name = "members"
    template_variable = "member"
    order_by = "title"

    def accept(self, obj: Any) -> bool:
        if not obj.consent:
            logger.info("%s: not published (no `consent: true`)", obj.source_path)
            return False
        return True

    def prepare(self) -> None:
        self.context["members_by_slug"] = {m.slug: m for m in self.items}

    def write_listings(self, writer: Any) -> None:
        writer.write_file("members/index.html", self.get_template("members"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url="members/",
                          page_url="members/", lang=self.settings["DEFAULT_LANG"])
