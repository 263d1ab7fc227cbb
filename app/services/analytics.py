"""Hiring analytics for a company's staff, read from the kept per-application summaries.

Definitions (docs/design.md, "Analytics"):
- an undone move never happened: the move and the undo row are both left out;
- an application *reached* a category if its furthest category (by the pipeline
  order applied < screening < interview < offer < hired) is that one or later, so
  skipped stages count as passed; rejection and withdrawal are outcomes, not steps;
- time in a category: the seconds between entering it and the next move, summed
  over the application's visits; a stay still going on is not counted;
- percentiles interpolate linearly between ranked values (PostgreSQL's percentile_cont);
- `from`/`to` select the applications created on those days (UTC, both inclusive);
  velocity counts the moves made in that period (the last 12 weeks without one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app import report_cache
from app.errors import ValidationFailed
from app.models import User
from app.models.base import utcnow
from app.models.candidates import SOURCES
from app.models.jobs import DEPARTMENT_MAX
from app.services import analytics_sql as sql
from app.services.access import require_member, require_user
from app.services.validation import Checker
from app.workflow import CATEGORIES, CATEGORY_LABELS

DAY = 86400.0
VELOCITY_WEEKS = 12


@dataclass(frozen=True)
class ReportFilters:
    job_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None
    department: str | None = None

    def as_query(self) -> dict[str, str]:
        out = {
            "job_id": self.job_id,
            "from": self.date_from and self.date_from.isoformat(),
            "to": self.date_to and self.date_to.isoformat(),
            "source": self.source,
            "department": self.department,
        }
        return {key: str(value) for key, value in out.items() if value not in (None, "")}


def parse_filters(raw: dict) -> ReportFilters:
    """Filters from query-string text; 422 with every field's problem."""
    check = Checker()
    job_id = None
    if raw.get("job_id") not in (None, ""):
        try:
            job_id = int(raw["job_id"])
            if job_id < 1:
                raise ValueError
        except ValueError:
            check.add("job_id", "Must be a positive whole number.")
    dates = {}
    for key in ("from", "to"):
        value = raw.get(key)
        if value in (None, ""):
            dates[key] = None
            continue
        try:
            dates[key] = date.fromisoformat(value)
        except (TypeError, ValueError):
            check.add(key, "Must be a date as YYYY-MM-DD.")
            dates[key] = None
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        check.add("to", "Must be on or after the start date.")
    source = raw.get("source") or None
    if source is not None:
        source = check.choice("source", source, SOURCES)
    department = raw.get("department") or None
    if department is not None:
        department = check.line("department", department, max_len=DEPARTMENT_MAX) or None
    if check.errors:
        raise ValidationFailed("Some report filters are not valid.", errors=check.errors)
    return ReportFilters(job_id, dates["from"], dates["to"], source, department)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _scope(actor: User, filters: ReportFilters) -> sql.Filters:
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    if filters.job_id is not None:
        from app.services.reports import company_job

        company_job(actor, filters.job_id)  # another company's job: not found
    return sql.Filters(
        company_id=actor.company_id,
        job_id=filters.job_id,
        start=_midnight(filters.date_from) if filters.date_from else None,
        end=_midnight(filters.date_to) + timedelta(days=1) if filters.date_to else None,
        source=filters.source,
        department=filters.department,
    )


def _aware(value: datetime | str) -> datetime:
    """COALESCE loses the column type on SQLite: its text comes back as it was stored (naive UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _reach(scope: sql.Filters):
    """{source: {rank: n}}, {category: n} of current final outcomes, and declined offers."""
    by_source: dict[str, dict[int, int]] = {}
    outcomes = {"rejected": 0, "withdrawn": 0}
    declined = 0
    for source, rank, current, count in sql.reach_counts(scope):
        per = by_source.setdefault(source, {})
        per[rank] = per.get(rank, 0) + count
        if current in outcomes:
            outcomes[current] += count
            if rank == sql.RANK["offer"]:
                declined += count
    return by_source, outcomes, declined


def _reached(ranks: dict[int, int]) -> list[int]:
    """Applications reaching each category (furthest rank at or beyond it)."""
    return [sum(n for rank, n in ranks.items() if rank >= index) for index in range(len(CATEGORIES))]


def _kept(actor: User, filters: ReportFilters, report: str, compute: Callable[[sql.Filters], dict]) -> dict:
    """The report for the actor's company, from the report cache while its data is unchanged."""
    scope = _scope(actor, filters)
    return report_cache.kept(scope.company_id, report, filters.as_query(), lambda: compute(scope))


def funnel(actor: User, filters: ReportFilters) -> dict:
    return _kept(actor, filters, "funnel", lambda scope: _funnel_out(_reach(scope)))


def _funnel_out(reach) -> dict:
    by_source, outcomes, _ = reach
    total: dict[int, int] = {}
    for ranks in by_source.values():
        for rank, n in ranks.items():
            total[rank] = total.get(rank, 0) + n
    reached = _reached(total)
    stages = []
    for index, category in enumerate(CATEGORIES):
        previous = reached[index - 1] if index else None
        stages.append(
            {
                "category": category,
                "label": CATEGORY_LABELS[category],
                "reached": reached[index],
                "conversion": _ratio(reached[index], previous) if index else None,
            }
        )
    return {"applications": reached[0], "stages": stages, "rejected": outcomes["rejected"],
            "withdrawn": outcomes["withdrawn"]}  # fmt: skip


def _days(figures: dict | None) -> dict:
    if not figures:
        return {"count": 0, "median_days": None, "p75_days": None}
    return {
        "count": figures["count"],
        "median_days": round(figures["median"] / DAY, 3),
        "p75_days": round(figures["p75"] / DAY, 3),
    }


def time_in_stage(actor: User, filters: ReportFilters) -> dict:
    return _kept(actor, filters, "time_in_stage", lambda scope: _stages_out(sql.duration_figures(scope, ["stages"])))


def _stages_out(figures: dict) -> dict:
    return {
        "stages": [
            {"category": category, "label": CATEGORY_LABELS[category], **_days(figures.get(category))}
            for category in CATEGORIES
            if category != "hired"
        ]
    }


def time_to_hire(actor: User, filters: ReportFilters) -> dict:
    return _kept(actor, filters, "time_to_hire", lambda scope: _days(sql.duration_figures(scope, ["hire"]).get("hire")))


def sources(actor: User, filters: ReportFilters) -> dict:
    return _kept(actor, filters, "sources", lambda scope: _sources_out(_reach(scope)))


def _sources_out(reach) -> dict:
    by_source = reach[0]
    rows = []
    for source in sorted(by_source):
        reached = _reached(by_source[source])
        applications, interview, offer, hired = reached[0], reached[2], reached[3], reached[4]
        rows.append(
            {
                "source": source,
                "applications": applications,
                "reached_interview": interview,
                "offers": offer,
                "hires": hired,
                "interview_rate": _ratio(interview, applications),
                "hire_rate": _ratio(hired, applications),
            }
        )
    return {"sources": rows}


def overview(actor: User, filters: ReportFilters, *, now: datetime | None = None) -> dict:
    """`now` pins the clock (tests); without it the answer may come from the report cache."""

    def compute(scope: sql.Filters) -> dict:
        return _overview_out(scope, _reach(scope), sql.duration_figures(scope, ["response"]), now or utcnow())

    return compute(_scope(actor, filters)) if now else _kept(actor, filters, "overview", compute)


def _overview_out(scope: sql.Filters, reach, durations: dict, now: datetime) -> dict:
    by_source, _, declined = reach
    offers = sum(n for ranks in by_source.values() for rank, n in ranks.items() if rank >= sql.RANK["offer"])
    hires = sum(n for ranks in by_source.values() for rank, n in ranks.items() if rank >= sql.RANK["hired"])
    end = scope.end or _midnight(now.date()) + timedelta(days=1)
    start = scope.start or end - timedelta(weeks=VELOCITY_WEEKS)
    moves = sql.moves_between(scope, start, end)
    weeks = (end - start).total_seconds() / (7 * DAY)
    rows = sql.open_jobs(scope)
    jobs = [
        {"id": job_id, "title": title, "days_open": round((now - _aware(since)).total_seconds() / DAY, 1)}
        for job_id, title, since, _ in rows
    ]
    return {
        "offers": offers,
        "hires": hires,
        "offers_decided": hires + declined,
        "offer_acceptance": _ratio(hires, hires + declined),
        "moves": moves,
        "velocity_per_week": round(moves / weeks, 2),
        "velocity_from": start.date(),
        "velocity_to": (end - timedelta(days=1)).date(),
        "first_response": _days(durations.get("response")),
        "open_jobs": rows[0][3] if rows else 0,
        "jobs": jobs,
    }


def summary(actor: User, filters: ReportFilters, *, now: datetime | None = None) -> dict:
    """Every report at once for the dashboard page: one reach and one durations statement shared."""

    def compute(scope: sql.Filters) -> dict:
        reach = _reach(scope)
        durations = sql.duration_figures(scope, ["stages", "hire", "response"])
        return {
            "funnel": _funnel_out(reach),
            "time_in_stage": _stages_out(durations),
            "time_to_hire": _days(durations.get("hire")),
            "sources": _sources_out(reach),
            "overview": _overview_out(scope, reach, durations, now or utcnow()),
        }

    return compute(_scope(actor, filters)) if now else _kept(actor, filters, "summary", compute)
