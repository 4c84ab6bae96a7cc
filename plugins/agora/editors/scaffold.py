"""``agora new TYPE "Title"``: start a content file with every field its type accepts.

The file is written from the build's content model, so a field a capability
adds shows up by itself: the fields this command fills (title, dates, the
series) are written out, every other field of the type's schema follows as
a comment with a one-line hint (uncommenting ``# summary:`` alone is valid:
an empty field is ignored). What it writes passes ``agora check`` and builds
as it is. It never overwrites a file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agora import clock
from agora.command import load_settings

if TYPE_CHECKING:
    from agora.content import fields as f
    from agora.content.schema import ContentModel, Schema

TYPES = ("article", "event", "member", "page", "charter", "newsletter")
#: The field the command's "Title" fills: a member has a name, an issue a subject.
TITLE_FIELD = {"member": "name", "newsletter": "subject"}
#: The date a ``--series`` slot fills, and the time of day when the series has none yet.
SLOT_FIELD = {"article": ("date", time(9, 0)), "event": ("start", time(18, 0))}
EVENT_START = time(18, 0)
CONSENT_NOTE = (
    "Consent first: nothing of this profile (not even the name in a byline) is",
    "published until the member has agreed in writing. Keep their message, then",
    "set consent: true and reconfirmed: to the date they agreed.",
)
#: Fields few editors need, listed last: they change how Pelican writes the page.
TECHNICAL = ("slug", "translation", "template", "save_as", "url", "timezone")
#: What a translation does not take from its original: words in the original's language,
#: and what makes a file an original or sets where it is written.
NOT_TRANSLATED = frozenset({"title", "name", "subject", "summary", "image_alt", "tags",
                            "expertise", "slug", "lang", "translation", "translation_of",
                            "template", "save_as", "url"})
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class Verbatim(str):
    """A value written as the original file wrote it (a date copied into a translation)."""


class ScaffoldError(Exception):
    """What the command cannot do, said to the editor (exit 2)."""


@dataclass
class Draft:
    """What to write: where, and the fields written out (in order) with their comments."""

    folder: Path
    stem: str
    values: dict[str, Any]
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.stem}.md"


# --- the file's text -------------------------------------------------------------------

def hint(spec: f.Field) -> str:
    """One line saying what a field takes: its help, else what its conversion expects."""
    from agora.content.fields import Invalid  # noqa: PLC0415 - keep --help fast

    try:
        spec.coerce("\x00")
    except Invalid as exc:
        expected = exc.expected
    else:
        expected = spec.kind
    if not spec.help:
        return expected
    if spec.kind == "choice" and "," not in spec.help:
        return f"{spec.help}: {expected}"  # the choices, when the help does not list them
    return spec.help


def yaml_value(value: Any) -> str:
    """A value as YAML: local dates as editors write them, text always quoted."""
    if isinstance(value, Verbatim):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return json.dumps(value, ensure_ascii=False)  # JSON strings and lists are valid YAML
    except TypeError:  # dates inside a list or mapping (a charter's changes)
        import yaml  # noqa: PLC0415 - keep --help fast

        return str(yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                                  width=1 << 20)).strip()


def _place(name: str) -> int:
    """The type's own fields first, then the ones every type has, the technical ones last."""
    from agora.content.schema import COMMON_FIELDS  # noqa: PLC0415

    return 2 if name in TECHNICAL else 1 if name in COMMON_FIELDS else 0


def render(schema: Schema, draft: Draft, body: str) -> str:
    """The whole file: the fields written out, then every other field commented."""
    names = sorted((n for n, spec in schema.fields.items() if spec.listed), key=_place)
    width = max(len(n) for n in names) + 2
    lines = ["---"]
    for name, value in draft.values.items():
        lines += [f"# {note}" for note in draft.notes.get(name, ())]
        spec = schema.fields.get(name)
        text = f"{name}: {yaml_value(value)}"
        lines.append(f"{text:<{width + 20}}  # {hint(spec)}" if spec else text)
    for name in names:
        if name in draft.values:
            continue
        spec = schema.fields[name]
        required = "required; " if spec.required else ""
        lines.append(f"# {name + ':':<{width}}# {required}{hint(spec)}")
    lines += ["---", body, ""]
    return "\n".join(lines)


# --- what goes in -------------------------------------------------------------------------

def slug_of(title: str, settings: Mapping[str, Any]) -> str:
    """The slug URLs will use: Pelican's slugify, apostrophes as word breaks."""
    from pelican.utils import slugify  # noqa: PLC0415 - keep --help fast

    from agora.content.fields import SLUG_RE  # noqa: PLC0415

    text = title.replace("'", " ").replace("’", " ")
    slug = slugify(text, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"expected a title with letters or digits, found {title!r} "
                            "(or pass --slug)")
    return str(slug)


def parse_moment(text: str, option: str) -> datetime:
    """``2026-12-03`` or ``2026-12-03T18:00``: a local date-time, as editors write them."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise ScaffoldError(f"{option}: expected a date like 2026-12-03 or a date-time like "
                            f"2026-12-03T18:00, found {text!r}") from None
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def local_now(settings: Mapping[str, Any]) -> datetime:
    """Agora's clock in the site's zone, as a local time to the minute."""
    now = clock.now(settings).astimezone(clock.site_zone(settings))
    return now.replace(tzinfo=None, second=0, microsecond=0)


def folder_of(type_name: str, model: ContentModel, settings: Mapping[str, Any]) -> Path:
    ctype = model.types[type_name]
    setting = ctype.paths_setting or f"{type_name.upper()}_PATHS"
    folders = settings.get(setting) or ()
    if not folders:
        raise ScaffoldError(f"{setting}: expected a content folder for {type_name} files, "
                            "found none")
    return Path(settings["PATH"]) / str(folders[0]).strip("/")


def plan(args: argparse.Namespace, settings: Mapping[str, Any], model: ContentModel) -> Draft:
    """Where the new file goes and what it says, for ``args.type``."""
    from agora.content.fields import SLUG_RE  # noqa: PLC0415

    kind = args.type
    if args.lang:
        check_language(args.lang, kind, model)
    if args.translation_of:
        return translation_draft(args, settings, model)
    if kind == "newsletter":
        return newsletter_draft(args, settings, model)
    if args.slug and not SLUG_RE.match(args.slug):
        raise ScaffoldError(f"--slug: expected lowercase letters, digits and hyphens like "
                            f"troc-de-printemps, found {args.slug!r}")
    title_field = TITLE_FIELD.get(kind, "title")
    draft = Draft(folder_of(kind, model, settings), args.slug or slug_of(args.title, settings),
                  {title_field: args.title})
    now = local_now(settings)
    if args.series and kind not in SLOT_FIELD:
        raise ScaffoldError(f"--series: expected an article or event, found {kind}")
    explicit = args.date if kind == "article" else args.start
    if args.series and not explicit:  # an explicit date wins over the series' slot
        slot_field, usual = SLOT_FIELD[kind]
        draft.values[slot_field] = next_slot(args.series, kind, slot_field, usual, settings,
                                             model)
    if kind == "article":
        draft.values.setdefault("date", parse_moment(args.date, "--date") if args.date else now)
    elif kind == "event":
        start = (parse_moment(args.start, "--start") if args.start else
                 datetime.combine(now.date() + timedelta(weeks=1), EVENT_START))
        draft.values.setdefault("start", start)
    if args.series:
        draft.values["series"] = args.series
    if args.lang:
        draft.values["lang"] = args.lang
    if kind == "member":
        draft.values["consent"] = False
        draft.notes["consent"] = CONSENT_NOTE
    elif kind == "charter":
        draft.values["version"] = "1.0"
        draft.values["effective"] = (parse_moment(args.date, "--date").date() if args.date
                                     else now.date())
    return draft


def check_language(lang: str, kind: str, model: ContentModel) -> None:
    from agora.content.fields import Invalid  # noqa: PLC0415

    schema = model.types[kind].schema
    spec = schema.spec("lang") if schema is not None else None
    if spec is None:
        return
    try:
        spec.coerce(lang)
    except Invalid as exc:
        raise ScaffoldError(f"--lang: expected {exc.expected}, found {lang!r}") from None
    advice = spec.advise(lang) if spec.advise is not None else None
    if advice:
        raise ScaffoldError(f"--lang: expected {advice}, found {lang!r}")


def translation_draft(args: argparse.Namespace, settings: Mapping[str, Any],
                      model: ContentModel) -> Draft:
    """A translation of the ``args.type`` whose slug is ``args.translation_of``: beside
    it, named ``<its name>-<lang>``, with its slug, the new language and title, and what
    does not change with the language (dates, places, people, series) copied from it."""
    kind = args.type
    if kind == "newsletter":
        raise ScaffoldError("--translation-of: expected an article, event, member, page or "
                            "charter page, found a newsletter intro (name it "
                            "<date>-<lang>.md)")
    if not args.lang:
        raise ScaffoldError("--translation-of: expected --lang too (the translation's "
                            "language, like en)")
    original = find_original(kind, args.translation_of, settings, model)
    original_lang = str(original.values.get("lang") or settings.get("DEFAULT_LANG") or "en")
    if args.lang == original_lang:
        raise ScaffoldError(f"--lang: expected another language than the original's "
                            f"({original.rel} is in {original_lang}), found {args.lang}")
    title_field = TITLE_FIELD.get(kind, "title")
    values: dict[str, Any] = {title_field: args.title, "slug": args.translation_of,
                              "lang": args.lang}
    schema = model.types[kind].schema
    for name, value in original.values.items():
        if name in NOT_TRANSLATED or value in (None, ""):
            continue
        spec = schema.spec(name) if schema is not None else None
        dated = spec is not None and spec.kind in ("date", "date-time")
        values[name] = Verbatim(value) if dated and isinstance(value, str) else value
    note = (f"A translation of {original.rel}: what does not change with the language",
            "is copied from it; translate the text below, and any text copied here.")
    return Draft(original.path.parent, f"{original.path.stem}-{args.lang}", values,
                 {title_field: note})


def find_original(kind: str, slug: str, settings: Mapping[str, Any],
                  model: ContentModel) -> Any:
    """The file of type ``kind`` that ``slug`` names and that translates nothing."""
    from pelican.utils import slugify  # noqa: PLC0415

    from agora.editors.index import content_files, of_type  # noqa: PLC0415

    def slug_of_file(item: Any) -> str:
        written = item.values.get("slug")
        if written:
            return str(written)
        source = (item.path.stem if settings.get("SLUGIFY_SOURCE") == "basename"
                  else str(item.values.get(TITLE_FIELD.get(kind, "title")) or ""))
        return str(slugify(source, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", [])))

    found = [item for item in of_type(content_files(settings, model), kind)
             if slug_of_file(item) == slug and not item.values.get("translation")
             and not item.values.get("translation_of")]
    default = str(settings.get("DEFAULT_LANG") or "en")
    found.sort(key=lambda item: str(item.values.get("lang") or default) != default)
    if not found:
        raise ScaffoldError(f"--translation-of: expected the slug of a {kind} of this hub "
                            f"(its `slug:`, else its file name), found {slug!r} (none has it)")
    return found[0]


def next_slot(series: str, kind: str, slot_field: str, usual: time,
              settings: Mapping[str, Any], model: ContentModel) -> datetime:
    """The first slot of ``series``' cadence after now with nothing of the series on it."""
    from agora.content.types import load_series  # noqa: PLC0415
    from agora.editors.cadence import CadenceError, parse  # noqa: PLC0415
    from agora.editors.index import content_files, of_type  # noqa: PLC0415

    declared = load_series(settings)
    if series not in declared:
        raise ScaffoldError(f"--series: expected a series of content/series.yml "
                            f"({', '.join(sorted(declared)) or 'none declared'}), "
                            f"found {series!r}")
    try:
        cadence = parse(declared[series].cadence)
    except CadenceError as exc:
        raise ScaffoldError(f"series {series}: cadence: {exc}") from None
    zone = clock.site_zone(settings)
    moments = sorted(m.astimezone(zone).replace(tzinfo=None) if m.tzinfo else m
                     for item in of_type(content_files(settings, model), kind)
                     if item.series(declared) == series
                     and (m := item.moment(slot_field)) is not None)
    taken = {m.date() for m in moments}
    at = moments[-1].time() if moments else usual
    now = local_now(settings)
    for day in cadence.slots(now.date(), now.date() + timedelta(days=800), taken):
        if day not in taken and datetime.combine(day, at) > now:
            return datetime.combine(day, at)
    raise ScaffoldError(f"series {series}: expected a free slot in the next two years, "
                        "found none")


def newsletter_draft(args: argparse.Namespace, settings: Mapping[str, Any],
                     model: ContentModel) -> Draft:
    """The intro of the next issue that has none yet (or of ``--date``: a special issue)."""
    from agora.newsletter.intro import issue_day  # noqa: PLC0415
    from agora.newsletter.schedule import next_issue_date  # noqa: PLC0415
    from agora.settings import options  # noqa: PLC0415

    folder = folder_of("newsletter", model, settings)
    if args.date:
        day: date | None = parse_moment(args.date, "--date").date()
    else:
        extra = {d for p in folder.glob("*.md") if (d := issue_day(p.name)) is not None}
        day = next_issue_date(options(settings), extra, local_now(settings).date())
        while day is not None and (folder / f"{day.isoformat()}.md").exists():
            day = next_issue_date(options(settings), extra, day)
        if day is None:
            raise ScaffoldError("AGORA_NEWSLETTER_START: expected the date of the first issue, "
                                "found none (no issue is due; pass --date for a special issue)")
    assert day is not None
    return Draft(folder, day.isoformat(), {"subject": args.title})


# --- the command --------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace) -> int:
    from agora.content.schema import content_model  # noqa: PLC0415 - keep --help fast
    from agora.core.i18n import gettext_for  # noqa: PLC0415

    settings = load_settings(args.settings)
    model = content_model(settings)
    if args.type not in model.types:
        print(f"agora new: expected a content type of this hub's PLUGINS "
              f"({', '.join(t for t in TYPES if t in model.types)}), found {args.type}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        draft = plan(args, settings, model)
    except ScaffoldError as exc:
        print(f"agora new: {exc}", file=sys.stderr)
        return EXIT_USAGE
    shown = display(draft.path)
    existing = sorted(draft.folder.glob(f"{draft.stem}.*")) if draft.folder.is_dir() else []
    if existing:
        print(f"agora new: {display(existing[0])} already exists: expected a new file "
              "(agora new never overwrites; choose another title or --slug)", file=sys.stderr)
        return EXIT_REFUSED
    schema = model.types[args.type].schema
    assert schema is not None  # every type agora new writes has one
    gettext = gettext_for(settings, args.lang or str(settings.get("DEFAULT_LANG") or "en"))
    draft.folder.mkdir(parents=True, exist_ok=True)
    with draft.path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(render(schema, draft, gettext("Write here, in Markdown.")))
    print(shown)
    return EXIT_OK


def display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def register_command(commands: Any) -> None:
    parser = commands.add_parser(
        "new", help="start a content file with every field of its type",
        description="Write a new content file: the fields this command fills (title, slug "
                    "from the title, dates, series) and, commented, every other field of the "
                    "type with a one-line hint. It passes `agora check` as it is, and is "
                    "never written over an existing file. Prints the file's path.",
        epilog="A translation: agora new article \"Mulch before winter\" --lang en "
               "--translation-of astuce-paillage. "
               "newsletter: the editorial intro of the next issue that has none yet "
               "(content/newsletter/<date>.md; --date for a special issue). member: a "
               "profile with consent: false, published once the member has agreed.")
    parser.add_argument("type", choices=TYPES, help="what to start")
    parser.add_argument("title", help="its title (a member's name, an issue's subject)")
    parser.add_argument("--date", help="publication date (article), effective date (charter), "
                                       "issue date (newsletter): 2026-12-03 or 2026-12-03T08:00")
    parser.add_argument("--start", help="event start, local time: 2026-12-03T18:00 "
                                        "(default: a week from today, 18:00)")
    parser.add_argument("--series", metavar="SLUG",
                        help="a series of content/series.yml: dated on its next free slot")
    parser.add_argument("--slug", help="file name and URL (default: from the title)")
    parser.add_argument("--lang", help="the file's language, when not the site's (like en)")
    parser.add_argument("--translation-of", metavar="SLUG",
                        help="start a translation (with --lang) of the content with this "
                             "slug: beside it, named <its name>-<lang>, its dates, places "
                             "and people copied")
    parser.add_argument("--settings", "-s", default="pelicanconf.py",
                        help="Pelican settings file (default: pelicanconf.py)")
    parser.set_defaults(handler=cmd_new)
