"""Add or update translations in a theme catalog (French unless --lang says otherwise).

Usage:
  python tools/po_set.py 'English msgid=Traduction française' ...
  python tools/po_set.py --lang en 'English msgid=Reworded English' ...
  python tools/po_set.py --lang en --from-source
Plurals: 'one reply|%(num)s replies=une réponse|%(num)s réponses'.

``--from-source`` gives every untranslated entry its msgid as translation: English
is the templates' source language, so `make messages` starts new English entries
as the text the templates say (translators may then reword them in the catalog).
Keeps the catalog sorted and stable so concurrent additions merge cleanly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "theme/translations"


def catalog_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def fill_from_source(catalog: Catalog) -> int:
    """Untranslated entries get their msgid as translation; returns how many."""
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string or ()):
                message.string = (message.id[0], *[message.id[1]] * (catalog.num_plurals - 1))
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    return filled


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="fr", help="catalog language (default: fr)")
    parser.add_argument("--from-source", action="store_true",
                        help="give untranslated entries their msgid as translation")
    parser.add_argument("pairs", nargs="*", metavar="MSGID=TRANSLATION")
    args = parser.parse_args(argv)
    path = catalog_path(args.lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=args.lang)
    for pair in args.pairs:
        msgid, _, msgstr = pair.partition("=")
        if not msgstr:
            print(f"expected 'msgid=translation', found {pair!r}", file=sys.stderr)
            return 2
        key: str | tuple[str, ...] = tuple(msgid.split("|", 1)) if "|" in msgid else msgid
        string: str | tuple[str, ...] = tuple(msgstr.split("|", 1)) if "|" in msgid else msgstr
        current = catalog.get(msgid.split("|", 1)[0])
        if current is None:
            catalog.add(key, string)
        else:  # Catalog.add keeps an existing entry's translation: replace it
            current.string = string
            current.flags.discard("fuzzy")
    if args.from_source:
        fill_from_source(catalog)
    catalog.fuzzy = False  # the header: nothing in a kept catalog is a guess
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, omit_header=False,
                 ignore_obsolete=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
