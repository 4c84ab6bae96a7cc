"""Add or update French translations in the theme catalog.

Usage: python tools/po_set.py 'English msgid=Traduction française' ...
Plurals: 'one reply|%(num)s replies=une réponse|%(num)s réponses'.
Keeps the catalog sorted and stable so concurrent additions merge cleanly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "theme/translations/fr/LC_MESSAGES/messages.po"


def main(pairs: list[str]) -> int:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for pair in pairs:
        msgid, _, msgstr = pair.partition("=")
        if not msgstr:
            print(f"expected 'msgid=traduction', found {pair!r}", file=sys.stderr)
            return 2
        if "|" in msgid:
            catalog.add(tuple(msgid.split("|", 1)), tuple(msgstr.split("|", 1)))
        else:
            catalog.add(msgid, msgstr)
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, omit_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
