"""The company's candidates: listed newest first, or searched and ranked by relevance.

Staff of the company (hiring managers included) see every candidate of their
company and none of another's: every statement filters on the caller's
company, the search documents carry it too. PostgreSQL matches with the full
weighted tsvector, ranks the RANK_WINDOW most recent matches with ts_rank over a
narrow one (plus trigram word similarity on name and email for plain words, so
a typo in a surname still finds the person) and marks matches with
ts_headline; SQLite ranks with FTS5's bm25 and marks with snippet(), without
typo tolerance.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import Float, Select, and_, column, exists, func, literal, literal_column, or_, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR

from app import workflow
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Application, ApplicationAnswer, Candidate, CandidateSearch, User
from app.models.candidates import SOURCES
from app.search.query import START, STOP, parse, snippet_html, to_fts5
from app.services.access import require_user
from app.services.pagination import MAX_ID, Page, clamp_limit
from app.services.validation import Checker

CONFIG = "english"
HEADLINE = f'StartSel="{START}", StopSel="{STOP}", MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
# A search ranks the most recent matches only (PostgreSQL): the cost of a page stays flat however
# many of the company's candidates match a common word. See docs/design.md, "Candidate search".
RANK_WINDOW = 1000
FTS = literal_column("candidate_search_fts")
FTS_TABLE = table("candidate_search_fts", column("rowid"))
CARD = (
    Candidate.id,
    Candidate.full_name,
    Candidate.email,
    Candidate.phone,
    Candidate.location,
    Candidate.source,
    Candidate.created_at,
)


@dataclass(frozen=True)
class Filters:
    job_id: int | None = None
    stage: str | None = None
    source: str | None = None
    applied_from: date | None = None
    applied_to: date | None = None
    flagged: bool | None = None
    has_resume: bool | None = None


@dataclass(frozen=True)
class Hit:
    id: int
    full_name: str
    email: str | None
    phone: str | None
    location: str | None
    source: str
    created_at: datetime
    snippet: Markup | None = None
    rank: float | None = None


def _require_staff(actor: User) -> User:
    actor = require_user(actor)
    if not actor.is_staff or actor.company_id is None:
        raise Forbidden("Only company staff can list candidates.")
    return actor


def check_filters(filters: Filters) -> Filters:
    check = Checker()
    if filters.stage is not None and filters.stage not in workflow.ALL_CATEGORIES and filters.job_id is None:
        check.add("stage", f"Across jobs, a category: {', '.join(workflow.ALL_CATEGORIES)}.")
    if filters.source is not None and filters.source not in SOURCES:
        check.add("source", f"One of: {', '.join(SOURCES)}.")
    if filters.applied_from and filters.applied_to and filters.applied_from > filters.applied_to:
        check.add("applied_to", "Must not be before applied_from.")
    check.raise_if_any()
    return filters


def _day(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=UTC)


def _application_filter(company_id: int, filters: Filters):
    """One EXISTS over the person's applications in this company: the same application meets every filter."""
    wanted = []
    if filters.job_id is not None:
        wanted.append(Application.job_id == filters.job_id)
    if filters.stage is not None:
        by_key = Application.stage == filters.stage if filters.job_id is not None else None
        category = Application.stage_category == filters.stage
        wanted.append(or_(category, by_key) if by_key is not None else category)
    if filters.source is not None:
        wanted.append(Application.source == filters.source)
    if filters.applied_from is not None:
        wanted.append(Application.created_at >= _day(filters.applied_from))
    if filters.applied_to is not None:
        wanted.append(Application.created_at < _day(filters.applied_to + timedelta(days=1)))
    if filters.has_resume is not None:
        wanted.append(Application.resume_key.is_not(None) if filters.has_resume else Application.resume_key.is_(None))
    if filters.flagged is not None:
        flag = exists().where(ApplicationAnswer.application_id == Application.id, ApplicationAnswer.flag.is_not(None))
        wanted.append(flag if filters.flagged else ~flag)
    if not wanted:
        return None
    return exists().where(Application.candidate_id == Candidate.id, Application.company_id == company_id, *wanted)


# Cursors: "i" + id for the newest-first list; "r" + the rank's exact bits + id for a search.
def _encode(rank: float | None, last_id: int) -> str:
    raw = b"i" + struct.pack(">I", last_id) if rank is None else b"r" + struct.pack(">dI", rank, last_id)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None, ranked: bool) -> tuple[float | None, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if ranked and raw[:1] == b"r" and len(raw) == 13:
            rank, last_id = struct.unpack(">dI", raw[1:])
        elif not ranked and raw[:1] == b"i" and len(raw) == 5:
            rank, (last_id,) = None, struct.unpack(">I", raw[1:])
        else:
            raise ValueError
        if last_id > MAX_ID or (rank is not None and rank != rank):
            raise ValueError
        return rank, last_id
    except (ValueError, binascii.Error, struct.error):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Not a valid cursor."]}) from None


# Merged records (tombstones, app/services/merging.py) are neither listed nor found.
LIVE = Candidate.merged_into_id.is_(None)


def _listing(company_id: int, where, after) -> Select:
    stmt = select(*CARD).where(Candidate.company_id == company_id, LIVE)
    if where is not None:
        stmt = stmt.where(where)
    if after is not None:
        stmt = stmt.where(Candidate.id < after[1])
    return stmt.order_by(Candidate.id.desc())


def _postgres(company_id: int, q: str, simple: bool, where, after, size: int | None) -> Select:
    """Match, cap, rank, page, then mark: each step reads only what the one before it kept.

    1. `recent`: the company's live candidates matching the query (the full `tsv`, GIN), the
       RANK_WINDOW most recent of them (highest id first) for a page; every match for an export.
    2. `page`: those ranked by `ts_rank` over the narrow `rank_tsv` (name, email and the head of the
       document, kept in the row and carried by the walk), plus trigram similarity on name and email
       for plain words, and cut to the page after the cursor.
    3. `ts_headline` over the full document for the page's rows only.
    """
    tsv = literal_column("candidate_search.tsv", type_=TSVECTOR)
    query = func.websearch_to_tsquery(CONFIG, q)
    matched = tsv.op("@@")(query)
    if simple:  # plain words: a name or email typed with a typo still finds the person
        matched = or_(matched, literal(q).op("<%")(CandidateSearch.name_email))
    rank_tsv = literal_column("candidate_search.rank_tsv", type_=TSVECTOR)
    recent = (
        # The walk carries what ranking needs (small, kept in the row): no second visit per match.
        select(CandidateSearch.candidate_id.label("id"), rank_tsv.label("rank_tsv"), CandidateSearch.name_email)
        .join(Candidate, Candidate.id == CandidateSearch.candidate_id)
        .where(CandidateSearch.company_id == company_id, Candidate.company_id == company_id, LIVE, matched)
    )
    if where is not None:
        recent = recent.where(where)
    if size is not None:
        recent = recent.order_by(CandidateSearch.candidate_id.desc()).limit(RANK_WINDOW)
    recent = recent.subquery("recent")

    rank = func.ts_rank(recent.c.rank_tsv, query)
    if simple:
        rank = rank + func.word_similarity(q, recent.c.name_email)
    rank = rank.cast(Float).label("rank")
    inner = select(recent.c.id, rank)
    if after is not None:
        inner = inner.where(or_(rank < after[0], and_(rank == after[0], recent.c.id < after[1])))
    inner = inner.order_by(rank.desc(), recent.c.id.desc())
    if size is not None:
        inner = inner.limit(size)
    page = inner.subquery("page")
    # The snippet is made for the page's rows only, after the LIMIT.
    headline = func.ts_headline(CONFIG, CandidateSearch.document, func.websearch_to_tsquery(CONFIG, q), HEADLINE)
    return (
        select(*CARD, headline.label("snippet"), page.c.rank)
        .join(Candidate, Candidate.id == page.c.id)
        .join(CandidateSearch, CandidateSearch.candidate_id == page.c.id)
        .order_by(page.c.rank.desc(), page.c.id.desc())
    )


def _sqlite(company_id: int, match: str, where, after) -> Select:
    rank = (-func.bm25(FTS, 10.0, 1.0)).label("rank")  # higher is better, like ts_rank
    snippet = func.snippet(FTS, -1, START, STOP, " … ", 24).label("snippet")
    stmt = (
        select(*CARD, snippet, rank)
        .select_from(FTS_TABLE)
        .join(Candidate, Candidate.id == FTS_TABLE.c.rowid)
        .where(FTS.op("MATCH")(match), Candidate.company_id == company_id, LIVE)
    )
    if where is not None:
        stmt = stmt.where(where)
    if after is not None:
        stmt = stmt.where(or_(rank < after[0], and_(rank == after[0], Candidate.id < after[1])))
    return stmt.order_by(rank.desc(), Candidate.id.desc())


def _statement(actor: User, q: str | None, filters: Filters, after, size: int | None) -> Select | None:
    """The one statement for a page (size) or an export (None); None when the query can match nothing."""
    company_id = actor.company_id
    where = _application_filter(company_id, check_filters(filters))
    if not q:
        stmt = _listing(company_id, where, after)
        return stmt.limit(size) if size is not None else stmt
    parsed = parse(q)
    if not parsed.has_terms:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres(company_id, q, parsed.simple, where, after, size)
    match = to_fts5(parsed)
    if match is None:
        return None
    stmt = _sqlite(company_id, match, where, after)
    return stmt.limit(size) if size is not None else stmt


def _hit(row, ranked: bool) -> Hit:
    return Hit(
        id=row.id,
        full_name=row.full_name,
        email=row.email,
        phone=row.phone,
        location=row.location,
        source=row.source,
        created_at=row.created_at,
        snippet=snippet_html(row.snippet) if ranked else None,
        rank=row.rank if ranked else None,
    )


def clean_query(q: str | None) -> str | None:
    q = " ".join((q or "").split())
    if len(q) > 200:
        raise ValidationFailed("The search is too long.", errors={"q": ["At most 200 characters."]})
    return q or None


def search(
    actor: User,
    *,
    q: str | None = None,
    filters: Filters | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[Hit]:
    """A page of the caller's company's candidates: newest first, or by relevance to `q`."""
    actor = _require_staff(actor)
    q = clean_query(q)
    size = clamp_limit(limit)
    ranked = q is not None
    after = _decode(cursor, ranked)
    stmt = _statement(actor, q, filters or Filters(), after, size + 1)
    if stmt is None:
        return Page(items=[], next_cursor=None, limit=size)
    rows = [_hit(row, ranked) for row in db.session.execute(stmt)]
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = _encode(last.rank, last.id)
    return Page(items=rows[:size], next_cursor=next_cursor, limit=size)


def export_rows(actor: User, *, q: str | None = None, filters: Filters | None = None) -> Iterator[Hit]:
    """Every candidate of the list or search, streamed from one statement.

    The checks run now (a bad filter is a 422 before the first byte); the rows
    are read while the response streams, on a connection of their own with a
    server-side cursor, since the request's transaction has committed by then.
    """
    actor = _require_staff(actor)
    q = clean_query(q)
    stmt = _statement(actor, q, filters or Filters(), None, None)
    if stmt is None:
        return iter(())
    return _stream(stmt, ranked=q is not None)


def _stream(stmt: Select, *, ranked: bool) -> Iterator[Hit]:
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=500).execute(stmt)
        for row in result:
            yield _hit(row, ranked)


def job_choices(actor: User, limit: int = 500) -> list[tuple[int, str]]:
    """(id, title) of the company's newest jobs, for the job filter; one statement."""
    from app.models import Job

    actor = _require_staff(actor)
    stmt = select(Job.id, Job.title).where(Job.company_id == actor.company_id).order_by(Job.id.desc()).limit(limit)
    return [(row.id, row.title) for row in db.session.execute(stmt)]
