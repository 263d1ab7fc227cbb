"""The pipeline board and its list view: a job's applications, filtered, as cards or rows.

Read models for the staff dashboard, scoped to the actor's company through the
job. Filters: a stage of the job's pipeline, knockout-flagged only, a source,
and text in the candidate's name or email (LIKE wildcards in it are matched
literally). The board's columns come from one statement whatever their number;
the list view is keyset-paged on the sort the recruiter picked (name, stage,
days in stage, applied), so its tenth page costs what its first does.

Cards are plain rows, not ORM objects: a board of ninety cards costs what
ninety tuples cost. Days in stage come from `stage_entered_at`, kept at move
time, never from the history.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, String, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm import defer

from app import signals, workflow
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Application, ApplicationAnswer, Candidate, Job, StageChange, User
from app.models.base import utcnow
from app.models.candidates import SOURCES
from app.services import applications, questions, reports, undo
from app.services.pagination import MAX_ID, decode_cursor, encode_cursor
from app.services.validation import Checker

BOARD_COLUMN_SIZE = reports.BOARD_COLUMN_SIZE  # cards per column on the whole board
STAGE_PAGE_SIZE = reports.STAGE_PAGE_SIZE  # cards when the board shows one stage
LIST_PAGE_SIZE = 50  # rows per page of the list view
SEARCH_MAX = 100
SORTS = ("name", "stage", "days", "applied")
DIRECTIONS = ("asc", "desc")
DEFAULT_DIRECTION = {"name": "asc", "stage": "asc", "days": "desc", "applied": "desc"}


@dataclass(frozen=True)
class Filters:
    stage: str | None = None
    flagged: bool = False
    source: str | None = None
    q: str | None = None

    @property
    def narrowed(self) -> bool:
        """A filter the kept counts do not know: counts are counted."""
        return bool(self.source or self.q)

    @property
    def any(self) -> bool:
        return bool(self.stage or self.flagged or self.source or self.q)

    def args(self) -> dict[str, str | int]:
        """As query-string arguments (for links that keep the filters)."""
        given = {"stage": self.stage, "flagged": 1 if self.flagged else None, "source": self.source, "q": self.q}
        return {key: value for key, value in given.items() if value}


class Card(NamedTuple):
    """One application as a card or a list row shows it, with its knockout flags [(label, flag)].

    A tuple, so a template loop unpacks it without an attribute lookup per field.
    """

    id: int
    name: str
    version: int
    days: int  # whole days in the current stage
    source: str
    has_resume: bool
    flags: list[tuple[str, str]]
    stage: str
    email: str | None
    entered_at: datetime
    applied_at: datetime


def _card(row, now: datetime) -> Card:
    app_id, name, email, stage, version, entered_at, source, has_resume, applied_at = row[:9]
    days = max((now - entered_at).days, 0) if entered_at else 0
    return Card(app_id, name, version, days, source, bool(has_resume), [], stage, email, entered_at, applied_at)


def _card_columns():
    """A card's columns, then the label and text of one of its knockout flags (NULL when none)."""
    return (
        Application.id,
        Candidate.full_name,
        Candidate.email,
        Application.stage,
        Application.version,
        Application.stage_entered_at,
        Application.source,
        Application.resume_key.is_not(None),
        Application.created_at,
        ApplicationAnswer.label,
        ApplicationAnswer.flag,
    )


def _with_flags(stmt):
    """Join the candidate and the flagged answers: a card with two flags comes as two rows."""
    flagged = and_(ApplicationAnswer.application_id == Application.id, ApplicationAnswer.flag.is_not(None))
    return stmt.join(Candidate, Candidate.id == Application.candidate_id).outerjoin(ApplicationAnswer, flagged)


def _cards(rows, now: datetime) -> list[Card]:
    """Cards from rows in card order, one row per flag (columns after the card's are ignored)."""
    cards: list[Card] = []
    last: Card | None = None
    for row in rows:
        if last is None or last.id != row[0]:
            last = _card(row, now)
            cards.append(last)
        if row[10] is not None:
            last.flags.append((row[9], row[10]))
    return cards


@dataclass(frozen=True)
class Column:
    stage: str
    label: str
    category: str
    count: int
    cards: list[Card]
    next_cursor: str | None
    limit: int
    moves: list[str]  # the moves the actor may make from this stage


@dataclass(frozen=True)
class Board:
    job: Job
    pipeline: workflow.Pipeline
    filters: Filters
    counts: dict[str, int]
    columns: list[Column]
    can_move: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def matching(self) -> int:
        """How many applications the filters match (all stages, or the one chosen)."""
        if self.filters.stage:
            return self.counts.get(self.filters.stage, 0)
        return self.total


@dataclass(frozen=True)
class Rows:
    """A page of the list view."""

    job: Job
    pipeline: workflow.Pipeline
    filters: Filters
    counts: dict[str, int]
    rows: list[Card]
    sort: str
    direction: str
    next_cursor: str | None
    limit: int
    moves: dict[str, list[str]] = field(default_factory=dict)  # stage -> the actor's moves from it
    can_move: bool = False

    @property
    def matching(self) -> int:
        if self.filters.stage:
            return self.counts.get(self.filters.stage, 0)
        return sum(self.counts.values())


def check_filters(
    pipeline: workflow.Pipeline,
    *,
    stage: str | None = None,
    flagged: bool = False,
    source: str | None = None,
    q: str | None = None,
    check: Checker | None = None,
) -> Filters:
    """Clean filters for this pipeline; problems are added to `check` (raised here without one)."""
    own = check is None
    check = check or Checker()
    stage = stage or None
    if stage is not None and stage not in pipeline.by_key:
        check.add("stage", f"Not a stage of this job's pipeline: {', '.join(pipeline.keys)}.")
        stage = None
    source = check.choice("source", source or None, SOURCES)
    q = check.line("q", q, max_len=SEARCH_MAX) or None
    if own:
        check.raise_if_any()
    return Filters(stage=stage, flagged=bool(flagged), source=source, q=q)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(job: Job, filters: Filters, *, stage: bool = True) -> list:
    """The WHERE clauses of these filters on this job's applications (joined to their candidate for `q`)."""
    where = [Application.job_id == job.id]
    if stage and filters.stage:
        where.append(Application.stage == filters.stage)
    if filters.source:
        where.append(Application.source == filters.source)
    if filters.flagged:
        where.append(Application.id.in_(questions.flagged_ids(job_id=job.id)))
    if filters.q:
        pattern = _pattern(filters.q)
        where.append(or_(Candidate.full_name.ilike(pattern, escape="\\"), Candidate.email.ilike(pattern, escape="\\")))
    return where


def _ids(job: Job, filters: Filters, *, stage: bool = True):
    """SELECT applications.id for the filters (joining the candidate only when searching text)."""
    stmt = select(Application.id)
    if filters.q:
        stmt = stmt.join(Candidate, Candidate.id == Application.candidate_id)
    return stmt.where(*_conditions(job, filters, stage=stage))


def _counts(actor: User, job: Job, filters: Filters) -> dict[str, int]:
    """{stage: count} of the applications the filters match, stage aside (the pills show every stage)."""
    if filters.narrowed:
        stmt = select(Application.stage, func.count())
        if filters.q:
            stmt = stmt.join(Candidate, Candidate.id == Application.candidate_id)
        rows = db.session.execute(stmt.where(*_conditions(job, filters, stage=False)).group_by(Application.stage))
        return {stage: count for stage, count in rows}
    if filters.flagged:
        return questions.flagged_counts(job.id)
    return reports.stage_counts(actor, [job.id]).get(job.id, {})


def _pattern(q: str | None) -> str | None:
    return f"%{_escape_like(q)}%" if q else None


@lru_cache(maxsize=256)
def _columns_statement(stages: int, limit: int, *, flagged: bool, source: bool, q: bool, after: bool):
    """Every column's first cards in one statement, built once per shape (the values are bound).

    One LIMITed branch per stage under UNION ALL, each walking (job_id, stage, id)
    backwards, so a board of 5,000 applications reads what one of 50 reads. Binds:
    job_id, stage_0 ... stage_{n-1}, and source, pattern, after as the shape asks.
    """
    job_id = bindparam("job_id", type_=Integer)
    where = [Application.job_id == job_id]
    if source:
        where.append(Application.source == bindparam("source", type_=String))
    if flagged:
        answers = select(ApplicationAnswer.application_id).where(
            ApplicationAnswer.job_id == job_id, ApplicationAnswer.flag.is_not(None)
        )
        where.append(Application.id.in_(answers))
    if q:
        pattern = bindparam("pattern", type_=String)
        where.append(or_(Candidate.full_name.ilike(pattern, escape="\\"), Candidate.email.ilike(pattern, escape="\\")))
    if after:
        where.append(Application.id < bindparam("after", type_=Integer))
    branches = []
    for n in range(stages):
        branch = select(Application.id)
        if q:
            branch = branch.join(Candidate, Candidate.id == Application.candidate_id)
        branch = branch.where(*where, Application.stage == bindparam(f"stage_{n}", type_=String))
        branches.append(branch.order_by(Application.id.desc()).limit(limit).subquery().select())
    stmt = _with_flags(select(*_card_columns())).where(Application.id.in_(union_all(*branches)))
    return stmt.order_by(Application.id.desc(), ApplicationAnswer.position)


def _moves_by_stage(actor: User, pipeline: workflow.Pipeline) -> dict[str, list[str]]:
    return {key: pipeline.allowed_moves(key, actor.role, False) for key in pipeline.keys}


def board(
    actor: User,
    job_id: int,
    *,
    stage: str | None = None,
    flagged: bool = False,
    source: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
) -> Board:
    """A job's board: a column per stage (or the one chosen), newest cards first.

    Without `stage` every column shows its first BOARD_COLUMN_SIZE cards, all
    read in one statement; with `stage` that column alone, a longer page
    continued from `cursor`.
    """
    job = reports.company_job(actor, job_id)
    pipeline = workflow.for_job(job)
    check = Checker()
    filters = check_filters(pipeline, stage=stage, flagged=flagged, source=source, q=q, check=check)
    if cursor and not filters.stage:
        check.add("cursor", "A cursor belongs to one stage; pass the stage too.")
    after = decode_cursor(cursor) if cursor else None
    check.raise_if_any()
    counts = _counts(actor, job, filters)
    stages = [filters.stage] if filters.stage else list(pipeline.keys)
    size = STAGE_PAGE_SIZE if filters.stage else BOARD_COLUMN_SIZE
    cards: dict[str, list[Card]] = {key: [] for key in stages}
    shown = [key for key in stages if counts.get(key)]
    if shown:
        stmt = _columns_statement(
            len(shown),
            size + 1,
            flagged=filters.flagged,
            source=bool(filters.source),
            q=bool(filters.q),
            after=after is not None,
        )
        params = {f"stage_{n}": key for n, key in enumerate(shown)}
        params.update(job_id=job.id, source=filters.source, pattern=_pattern(filters.q), after=after)
        for card in _cards(db.session.execute(stmt, params), utcnow()):
            cards[card.stage].append(card)
    moves = _moves_by_stage(actor, pipeline)
    columns = []
    for key in stages:
        items = cards[key]
        next_cursor = encode_cursor(items[size - 1].id) if len(items) > size else None
        columns.append(
            Column(
                stage=key,
                label=pipeline.label(key),
                category=pipeline.category(key),
                count=counts.get(key, 0),
                cards=items[:size],
                next_cursor=next_cursor,
                limit=size,
                moves=moves[key],
            )
        )
    return Board(
        job=job, pipeline=pipeline, filters=filters, counts=counts, columns=columns, can_move=any(moves.values())
    )


def _sort_column(sort: str, pipeline: workflow.Pipeline):
    if sort == "name":
        return func.lower(Candidate.full_name)
    if sort == "stage":
        return case({key: n for n, key in enumerate(pipeline.keys)}, value=Application.stage, else_=len(pipeline.keys))
    if sort == "days":
        return Application.stage_entered_at
    return None  # applied: the id alone


def encode_sort_cursor(value, last_id: int) -> str:
    raw = json.dumps([value, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_sort_cursor(cursor: str, sort: str) -> tuple[object, int]:
    """(sort value, id) from a list view cursor; a forged or foreign one is a 422."""
    try:
        value, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 < last_id <= MAX_ID:
            raise ValueError
        if sort == "name" and not (isinstance(value, str) and len(value) <= 400):
            raise ValueError
        if sort == "stage" and not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100):
            raise ValueError
        if sort == "days":
            if not isinstance(value, str):
                raise ValueError
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError
        return value, last_id
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, json.JSONDecodeError):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Not a valid cursor."]}) from None


def rows(
    actor: User,
    job_id: int,
    *,
    stage: str | None = None,
    flagged: bool = False,
    source: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    direction: str | None = None,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> Rows:
    """The list view: the filtered applications as table rows, sorted and keyset-paged.

    `sort`: name, stage (pipeline order), days (in the current stage) or
    applied (the default, newest first); `direction`: asc or desc. Ties are
    broken by id, so a page never repeats or skips a row.
    """
    job = reports.company_job(actor, job_id)
    pipeline = workflow.for_job(job)
    check = Checker()
    filters = check_filters(pipeline, stage=stage, flagged=flagged, source=source, q=q, check=check)
    sort = check.choice("sort", sort or "applied", SORTS) or "applied"
    direction = check.choice("dir", direction or DEFAULT_DIRECTION[sort], DIRECTIONS) or "asc"
    check.raise_if_any()
    if not 1 <= limit <= 200:
        raise ValidationFailed("The limit is out of range.", errors={"limit": ["Must be between 1 and 200."]})
    counts = _counts(actor, job, filters)

    column = _sort_column(sort, pipeline)
    # Days in stage run opposite to the time the stage was entered.
    ascending = (direction == "asc") != (sort == "days")
    # A page of ids (the sort key read back from the database, so the cursor holds the value it
    # compares: SQLite's lower() and Python's disagree beyond ASCII), then their cards and flags.
    keys = () if column is None else (column.label("sort_key"),)
    page = select(Application.id.label("page_id"), *keys).join(Candidate, Candidate.id == Application.candidate_id)
    page = page.where(*_conditions(job, filters))
    if cursor:
        if column is None:
            value, last_id = None, decode_cursor(cursor)
        else:
            value, last_id = decode_sort_cursor(cursor, sort)
        if column is None:
            page = page.where(Application.id > last_id if ascending else Application.id < last_id)
        elif ascending:
            page = page.where(or_(column > value, and_(column == value, Application.id > last_id)))
        else:
            page = page.where(or_(column < value, and_(column == value, Application.id < last_id)))
    order = [] if column is None else [column.asc() if ascending else column.desc()]
    order.append(Application.id.asc() if ascending else Application.id.desc())
    page = page.order_by(*order).limit(limit + 1).subquery()
    stmt = _with_flags(select(*_card_columns(), *(() if column is None else (page.c.sort_key,))))
    stmt = stmt.join(page, page.c.page_id == Application.id)
    rows = db.session.execute(stmt.order_by(*order, ApplicationAnswer.position)).all()
    fetched = _cards(rows, utcnow())
    found = fetched[:limit]
    next_cursor = None
    if len(fetched) > limit:
        last = found[-1]
        if column is None:
            next_cursor = encode_cursor(last.id)
        else:
            value = next(row[11] for row in rows if row[0] == last.id)
            next_cursor = encode_sort_cursor(value.isoformat() if isinstance(value, datetime) else value, last.id)
    moves = _moves_by_stage(actor, pipeline)
    return Rows(
        job=job,
        pipeline=pipeline,
        filters=filters,
        counts=counts,
        rows=found,
        sort=sort,
        direction=direction,
        next_cursor=next_cursor,
        limit=limit,
        moves=moves,
        can_move=any(moves.values()),
    )


@dataclass(frozen=True)
class EmailPreview:
    """The candidate email a move would send: shown before the move is made."""

    kind: str
    subject: str
    to_name: str
    to_address: str
    delay_seconds: int = 0  # it waits this long before it goes out (rejections); undoing the move withdraws it


def email_for_move(
    actor: User, application: Application, to: str, *, expected_version: int | None = None
) -> EmailPreview | None:
    """The email moving `application` to `to` would send the candidate, or None.

    None too when the move would not go through (not allowed, or the version is
    stale): the move itself then says why, and nothing needs confirming.
    """
    if expected_version is not None and expected_version != application.version:
        return None
    if to not in applications.allowed_moves(actor, application):
        return None
    from app.mail.events import candidate_email_for_move

    email = candidate_email_for_move(application, application.stage, to)
    if email is None:
        return None
    candidate = application.candidate
    return EmailPreview(
        kind=email["kind"],
        subject=email["subject"],
        to_name=candidate.full_name,
        to_address=candidate.email,
        delay_seconds=int(email.get("delay_seconds") or 0),
    )


@dataclass(frozen=True)
class MoveResult:
    application: Application
    from_stage: str
    change: StageChange | None
    undo: undo.UndoOffer | None


def move(
    actor: User,
    application_id: int,
    to: str,
    *,
    expected_version: int | None = None,
    note: str | None = None,
    reason: str | None = None,
    reason_id: int | None = None,
) -> MoveResult:
    """`applications.move_stage`, answering with the history row it wrote and the undo now on offer."""
    application = applications.get_application(actor, application_id)
    from_stage = application.stage
    written: list[StageChange] = []

    def keep(_sender, *, change: StageChange, **_extra) -> None:
        written.append(change)

    # Connected for this application object only: another request's move is not heard here.
    with signals.stage_changed.connected_to(keep, sender=application):
        applications.move_stage(
            actor, application.id, to, note=note, reason=reason, reason_id=reason_id, expected_version=expected_version
        )
    change = written[-1] if written else None
    return MoveResult(
        application=application, from_stage=from_stage, change=change, undo=undo.offer(actor, application, change)
    )


# -- Bulk actions from the board -----------------------------------------------------------------


def matching_ids(
    actor: User,
    job_id: int,
    *,
    stage: str | None = None,
    flagged: bool = False,
    source: str | None = None,
    q: str | None = None,
    limit: int,
) -> list[int]:
    """The ids of the job's applications the filters match ("all N matching this filter"), oldest first.

    At most `limit` + 1, so the caller can tell a selection that is too large for one bulk.
    """
    job = reports.company_job(actor, job_id)
    filters = check_filters(workflow.for_job(job), stage=stage, flagged=flagged, source=source, q=q)
    stmt = _ids(job, filters).order_by(Application.id).limit(limit + 1)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk move would do before it is made: who it concerns and the emails it would send."""

    names: dict[int, str]  # the selected applications of the actor's company: id -> candidate name
    emails: dict[str, int]  # subject -> how many candidates would get it
    delay_seconds: int = 0  # how long they wait before they go out (rejections)

    @property
    def emailed(self) -> int:
        return sum(self.emails.values())


def bulk_preview(actor: User, ids: Sequence[int], to: str | None) -> BulkPreview:
    """The names of these applications (the actor's company's only) and, for a move to `to`, its emails.

    Each application that may make the move and whose candidate it emails is counted once,
    by subject; the others (illegal moves, people staff added) send nothing.
    """
    from app.mail.events import candidate_email_for_move

    stmt = select(Application).where(Application.id.in_(list(ids)), Application.company_id == actor.company_id)
    found = list(db.session.scalars(stmt.options(defer(Application.cover_letter))).unique())
    names = {application.id: application.candidate.full_name for application in found}
    emails: dict[str, int] = {}
    delay = 0
    if to:
        for application in found:
            if to not in workflow.for_job(application.job).allowed_moves(application.stage, actor.role, False):
                continue
            email = candidate_email_for_move(application, application.stage, to)
            if email is not None:
                emails[email["subject"]] = emails.get(email["subject"], 0) + 1
                delay = max(delay, int(email.get("delay_seconds") or 0))
    return BulkPreview(names=names, emails=emails, delay_seconds=delay)
