"""A Pelican generator for a content type that lives in its own folder.

Events and members are not articles with extra fields: each has its own
content class, folder, URL settings and templates. This base class follows
Pelican's ``PagesGenerator`` pipeline (find files, reuse cached objects, read
and validate, check validity, cache, publish into the context, write), so a
new content type subclasses it and sets a few class attributes.
"""

from __future__ import annotations

import logging
import os
from itertools import chain
from typing import Any, ClassVar

from pelican.contents import Content, SkipStub
from pelican.generators import CachingGenerator
from pelican.utils import order_content, process_translations

from agora.content.pairing import drop_url_collisions
from agora.content.reader import display_path, failure
from agora.problems import ContentError
from agora.state import report

logger = logging.getLogger(__name__)


class AgoraContent(Content):
    """Base of Agora's own content classes.

    The class name picks the URL settings, as in Pelican: ``Event`` reads
    ``EVENT_URL``, ``EVENT_SAVE_AS``, ``EVENT_LANG_URL``, ``EVENT_LANG_SAVE_AS``.
    """

    mandatory_properties = ("title",)
    allowed_statuses = ("published", "hidden", "draft")
    default_status = "published"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not hasattr(self, "status"):
            self.status = self.default_status

    def _expand_settings(self, key: str, klass: str | None = None) -> str:
        """A draft reads ``DRAFT_<TYPE>_URL`` and its kin, as Pelican's drafts read
        ``DRAFT_URL``; a type without them has no draft page (its save_as is empty)."""
        if klass is None and self.status == "draft":
            klass = f"draft_{type(self).__name__}"
            if f"{klass}_{key}".upper() not in self.settings:
                return ""
        return str(super()._expand_settings(key, klass))


class ContentTypeGenerator(CachingGenerator):
    """Reads ``settings[paths_setting]`` into ``content_class`` objects.

    After ``generate_context`` the published objects (default language) are
    in ``self.items`` and in the template context under ``context_name``;
    translations are in ``self.translations``.
    """

    content_class: ClassVar[type[AgoraContent]]
    paths_setting: ClassVar[str]
    excludes_setting: ClassVar[str]
    context_name: ClassVar[str]
    template_variable: ClassVar[str]  # name of the object in its own template
    order_by: ClassVar[str] = "slug"

    def __init__(self, *args: Any, **kwargs: Any):
        self.items: list[AgoraContent] = []
        self.translations: list[AgoraContent] = []
        self.hidden_items: list[AgoraContent] = []
        self.drafts: list[AgoraContent] = []
        self.failed: list[str] = []
        super().__init__(*args, **kwargs)

    def read_all(self) -> list[AgoraContent]:
        objects = []
        for path in self.get_files(
            self.settings.get(self.paths_setting, []),
            exclude=self.settings.get(self.excludes_setting, []),
        ):
            obj = self.get_cached_data(path, None)
            if obj is None:
                try:
                    obj = self.readers.read_file(
                        base_path=self.path, path=path, content_class=self.content_class,
                        context=self.context,
                    )
                except ContentError:
                    # every problem was logged with its file and field
                    logger.error("%s left out of the build (see the errors above)", path)
                    self._add_failed_source_path(path)
                    self.failed.append(path)
                    continue
                except Exception as exc:  # readers without Agora's wrapper (core not listed)
                    full = os.path.join(self.path, path)
                    report(self.settings, failure(display_path(full, self.settings.get("PATH")),
                                                  full, exc))
                    self._add_failed_source_path(path)
                    self.failed.append(path)
                    continue
                if isinstance(obj, SkipStub):
                    continue
                if not obj.is_valid():
                    self._add_failed_source_path(path)
                    self.failed.append(path)
                    continue
                self.cache_data(path, obj)
            objects.append(obj)
            self.add_source_path(obj)
            self.add_static_links(obj)
        return objects

    def accept(self, obj: AgoraContent) -> bool:
        """Whether a published object is listed and written (subclasses: consent...)."""
        return True

    def generate_context(self) -> None:
        objects = self.read_all()
        published = [o for o in objects if o.status == "published" and self.accept(o)]
        hidden = [o for o in objects if o.status == "hidden" and self.accept(o)]
        # written at their drafts address (previews); listed nowhere
        self.drafts = [o for o in objects if o.status == "draft" and self.accept(o)
                       and o.save_as]
        self.items, self.translations = process_translations(published, translation_id="slug")
        self.items = order_content(self.items, self.order_by)
        self.hidden_items = hidden
        drop_url_collisions([self.items, self.translations, self.hidden_items], self.settings)
        self.prepare()
        self.context[self.context_name] = self.items
        self.save_cache()
        self.readers.save_cache()

    def prepare(self) -> None:
        """Hook: derive listings from ``self.items`` once, before any page is written."""

    def write_listings(self, writer: Any) -> None:
        """Hook: write index pages, feeds, calendars."""

    def generate_output(self, writer: Any) -> None:
        for obj in chain(self.items, self.translations, self.hidden_items, self.drafts):
            writer.write_file(
                obj.save_as,
                self.get_template(obj.template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                override_output=hasattr(obj, "override_save_as"),
                url=obj.url,
                page=obj,
                **{self.template_variable: obj},
            )
        self.write_listings(writer)
