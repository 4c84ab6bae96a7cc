"""Charter pages: versioned rules with a plain-language summary.

Charter pages live in ``content/pages/charter/`` (``CHARTER_PATHS``); they are
Pelican pages with their own schema and template.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.content import fields as f
from agora.content.schema import ContentType, make_schema, register_content_type

CHANGE = f.mapping({"version": f.text(required=True), "date": f.date_field(required=True),
                    "summary": f.text(required=True)})

CHARTER = make_schema(
    "charter page",
    version=f.text(required=True, help="version in force, e.g. 2.1"),
    effective=f.date_field(required=True, help="date this version took effect"),
    changes=f.list_of(CHANGE, help="change history: version, date, summary"),
    contacts=f.list_of(f.text(), help="how to report a problem"),
    onboarding_step=f.integer(minimum=1),
)

register_content_type(ContentType("charter", CHARTER, paths_setting="CHARTER_PATHS",
                                  priority=10))


def use_charter_template(content: Any) -> None:
    if getattr(content, "agora_type", None) == "charter" and "template" not in content.metadata:
        content.template = "charter"


def register() -> None:
    signals.content_object_init.connect(use_charter_template)
