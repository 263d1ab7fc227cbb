"""The statements behind the hiring analytics (app/services/analytics.py).

Everything is computed from the stage history in the database, one statement
per figure, each answering with a handful of rows whatever the data size:

- `effective_moves`: a company's history rows minus undone moves and the undo
  rows themselves (an undo writes a row with `undo_of_id`; both are dropped, so
  an undone move never happened as far as the reports go);
- percentiles are picked in SQL with ROW_NUMBER/COUNT windows (both SQLite and
  PostgreSQL have them; PostgreSQL's percentile_cont is not on SQLite): the
  statement returns only the one or two ranked values each percentile needs and
  Python interpolates between them, the same "linear" method as percentile_cont.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, exists, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from app.extensions import db
from app.models import Application, ApplicationSummary, Job, StageChange
from app.workflow import CATEGORIES, FINAL_CATEGORIES

RANK = {category: n for n, category in enumerate(CATEGORIES)}


class seconds_between(FunctionElement):
    """Seconds from the first timestamp to the second, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _pg_seconds(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(seconds_between)
def _sqlite_seconds(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


@dataclass(frozen=True)
class Filters:
    company_id: int
    job_id: int | None = None
    start: datetime | None = None  # applications created at or after
    end: datetime | None = None  # applications created before
    source: str | None = None
    department: str | None = None


def _application_conditions(f: Filters) -> list[ColumnElement]:
    conditions = [Application.company_id == f.company_id]
    if f.job_id is not None:
        conditions.append(Application.job_id == f.job_id)
    if f.start is not None:
        conditions.append(Application.created_at >= f.start)
    if f.end is not None:
        conditions.append(Application.created_at < f.end)
    if f.source is not None:
        conditions.append(Application.source == f.source)
    if f.department is not None:
        department_jobs = select(Job.id).where(Job.company_id == f.company_id, Job.department == f.department)
        conditions.append(Application.job_id.in_(department_jobs))
    return conditions


def effective_moves(f: Filters):
    """The filtered applications' history rows that stand: no undone move, no undo row."""
    undo = aliased(StageChange)
    return (
        select(
            StageChange.id,
            StageChange.application_id,
            StageChange.from_stage,
            StageChange.to_category,
            StageChange.created_at,
            Application.created_at.label("applied_at"),
            Application.source,
            Application.stage_category,
        )
        .join(Application, Application.id == StageChange.application_id)
        .where(
            StageChange.company_id == f.company_id,
            StageChange.undo_of_id.is_(None),
            ~exists().where(undo.undo_of_id == StageChange.id),  # the partial index of undo rows
            *_application_conditions(f),
        )
        .cte("moves")
    )


def reach_counts(f: Filters) -> list[tuple[str, int, str, int]]:
    """(source, furthest rank reached, current category, applications) rows.

    The furthest rank is kept per application in `application_summaries` (a trigger on the history
    recomputes it from the standing moves), so this reads one narrow row per application.
    """
    summary = ApplicationSummary
    rank = summary.furthest_rank
    stmt = (
        select(Application.source, rank, Application.stage_category, func.count())
        .join(summary, summary.application_id == Application.id)
        .where(summary.company_id == f.company_id, rank.is_not(None), *_application_conditions(f))
        .group_by(Application.source, rank, Application.stage_category)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


PERCENTILES = (0.5, 0.75)


def _positions(n, p: float) -> tuple[ColumnElement, ColumnElement]:
    """The 1-based ranks either side of percentile p of n sorted values (integer arithmetic)."""
    num = int(p * 4)  # p in quarters: 0.5 -> 2, 0.75 -> 3
    return (n - 1) * num // 4 + 1, ((n - 1) * num + 3) // 4 + 1


def ranked_values(durations, group) -> list[tuple[str, int, int, float]]:
    """(group, n, rank, value) for the ranks the percentiles need, from a (group, value) subquery."""
    ranked = select(
        group.label("grp"),
        durations.c.value,
        func.row_number().over(partition_by=group, order_by=durations.c.value).label("rn"),
        func.count().over(partition_by=group).label("n"),
    ).subquery()
    wanted = []
    for p in PERCENTILES:
        wanted.extend(_positions(ranked.c.n, p))
    stmt = select(ranked.c.grp, ranked.c.n, ranked.c.rn, ranked.c.value).where(or_(*(ranked.c.rn == w for w in wanted)))
    return [tuple(row) for row in db.session.execute(stmt)]


def stage_durations(moves):
    """(category, value) per application and category: seconds spent there over its finished stays."""
    timed = select(
        moves.c.application_id,
        moves.c.to_category,
        moves.c.created_at,
        func.lead(moves.c.created_at).over(partition_by=moves.c.application_id, order_by=moves.c.id).label("left_at"),
    ).subquery()
    return (
        select(
            timed.c.to_category.label("category"),
            func.sum(seconds_between(timed.c.created_at, timed.c.left_at)).label("value"),
        )
        .where(timed.c.left_at.is_not(None), timed.c.to_category.not_in(FINAL_CATEGORIES))
        .group_by(timed.c.application_id, timed.c.to_category)
        .subquery()
    )


def _summary_durations(f: Filters, name: str, column):
    """(name, seconds from applying to the summary's time), for the filtered applications that have one."""
    summary = ApplicationSummary
    return (
        select(literal(name).label("category"), seconds_between(Application.created_at, column).label("value"))
        .join(summary, summary.application_id == Application.id)
        .where(summary.company_id == f.company_id, column.is_not(None), *_application_conditions(f))
    )


def _stage_kind(f: Filters):
    durations = stage_durations(effective_moves(f))
    return select(durations.c.category, durations.c.value)


def _hire_kind(f: Filters):
    """Created -> the first standing move into hired."""
    return _summary_durations(f, "hire", ApplicationSummary.hired_at)


def _response_kind(f: Filters):
    """Created -> the first move by staff (any move but the candidate's own withdrawal)."""
    return _summary_durations(f, "response", ApplicationSummary.first_response_at)


KINDS = {"stages": _stage_kind, "hire": _hire_kind, "response": _response_kind}


def duration_rows(f: Filters, kinds: Iterable[str]) -> list[tuple[str, int, int, float]]:
    """The ranked values for the asked kinds of durations, in one statement.

    Groups: the category for "stages" (time in each), "hire" (applied -> hired),
    "response" (applied -> first staff move).
    """
    parts = [KINDS[kind](f) for kind in kinds]
    durations = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    return ranked_values(durations, durations.c.category)


def moves_between(f: Filters, start: datetime, end: datetime) -> int:
    """Effective moves (not the applying itself) made in [start, end) on the filtered applications."""
    moves = effective_moves(f)
    stmt = select(func.count()).where(
        moves.c.from_stage.is_not(None), moves.c.created_at >= start, moves.c.created_at < end
    )
    return db.session.scalar(stmt) or 0


OPEN_JOBS_LISTED = 20


def open_jobs(f: Filters) -> list[tuple[int, str, datetime, int]]:
    """(id, title, open since, number of open jobs) of the longest-open jobs the filters cover."""
    since = func.coalesce(Job.opened_at, Job.created_at)
    stmt = select(Job.id, Job.title, since, func.count().over()).where(
        Job.company_id == f.company_id, Job.status == "open"
    )
    if f.job_id is not None:
        stmt = stmt.where(Job.id == f.job_id)
    if f.department is not None:
        stmt = stmt.where(Job.department == f.department)
    return [tuple(row) for row in db.session.execute(stmt.order_by(since, Job.id).limit(OPEN_JOBS_LISTED))]


def percentiles(rows: Iterable[tuple[str, int, int, float]]) -> dict[str, dict]:
    """{group: {count, median, p75}} in seconds, interpolated linearly between the ranked values."""
    values: dict[str, dict[int, float]] = {}
    counts: dict[str, int] = {}
    for group, n, rn, value in rows:
        values.setdefault(group, {})[int(rn)] = float(value)
        counts[group] = int(n)
    out = {}
    for group, ranked in values.items():
        n = counts[group]
        figures = {"count": n}
        for p, name in zip(PERCENTILES, ("median", "p75"), strict=True):
            h = (n - 1) * p
            quarters = int(p * 4)
            low, high = (n - 1) * quarters // 4 + 1, ((n - 1) * quarters + 3) // 4 + 1
            lo_value, hi_value = ranked[low], ranked[high]
            figures[name] = round(lo_value + (h - (low - 1)) * (hi_value - lo_value), 3)
        out[group] = figures
    return out
