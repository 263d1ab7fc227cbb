"""The statements behind the hiring analytics (app/services/analytics.py).

Every report reads the kept per-application summary (`application_summaries`,
migrations 0030_integrations and 0036_report_summaries): one narrow row per
application holding its filter columns (job, source, applied_at, current
category) and what its standing moves add up to (furthest category, first hire,
first staff move, seconds per category over finished stays). Triggers keep it in
the statement of every move, undo and change, so no report walks the history
except velocity, which counts the period's standing moves through a partial
index of them by time.

- an undone move never happened: the summary is computed from the standing
  moves (an undo writes a row with `undo_of_id`; both rows are left out);
- percentiles: PostgreSQL's `percentile_cont` over the summary rows; SQLite has
  none, so there the statement ranks values with ROW_NUMBER/COUNT windows,
  returns only the one or two ranked values each percentile needs and Python
  interpolates between them (the same "linear" method as percentile_cont).
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
from app.models import ApplicationSummary, Job, StageChange
from app.workflow import CATEGORIES

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


def _conditions(f: Filters) -> list[ColumnElement]:
    """The filtered applications, on their summary rows (the filter columns are copied there)."""
    summary = ApplicationSummary
    conditions = [summary.company_id == f.company_id]
    if f.job_id is not None:
        conditions.append(summary.job_id == f.job_id)
    if f.start is not None:
        conditions.append(summary.applied_at >= f.start)
    if f.end is not None:
        conditions.append(summary.applied_at < f.end)
    if f.source is not None:
        conditions.append(summary.source == f.source)
    if f.department is not None:  # the job's department now: it is read from the job, never copied
        department_jobs = select(Job.id).where(Job.company_id == f.company_id, Job.department == f.department)
        conditions.append(summary.job_id.in_(department_jobs))
    return conditions


def _filtered(f: Filters) -> bool:
    """Whether the filters name more than the company."""
    return any(value is not None for value in (f.job_id, f.start, f.end, f.source, f.department))


def reach_counts(f: Filters) -> list[tuple[str, int, str, int]]:
    """(source, furthest rank reached, current category, applications) rows, from the summaries."""
    summary = ApplicationSummary
    rank = summary.furthest_rank
    stmt = (
        select(summary.source, rank, summary.stage_category, func.count())
        .where(rank.is_not(None), *_conditions(f))
        .group_by(summary.source, rank, summary.stage_category)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


PERCENTILES = (0.5, 0.75)
STAGE_COLUMNS = {category: getattr(ApplicationSummary, f"seconds_{category}") for category in CATEGORIES[:-1]}


def _values(kinds: Iterable[str]) -> dict[str, ColumnElement]:
    """{group: seconds per application (NULL: not counted)} for the asked kinds of durations.

    Groups: each category for "stages" (time in it), "hire" (applied -> first standing move into
    hired), "response" (applied -> the first standing staff move).
    """
    summary = ApplicationSummary
    values: dict[str, ColumnElement] = {}
    for kind in kinds:
        if kind == "stages":
            values.update(STAGE_COLUMNS)
        elif kind == "hire":
            values["hire"] = seconds_between(summary.applied_at, summary.hired_at)
        elif kind == "response":
            values["response"] = seconds_between(summary.applied_at, summary.first_response_at)
        else:
            raise ValueError(kind)
    return values


def duration_figures(f: Filters, kinds: Iterable[str]) -> dict[str, dict]:
    """{group: {count, median, p75}} in seconds for the asked kinds of durations, in one statement.

    Groups with no value are left out.
    """
    values = _values(kinds)
    if db.session.get_bind().dialect.name == "postgresql":
        columns = []
        for value in values.values():
            columns.append(func.count(value))
            columns.extend(func.percentile_cont(p).within_group(value) for p in PERCENTILES)
        row = db.session.execute(select(*columns).where(*_conditions(f))).one()
        out = {}
        for n, group in enumerate(values):
            count, median, p75 = row[3 * n : 3 * n + 3]
            if count:
                out[group] = {"count": int(count), "median": round(float(median), 3), "p75": round(float(p75), 3)}
        return out
    parts = [
        select(literal(group).label("category"), value.label("value")).where(value.is_not(None), *_conditions(f))
        for group, value in values.items()
    ]
    durations = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    return percentiles(ranked_values(durations, durations.c.category))


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


def moves_between(f: Filters, start: datetime, end: datetime) -> int:
    """Standing moves (not the applying itself) made in [start, end) on the filtered applications.

    Read through the partial index of moves by company and time (migration 0036); the summaries
    are joined only when the filters name more than the company.
    """
    move, undo = StageChange, aliased(StageChange)
    stmt = (
        select(func.count())
        .select_from(move)
        .where(
            move.company_id == f.company_id,
            move.from_stage.is_not(None),
            move.undo_of_id.is_(None),  # with the line above: the partial index's condition
            move.created_at >= start,
            move.created_at < end,
            ~exists().where(undo.undo_of_id == move.id),  # the partial index of undo rows
        )
    )
    if _filtered(f):
        summary = ApplicationSummary
        stmt = stmt.join(summary, summary.application_id == move.application_id).where(*_conditions(f))
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
