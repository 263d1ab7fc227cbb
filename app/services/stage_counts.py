"""Applications per job and stage: kept on every apply and move, read by the dashboard.

Counting a company's applications on each dashboard load costs as much as the
company has applications; these rows cost the same at 2,000 as at 200,000.
They change in the transaction of the apply or move, so they are never ahead
of or behind the applications they count.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import bindparam, case, delete, func, insert, select

from app import workflow
from app.extensions import db
from app.models import Application, Job, JobStageCount, User
from app.services.access import require_member


@lru_cache(maxsize=8)
def _bump_statement(dialect: str, rows: int):
    """INSERT ... ON CONFLICT DO UPDATE for `rows` stages of one job, built once per dialect and size.

    A new row starts at max(delta, 0); an existing one adds the delta (0 stands for -1).
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    table = JobStageCount.__table__
    values = [
        {"job_id": bindparam("job_id"), "stage": bindparam(f"stage_{n}"), "category": bindparam(f"category_{n}"),
         "company_id": bindparam("company_id"), "count": bindparam(f"start_{n}")}
        for n in range(rows)
    ]  # fmt: skip
    stmt = upsert(table).values(values)
    delta = case((stmt.excluded.count == 0, -1), else_=stmt.excluded.count)
    return stmt.on_conflict_do_update(index_elements=["job_id", "stage"], set_={"count": table.c.count + delta})


def _bump(job, deltas: dict[str, int]) -> None:
    """Add +1 / -1 per stage of `job` in one statement; rows are touched in key order, so
    concurrent moves lock them in the same order and cannot deadlock."""
    pipeline = workflow.for_job(job)
    params: dict = {"job_id": job.id, "company_id": job.company_id}
    for n, (stage, delta) in enumerate(sorted(deltas.items())):
        params[f"stage_{n}"], params[f"start_{n}"] = stage, max(delta, 0)
        params[f"category_{n}"] = pipeline.category(stage)
    db.session.execute(_bump_statement(db.session.get_bind().dialect.name, len(deltas)), params)


def record_apply(application: Application) -> None:
    _bump(application.job, {application.stage: 1})


def record_move(application: Application, from_stage: str) -> None:
    _bump(application.job, {from_stage: -1, application.stage: 1})


def record_moves(job, moves: Iterable[tuple[str, str]]) -> None:
    """Many moves of one job's applications ((from, to) pairs) in one statement."""
    deltas: dict[str, int] = {}
    for from_stage, to_stage in moves:
        deltas[from_stage] = deltas.get(from_stage, 0) - 1
        deltas[to_stage] = deltas.get(to_stage, 0) + 1
    deltas = {stage: delta for stage, delta in deltas.items() if delta}
    if deltas:
        _bump_many(job, deltas)


def _bump_many(job, deltas: dict[str, int]) -> None:
    """Like _bump, for any deltas: still one statement for the job, its rows touched in key order.

    A new row starts at max(delta, 0); an existing one adds its stage's delta.
    """
    if all(delta in (1, -1) for delta in deltas.values()):
        _bump(job, deltas)
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    pipeline = workflow.for_job(job)
    table = JobStageCount.__table__
    ordered = sorted(deltas.items())
    stmt = upsert(table).values(
        [
            {"job_id": job.id, "stage": stage, "category": pipeline.category(stage), "company_id": job.company_id,
             "count": max(delta, 0)}
            for stage, delta in ordered
        ]
    )  # fmt: skip
    delta = case(dict(ordered), value=table.c.stage, else_=0)
    db.session.execute(
        stmt.on_conflict_do_update(index_elements=["job_id", "stage"], set_={"count": table.c.count + delta})
    )


def by_job(actor: User, job_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """{job_id: {stage: count}} of the actor's company's jobs (or just `job_ids`); empty stages left out."""
    require_member(actor, actor.company_id or -1, what="That company")
    stmt = select(JobStageCount.job_id, JobStageCount.stage, JobStageCount.count).where(
        JobStageCount.company_id == actor.company_id, JobStageCount.count > 0
    )
    if job_ids is not None:
        stmt = stmt.where(JobStageCount.job_id.in_(list(job_ids)))
    counts: dict[int, dict[str, int]] = {}
    for job_id, stage, count in db.session.execute(stmt):
        counts.setdefault(job_id, {})[stage] = count
    return counts


def for_company(actor: User) -> dict[str, int]:
    """{category: count} over all of the actor's company's jobs, whatever their pipelines."""
    require_member(actor, actor.company_id or -1, what="That company")
    totals = dict.fromkeys(workflow.ALL_CATEGORIES, 0)
    rows = db.session.execute(
        select(JobStageCount.category, func.sum(JobStageCount.count))
        .where(JobStageCount.company_id == actor.company_id)
        .group_by(JobStageCount.category)
    )
    for stage, count in rows:
        totals[stage] = int(count)
    return totals


def rebuild(job_ids: Iterable[int] | None = None) -> None:
    """Recount from the applications (after a bulk load); all jobs unless `job_ids`."""
    ids = list(job_ids) if job_ids is not None else None
    wipe = delete(JobStageCount)
    source = select(Application.job_id, Application.stage, Application.company_id, func.count()).group_by(
        Application.job_id, Application.stage, Application.company_id
    )
    if ids is not None:
        wipe = wipe.where(JobStageCount.job_id.in_(ids))
        source = source.where(Application.job_id.in_(ids))
    db.session.execute(wipe)
    rows = db.session.execute(source).all()
    if not rows:
        return
    pipelines = {
        job_id: workflow.compile_pipeline(stages or workflow.STANDARD_STAGES, skip)
        for job_id, stages, skip in db.session.execute(
            select(Job.id, Job.pipeline_stages, Job.pipeline_allow_skip).where(Job.id.in_({row[0] for row in rows}))
        )
    }
    db.session.execute(
        insert(JobStageCount),
        [
            {"job_id": job_id, "stage": stage, "category": pipelines[job_id].category(stage),
             "company_id": company_id, "count": count}
            for job_id, stage, company_id, count in rows
        ],
    )  # fmt: skip
