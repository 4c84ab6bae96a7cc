"""Reads the editorial intros; assembles the due issues; writes their web, e-mail and data files."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

import css_inline

from agora.content.generator import ContentTypeGenerator
from agora.content.reader import display_path
from agora.core.i18n import catalogs_for
from agora.core.pages import write_in_languages
from agora.newsletter.assemble import due_issues, kept_issues, midnight
from agora.newsletter.intro import Intro
from agora.newsletter.issue_files import FORMAT as ISSUE_FILE_FORMAT
from agora.newsletter.model import IssueData
from agora.newsletter.schedule import next_issue_date
from agora.newsletter.text import render_text
from agora.newsletter.view import Edition, Issue, NewsletterView
from agora.problems import problem
from agora.settings import newsletter_issues_path
from agora.state import BuildState, build_state, report
from agora.urls import Urls

# Styles go inline (most mail clients drop <style>); the @media rules (dark mode) stay.
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


class NewsletterGenerator(ContentTypeGenerator):
    """Editorial intros in, issue pages and e-mails out (intros are no pages of their own)."""

    content_class = Intro
    paths_setting = "NEWSLETTER_PATHS"
    excludes_setting = "NEWSLETTER_EXCLUDES"
    context_name = "newsletter_intros"
    template_variable = "intro"

    def intros(self) -> dict[tuple[date, str], Intro]:
        return {(i.day, i.lang): i for i in [*self.items, *self.translations]}

    def generate_output(self, writer: Any) -> None:
        state = build_state(self.settings)
        if state is None or state.hub.newsletter is None:
            return
        write_in_languages(self, writer, "agora/newsletter", "newsletter")
        for issue in state.hub.newsletter.issues:
            self.write_issue(writer, issue, state)

    def write_issue(self, writer: Any, issue: Issue, state: BuildState) -> None:
        urls, data = state.urls, issue.data
        write_in_languages(self, writer, "agora/newsletter_issue", "newsletter_issue",
                           params={"slug": data.id}, languages=tuple(data.editions),
                           variables=lambda hub: {"issue": data,
                                                  "edition": data.edition(hub.lang or None)})
        for lang, edition in data.editions.items():
            web_url = urls.absolute(issue.edition(lang).url)
            html = self.get_template("agora/newsletter_email").render(
                {**self.context, "issue": data, "edition": edition, "lang": lang,
                 "web_url": web_url})
            self.write(urls.save_as("newsletter_email_html", lang=lang, slug=data.id),
                       INLINER.inline(html))
            gettext = catalogs_for(self.settings)(lang).gettext
            self.write(urls.save_as("newsletter_email_text", lang=lang, slug=data.id),
                       render_text(edition, web_url, gettext))
        self.write(urls.save_as("newsletter_issue_data", slug=data.id), issue_file(issue, urls))

    def write(self, relative: str, text: str) -> None:
        path = os.path.join(self.output_path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def issue_file(issue: Issue, urls: Urls) -> str:
    """``issue.json``: the contract with ``agora newsletter send`` (see issue_files)."""
    data = issue.data
    editions = {lang: {
        "subject": edition.subject, "preheader": edition.preheader,
        "html": urls.save_as("newsletter_email_html", lang=lang, slug=data.id),
        "text": urls.save_as("newsletter_email_text", lang=lang, slug=data.id),
        "web_url": urls.absolute(issue.edition(lang).url),
    } for lang, edition in data.editions.items()}
    document = {"format": ISSUE_FILE_FORMAT, "id": data.id, "number": data.number,
                "date": data.date.isoformat(), "default_lang": data.default_lang,
                "site_name": str(urls.settings.get("SITENAME") or ""), "editions": editions}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def published(data: IssueData, state: BuildState, generator: Any, assembled: bool) -> Issue:
    """An issue with what the site shows of it (the feed carries the web body);
    ``assembled`` by this build, or kept."""
    urls = state.urls
    body = generator.get_template("agora/partials/newsletter_sections")
    editions = {}
    for lang, edition in data.editions.items():
        url = urls.url("newsletter_issue", lang=lang, slug=data.id)
        html = body.render({**generator.context, "edition": edition, "lang": lang})
        editions[lang] = Edition(lang, edition.subject, edition.preheader, url, html)
    return Issue(data, midnight(data.date, state.hub), editions, assembled)


def assemble_issues(generators: list[Any]) -> None:
    """``complete_hub``: the issues due, assembled once, as ``hub.newsletter``."""
    generator = next((g for g in generators if isinstance(g, NewsletterGenerator)), None)
    state = build_state(generator.settings) if generator is not None else None
    if generator is None or state is None:
        return
    settings, hub = generator.settings, state.hub
    folder = newsletter_issues_path(settings)
    try:
        kept = kept_issues(folder)
    except ValueError as exc:
        report(settings, problem(display_path(str(folder), settings.get("PATH")),
                                 "newsletter issues", str(exc)))
        kept = {}
    intros = generator.intros()
    issues = due_issues(hub, intros, kept, catalogs_for(settings))
    hub.newsletter = NewsletterView([published(i, state, generator, kept.get(i.date) is not i)
                                     for i in reversed(issues)])
    upcoming = next_issue_date(hub.options, {d for d, _ in intros}, hub.today)
    if upcoming is not None:
        state.change_at(midnight(upcoming, hub), "a newsletter issue is due")
