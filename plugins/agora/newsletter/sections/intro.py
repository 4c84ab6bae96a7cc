"""The editorial: ``content/newsletter/<date>.md``, written by the team for this issue."""

from __future__ import annotations

from agora.newsletter.model import Section
from agora.newsletter.sections.context import IssueContext


def build(context: IssueContext) -> Section | None:
    if not context.intro_html:
        return None
    return Section("intro", context.title("intro"), html=context.intro_html)
