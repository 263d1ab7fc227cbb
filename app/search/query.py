"""The search box's language (PostgreSQL's websearch_to_tsquery syntax) and the snippet markup.

    word word      both words (stemmed: "developers" finds "developer")
    "a phrase"     the words next to each other, in this order
    a or b         either
    -word          without it
    word*          a prefix (SQLite only; PostgreSQL ignores the star)

PostgreSQL parses the text itself; for SQLite's FTS5 `to_fts5` writes the same
query in FTS5's syntax, every term quoted so nothing typed is an FTS5 operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

START, STOP = "\x02", "\x03"  # what the database puts around a match in a snippet
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Parsed:
    groups: list[list[tuple[bool, str]]] = field(default_factory=list)  # OR of (AND of (negated, fts term))
    simple: bool = True  # plain words only: a candidate for typo tolerance on names

    @property
    def has_terms(self) -> bool:
        return any(not negated for group in self.groups for negated, _ in group)


def _fts_term(words: list[str], prefix: bool) -> str:
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def parse(q: str) -> Parsed:
    parsed, group = Parsed(), []
    for match in _TOKEN.finditer(q):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                parsed.simple = False
                if group:
                    parsed.groups.append(group)
                    group = []
                continue
            negated = bare.startswith("-")
            words = _WORD.findall(bare)
            prefix = bare.endswith("*")
        else:
            negated, words, prefix = bool(minus), _WORD.findall(phrase), False
            parsed.simple = False
        if negated:
            parsed.simple = False
        if words:
            group.append((negated, _fts_term(words, prefix)))
    if group:
        parsed.groups.append(group)
    return parsed


def to_fts5(parsed: Parsed) -> str | None:
    """The FTS5 MATCH string; None when nothing can match (no words, or words to exclude only)."""
    clauses = []
    for group in parsed.groups:
        positives = [term for negated, term in group if not negated]
        if not positives:
            continue  # FTS5's NOT needs something to subtract from
        clause = " AND ".join(positives) + "".join(f" NOT {term}" for negated, term in group if negated)
        clauses.append(f"({clause})")
    return " OR ".join(clauses) or None


def snippet_html(raw: str | None) -> Markup | None:
    """The snippet escaped first, then its matches marked: no markup from the document survives."""
    if not raw:
        return None
    # The text was escaped on the line above; only the two markers become tags.
    return Markup(str(escape(raw)).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def snippet_text(raw: str | None) -> str:
    return (raw or "").replace(START, "").replace(STOP, "")
