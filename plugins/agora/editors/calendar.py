"""``agora calendar``: the editorial plan, week by week, as text, iCalendar or JSON.

Text is for people, in the site's language ("mardi 8 décembre :
astuces-du-mardi — rien de prévu"); the ``.ics`` form lets an editorial team
subscribe to its own plan (every entry keeps its UID from one run to the
next, so a calendar application updates it in place); JSON is for scripts.
The plan itself is :mod:`agora.editors.plan`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agora.editors.plan import Entry, Plan

DAY_FORM = "EEEE d MMMM"
Gettext = Callable[[str], str]


class Words:
    """The plan's words in one language (the theme's catalog, as on the site's pages)."""

    def __init__(self, settings: Mapping[str, Any], lang: str):
        from agora.core.i18n import catalogs_for  # noqa: PLC0415 - keep --help fast

        catalog = catalogs_for(settings)(lang)
        self.lang = lang
        self._ = catalog.gettext
        self.ngettext = catalog.ngettext

    def day(self, entry: Entry) -> str:
        return self.date(entry.day, DAY_FORM)

    def date(self, day: date, form: str = "long") -> str:
        from agora.core.i18n import format_day  # noqa: PLC0415

        return format_day(day, self.lang, form)

    def time(self, entry: Entry) -> str:
        from babel.dates import format_time  # noqa: PLC0415

        if entry.at is None or entry.kind == "newsletter":
            return ""
        return str(format_time(entry.at, format="short", locale=self.lang.replace("-", "_")))

    def state(self, entry: Entry) -> str:
        _ = self._
        words = {"published": _("published"), "scheduled": _("scheduled post"),
                 "draft": _("draft")}
        if entry.kind == "event":
            return _(entry.status) if entry.status != "scheduled" else ""
        return words.get(entry.status, "")

    def what(self, entry: Entry) -> str:
        """The entry without its day: "astuces-du-mardi — nothing scheduled"."""
        _ = self._
        details = ", ".join(p for p in (self.state(entry), self.time(entry)) if p)
        if entry.kind == "slot" and entry.status == "gap":
            return _("%(series)s — nothing scheduled") % {"series": entry.series}
        if entry.kind == "slot" and entry.status == "draft":
            return _("%(series)s — nothing scheduled (draft: %(title)s)") % {
                "series": entry.series, "title": entry.title}
        if entry.kind == "slot" and entry.gap:  # a cancelled or postponed event of the series
            return _("%(series)s — nothing scheduled (%(state)s: %(title)s)") % {
                "series": entry.series, "state": _(entry.status), "title": entry.title}
        if entry.kind == "newsletter":
            if entry.title:
                return _("newsletter — %(subject)s (issue due)") % {"subject": entry.title}
            return _("newsletter — issue due (no editorial intro yet)")
        label = entry.series if entry.kind == "slot" else {
            "article": _("article"), "event": _("event")}.get(entry.kind, entry.kind)
        text = f"{label} — {entry.title}"
        return f"{text} ({details})" if details else text

    def line(self, entry: Entry) -> str:
        return self._("%(day)s: %(what)s") % {"day": self.day(entry), "what": self.what(entry)}


def render_text(plan: Plan, words: Words, site: str) -> str:
    _ = words._
    last = plan.end - timedelta(days=1)
    lines = [_("Editorial calendar of %(site)s, %(start)s to %(end)s") % {
        "site": site, "start": words.date(plan.start), "end": words.date(last)}]
    for first, final, entries in plan.weeks():
        lines += ["", _("Week of %(start)s to %(end)s") % {
            "start": words.date(first, DAY_FORM), "end": words.date(final, DAY_FORM)}]
        nothing = _("nothing planned")
        lines += [f"  {words.line(e)}" for e in entries] or [f"  {nothing}"]
    count = len(plan.gaps)
    lines += ["", words.ngettext("%(num)s gap in the series' cadences",
                                 "%(num)s gaps in the series' cadences", count) % {"num": count}]
    lines += [f"{p}" for p in plan.problems]
    return "\n".join(lines) + "\n"


def render_ics(plan: Plan, words: Words, site: str, host: str) -> bytes:
    """An iCalendar file of the plan: one all-day event per entry, UIDs stable across runs."""
    from icalendar import Calendar  # noqa: PLC0415
    from icalendar import Event as VEvent  # noqa: PLC0415

    import agora  # noqa: PLC0415

    calendar = Calendar()
    calendar.add("prodid", f"-//Agora {agora.__version__}//editorial calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = words._("Editorial calendar")
    name = f"{site} — {title}" if site else title
    calendar.add("x-wr-calname", name)
    stamp = plan.now.astimezone(UTC)
    for entry in plan.entries:
        item = VEvent()
        item.add("uid", f"editorial-{entry.key}@{host}")
        item.add("dtstamp", stamp)
        item.add("dtstart", entry.day)
        item.add("dtend", entry.day + timedelta(days=1))
        item.add("summary", words.what(entry))
        item.add("categories", [entry.kind])
        item.add("transp", "TRANSPARENT")  # a plan, not a meeting: nobody is busy
        if entry.gap:
            item.add("status", "TENTATIVE")
        if entry.source:
            item.add("description", entry.source)
        calendar.add_component(item)
    return bytes(calendar.to_ical())


def render_json(plan: Plan, words: Words, zone: str) -> str:
    entries = [{
        "date": e.day.isoformat(), "kind": e.kind, "status": e.status, "gap": e.gap,
        "series": e.series or None, "title": e.title or None,
        "time": e.at.strftime("%H:%M") if e.at is not None and e.kind != "newsletter" else None,
        "source": e.source or None, "uid": e.key, "text": words.line(e),
    } for e in plan.entries]
    document = {"from": plan.start.isoformat(),
                "until": (plan.end - timedelta(days=1)).isoformat(),
                "timezone": zone, "lang": words.lang, "gaps": len(plan.gaps),
                "cadences": plan.cadences, "entries": entries,
                "problems": [str(p) for p in plan.problems]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def cmd_calendar(args: argparse.Namespace) -> int:
    from agora.editors.build import BuildFailed, build_quietly  # noqa: PLC0415
    from agora.editors.plan import make_plan  # noqa: PLC0415

    try:
        built = build_quietly(args.settings)
    except BuildFailed as exc:
        print(f"agora calendar: the build failed: {exc}", file=sys.stderr)
        return 1
    settings = built.settings
    plan = make_plan(built.state, settings, args.weeks)
    words = Words(settings, args.lang or str(settings.get("DEFAULT_LANG") or "en"))
    site = str(settings.get("SITENAME") or "")
    if args.format == "ics":
        data = render_ics(plan, words, site, built.state.urls.identity_host)
    elif args.format == "json":
        data = render_json(plan, words, built.state.hub.zone.key).encode()
    else:
        data = render_text(plan, words, site).encode()
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def weeks_count(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 52:
        raise argparse.ArgumentTypeError(f"expected 1 to 52 weeks, found {value}")
    return value


def register_command(commands: Any) -> None:
    parser = commands.add_parser(
        "calendar", help="the editorial plan of the coming weeks",
        description="Week by week from today (Agora's clock): scheduled articles, drafts "
                    "dated in the window, event sessions, newsletter issues due, and each "
                    "series' expected slots from its cadence in series.yml, the gaps "
                    "flagged. Text in the site's language, iCalendar to subscribe to, or JSON.",
        epilog="Cadences: weekly [on WEEKDAY], every WEEKDAY, every N weeks [on WEEKDAY], "
               "fortnightly [on WEEKDAY], monthly [on the first|second|third|fourth|last "
               "WEEKDAY], monthly [on the 15th | on day 15]. What a cadence leaves out "
               "follows the series' latest articles. `agora check --plan` fails on gaps.")
    parser.add_argument("--weeks", type=weeks_count, default=4,
                        help="how many weeks from today (default: 4)")
    parser.add_argument("--format", choices=("text", "ics", "json"), default="text",
                        help="text for people, ics to subscribe to, json for scripts")
    parser.add_argument("--lang", help="language of the text (default: the site's, "
                                       "DEFAULT_LANG)")
    parser.add_argument("--output", "-o", help="write to this file instead of stdout")
    parser.add_argument("--settings", "-s", default="pelicanconf.py",
                        help="Pelican settings file (default: pelicanconf.py)")
    parser.set_defaults(handler=cmd_calendar)
