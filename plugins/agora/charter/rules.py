"""Numbered charter rules with anchors that survive re-wording.

Syntax (Markdown, in a charter page)::

    ## Règle 3 — Parler des idées, pas des personnes
    ## Rule 3: Discuss ideas, not people
    ## 3. Parler des idées, pas des personnes

A heading (level 2 to 4) is a rule when its text starts with ``Règle N``,
``Regle N`` or ``Rule N`` (any separator after the number: ``—``, ``–``,
``-``, ``:``, ``.``), or with ``N.`` / ``N)``. Its anchor is ``rule-N``,
derived from the NUMBER and never from the text, so ``/charter/#rule-3`` keeps
pointing at rule 3 whatever its title becomes; Markdown's own heading ids
(``regle-3-parler-des-idees``) change with the wording and are replaced.

The heading becomes a link to itself (``<a class="rule-link" href="#rule-3">``),
so a moderator copies the link of a rule from the page itself.

Errors, reported on the field ``rules``: the same rule number twice, an
explicit ``{#rule-N}`` anchor that disagrees with the number, or an element
outside rule ``N`` that claims the id ``rule-N`` (a duplicate anchor).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from agora.problems import Problem, problem

HEADING_RE = re.compile(r"<h([2-4])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)
ID_ATTR_RE = re.compile(r"""\sid\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
ANY_ID_RE = re.compile(r"""<[a-z][^>]*\sid\s*=\s*(["'])(rule-\d+)\1""", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")
WORD_RULE_RE = re.compile(r"^(?:r[èe]gle|rule)\s+(\d+)\b\s*[.)—–:\-]?\s*(.*)$",
                          re.IGNORECASE | re.DOTALL)
NUMBER_RULE_RE = re.compile(r"^(\d+)\s*[.)]\s+(.*)$", re.DOTALL)
ANCHOR_RE = re.compile(r"^rule-(\d+)$")


@dataclass(frozen=True)
class Rule:
    """One numbered rule: what the table of contents and citations need."""

    number: int
    anchor: str
    title: str  # the heading text after the number, plain text
    heading: str  # the whole heading text, plain text ("Règle 3 — Titre")


@dataclass(frozen=True)
class Heading:
    """A section of the page, for the table of contents."""

    level: int
    anchor: str
    text: str
    rule: Rule | None = None


@dataclass(frozen=True)
class ParsedCharter:
    html: str
    rules: tuple[Rule, ...]
    headings: tuple[Heading, ...]
    problems: tuple[Problem, ...]


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(TAG_RE.sub("", fragment)).split())


def rule_number(text: str) -> tuple[int, str] | None:
    """``(3, "Titre")`` when a heading's text names rule 3, else None."""
    match = WORD_RULE_RE.match(text) or NUMBER_RULE_RE.match(text)
    if not match:
        return None
    return int(match.group(1)), match.group(2).strip()


def anchor_for(number: int) -> str:
    return f"rule-{number}"


def parse_rules(content: str, path: str) -> ParsedCharter:
    """Give every rule heading its ``rule-N`` anchor and a self-link; check numbering."""
    problems: list[Problem] = []
    rules: list[Rule] = []
    headings: list[Heading] = []
    seen: dict[int, str] = {}
    rule_spans: list[tuple[int, int]] = []  # where rule headings are, in the new HTML
    pieces: list[str] = []
    position = 0
    for match in HEADING_RE.finditer(content):
        level, attrs, inner = int(match.group(1)), match.group(2) or "", match.group(3)
        text = plain_text(inner)
        id_match = ID_ATTR_RE.search(attrs)
        current_id = id_match.group(2) if id_match else ""
        found = rule_number(text)
        if found is None:
            headings.append(Heading(level, current_id, text))
            continue
        number, title = found
        anchor = anchor_for(number)
        explicit = ANCHOR_RE.match(current_id)
        if explicit and int(explicit.group(1)) != number:
            problems.append(problem(path, "rules", f"expected the anchor {anchor} for rule "
                                    f"{number} (anchors follow the rule number)", current_id))
        if number in seen:
            problems.append(problem(path, "rules", "expected each rule number once",
                                    found_text=f'rule {number} twice: "{seen[number]}" and '
                                    f'"{text}"'))
        seen.setdefault(number, text)
        rule = Rule(number, anchor, title, text)
        rules.append(rule)
        headings.append(Heading(level, anchor, text, rule))
        other_attrs = ID_ATTR_RE.sub("", attrs)
        if re.search(r"<a[\s>]", inner, re.IGNORECASE):
            # links cannot nest: keep the heading's own link, add a small one after it
            inside = (f'{inner} <a class="rule-link" href="#{anchor}" '
                      f'aria-label="{html.escape(text)}">#</a>')
        else:
            inside = f'<a class="rule-link" href="#{anchor}">{inner}</a>'
        new_heading = (f'<h{level} id="{anchor}" class="rule" data-rule="{number}"{other_attrs}>'
                       f"{inside}</h{level}>")
        pieces.append(content[position:match.start()])
        start = sum(len(p) for p in pieces)
        pieces.append(new_heading)
        rule_spans.append((start, start + len(new_heading)))
        position = match.end()
    pieces.append(content[position:])
    new_html = "".join(pieces)

    rule_anchors = {r.anchor for r in rules}
    for id_match in ANY_ID_RE.finditer(new_html):
        anchor = id_match.group(2)
        inside_rule = any(start <= id_match.start() < end for start, end in rule_spans)
        if anchor in rule_anchors and not inside_rule:
            problems.append(problem(path, "rules", f"expected the anchor {anchor} only on rule "
                                    f"{anchor.split('-')[1]}",
                                    found_text=f"another element with id {anchor}"))
    return ParsedCharter(new_html, tuple(rules), tuple(headings), tuple(problems))
