"""The kept per-application summary (migration 0036_report_summaries) always equals a recomputation
from the history: after a seeded random run of moves, rejections, withdrawals, undos (of a
rejection too: the application reopens), bulk moves and their undo, corrected times, a changed
source and an erasure. The recomputation here replays the history in Python, not in SQL."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

from sqlalchemy import select, update

from app import workflow
from app.errors import Conflict, Forbidden, IllegalTransition
from app.extensions import db
from app.models import Application, ApplicationSummary, StageChange
from app.models.base import utcnow
from app.services import analytics, applications, bulk, erasure, undo
from app.services.analytics import ReportFilters
from app.workflow import CATEGORIES

CUSTOM = [
    {"key": "applied", "name": "Applied", "category": "applied"},
    {"key": "phone", "name": "Phone screen", "category": "screening"},
    {"key": "screen2", "name": "Second screen", "category": "screening"},
    {"key": "interview", "name": "Interview", "category": "interview"},
    {"key": "offer", "name": "Offer", "category": "offer"},
    {"key": "hired", "name": "Hired", "category": "hired"},
]
RANK = {category: n for n, category in enumerate(CATEGORIES)}
TIMED = CATEGORIES[:-1]


def _recomputed(application_ids: list[int]) -> dict[int, tuple]:
    """What the summary row should hold, replayed from the history rows in id order."""
    out = {}
    for application in db.session.scalars(select(Application).where(Application.id.in_(application_ids))):
        rows = list(
            db.session.scalars(
                select(StageChange).where(StageChange.application_id == application.id).order_by(StageChange.id)
            )
        )
        undone = {row.undo_of_id for row in rows if row.undo_of_id is not None}
        standing = [row for row in rows if row.undo_of_id is None and row.id not in undone]
        seconds: dict[str, float] = {}
        for row, after in itertools.pairwise(standing):
            if row.to_category in TIMED:
                seconds[row.to_category] = (
                    seconds.get(row.to_category, 0.0) + (after.created_at - row.created_at).total_seconds()
                )
        hired = [row.created_at for row in standing if row.to_category == "hired"]
        staff = [row.created_at for row in standing if row.from_stage is not None and row.to_category != "withdrawn"]
        out[application.id] = (
            application.company_id,
            application.job_id,
            application.source,
            application.created_at,
            application.stage_category,
            max((RANK.get(row.to_category, -1) for row in standing), default=None),
            min(hired, default=None),
            min(staff, default=None),
            *(seconds.get(c) for c in TIMED),
        )
    return out


def _kept(application_ids: list[int]) -> dict[int, tuple]:
    s = ApplicationSummary
    rows = db.session.execute(
        select(
            s.application_id,
            s.company_id,
            s.job_id,
            s.source,
            s.applied_at,
            s.stage_category,
            s.furthest_rank,
            s.hired_at,
            s.first_response_at,
            *(getattr(s, f"seconds_{c}") for c in TIMED),
        ).where(s.application_id.in_(application_ids))
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _same(kept: tuple, replayed: tuple) -> bool:
    """Equal, the seconds within a millisecond (SQLite counts them through julianday)."""
    if kept[:8] != replayed[:8]:
        return False
    return all(
        (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-3)
        for a, b in zip(kept[8:], replayed[8:], strict=True)
    )


def _check(ids: list[int], when: str) -> None:
    kept, replayed = _kept(ids), _recomputed(ids)
    wrong = [f"{kept.get(i)}\n{replayed[i]}" for i in ids if i not in kept or not _same(kept[i], replayed[i])]
    assert not wrong, f"{when}:\n" + "\n".join(wrong)


def test_the_kept_summary_equals_the_history_replayed(factory):
    tenant = factory.tenant()
    rec, admin = tenant["recruiter"], tenant["admin"]
    custom = factory.job(rec, pipeline=CUSTOM)
    people = [factory.candidate() for _ in range(8)]
    apps = [factory.application(person, tenant["job"] if n % 2 else custom) for n, person in enumerate(people)]
    owner = {a.id: people[n] for n, a in enumerate(apps)}
    ids = [a.id for a in apps]
    rng = random.Random(20261202)
    clock = utcnow()
    seen = db.session.scalar(select(db.func.max(StageChange.id)))
    done = {"move": 0, "reject": 0, "withdraw": 0, "undo": 0, "bulk": 0, "bulk_undo": 0}

    def stamp() -> None:
        """Later history rows get later times, minutes to days apart (in the future: undo still allowed)."""
        nonlocal clock, seen
        db.session.flush()
        for change_id in db.session.scalars(select(StageChange.id).where(StageChange.id > seen)).all():
            clock += timedelta(minutes=rng.randrange(1, 3000), seconds=rng.random())
            db.session.execute(update(StageChange).where(StageChange.id == change_id).values(created_at=clock))
            seen = change_id
        db.session.expire_all()

    for step in range(70):
        application = db.session.get(Application, rng.choice(ids))
        pipeline = workflow.for_job(application.job)
        roll = rng.random()
        try:
            if roll < 0.45:
                ahead = [
                    k for k in pipeline.allowed_moves(application.stage, rec.role, False) if k not in ("rejected",)
                ]
                if ahead:
                    applications.move_stage(rec, application.id, rng.choice(ahead))
                    done["move"] += 1
            elif roll < 0.55:
                applications.move_stage(rec, application.id, "rejected", reason="Not now")
                done["reject"] += 1
            elif roll < 0.6:
                applications.move_stage(owner[application.id], application.id, "withdrawn")
                done["withdraw"] += 1
            elif roll < 0.85:
                undo.undo_move(rec, application.id)
                done["undo"] += 1
            elif roll < 0.95:
                picked = rng.sample(ids, 3)
                result = bulk.run(rec, action="move", items=picked, to="screening")
                done["bulk"] += bool(result.succeeded)
                if result.succeeded and rng.random() < 0.5:
                    stamp()
                    bulk.undo_batch(rec, result.batch_id)
                    done["bulk_undo"] += 1
            else:  # a corrected source, as an import would fix it
                db.session.execute(
                    update(Application).where(Application.id == application.id).values(source="referral")
                )
        except (Conflict, Forbidden, IllegalTransition):
            pass  # not allowed from here: nothing written
        stamp()
        if step % 10 == 9:
            _check(ids, f"after step {step}")
    assert all(done.values()), done  # the run went through every kind of change

    # A corrected time of an early row (an UPDATE) is followed too.
    first_move = db.session.scalar(select(db.func.min(StageChange.id)).where(StageChange.from_stage.is_not(None)))
    db.session.execute(update(StageChange).where(StageChange.id == first_move).values(created_at=clock))
    db.session.commit()
    _check(ids, "after a corrected time")

    # Erasing a person keeps the analytics: their application and its history stay.
    before = analytics.summary(admin, ReportFilters())
    erasure.erase(admin, _candidate_id(apps[0]))
    db.session.commit()
    _check(ids, "after the erasure")
    assert analytics.summary(admin, ReportFilters())["funnel"] == before["funnel"]
    assert analytics.summary(admin, ReportFilters())["time_in_stage"] == before["time_in_stage"]


def _candidate_id(application: Application) -> int:
    return db.session.get(Application, application.id).candidate_id
