"""Two moves of one application at once, on two real PostgreSQL connections."""

import pytest
from sqlalchemy import func, select

from app.errors import StaleUpdate
from app.extensions import db as _db
from app.models import Application, StageChange, User
from app.services import applications
from tests.racing import race

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(("first", "second"), [("screening", "screening"), ("screening", "rejected")])
def test_concurrent_moves_from_the_same_stage_exactly_one_wins(app, factory, first, second):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    app_id, recruiter_id, admin_id = application.id, tenant["recruiter"].id, tenant["admin"].id
    _db.session.remove()

    def move(actor_id: int, dest: str):
        def call() -> None:
            actor = _db.session.get(User, actor_id)
            applications.move_stage(actor, app_id, dest, reason="No" if dest == "rejected" else None)

        return call

    # Both transactions have read the application before either writes.
    outcomes = race(
        app,
        {"a": move(recruiter_id, first), "b": move(admin_id, second)},
        hook="before_flush",
        ready=lambda *_: True,
        expected=StaleUpdate,
    )
    assert outcomes == ["StaleUpdate", "ok"]
    final = _db.session.get(Application, app_id)
    assert final.version == 2
    changes = _db.session.scalars(
        select(StageChange).where(StageChange.application_id == app_id, StageChange.from_stage == "applied")
    ).all()
    assert len(changes) == 1 and changes[0].to_stage == final.stage
    assert _db.session.scalar(select(func.count(StageChange.id)).where(StageChange.application_id == app_id)) == 2


PHONE_FIRST = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


def test_two_recruiters_drag_the_same_card_in_a_custom_pipeline(app, factory):
    """One wins, one conflict, one history row, and the kept counts say where the card is."""
    from app.models import JobStageCount
    from app.services import jobs

    tenant = factory.tenant()
    job = jobs.create_job(tenant["recruiter"], title="Engineer", status="open", pipeline=PHONE_FIRST)
    _db.session.commit()
    application = factory.application(factory.candidate(), job)
    app_id, job_id, recruiter_id, admin_id = application.id, job.id, tenant["recruiter"].id, tenant["admin"].id
    _db.session.remove()

    def drag(actor_id: int, dest: str):
        def call() -> None:
            applications.move_stage(_db.session.get(User, actor_id), app_id, dest, reason="No")

        return call

    outcomes = race(
        app,
        {"a": drag(recruiter_id, "phone_screen"), "b": drag(admin_id, "rejected")},
        hook="before_flush",
        ready=lambda *_: True,
        expected=StaleUpdate,
    )
    assert outcomes == ["StaleUpdate", "ok"]
    final = _db.session.get(Application, app_id)
    moves = _db.session.scalars(
        select(StageChange).where(StageChange.application_id == app_id, StageChange.from_stage.is_not(None))
    ).all()
    assert [m.to_stage for m in moves] == [final.stage]
    kept = dict(
        _db.session.execute(
            select(JobStageCount.stage, JobStageCount.count).where(
                JobStageCount.job_id == job_id, JobStageCount.count > 0
            )
        ).all()
    )
    assert kept == {final.stage: 1}


def test_an_undo_racing_a_colleagues_move_cannot_both_win(app, factory):
    from app.services import applying, undo
    from app.services.candidates import CandidateDetails

    tenant = factory.tenant()
    application = applying.add_candidate(
        tenant["recruiter"], tenant["job"].id, details=CandidateDetails(full_name="Sam"), source="sourced"
    )
    _db.session.commit()
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    _db.session.commit()
    app_id, recruiter_id, admin_id = application.id, tenant["recruiter"].id, tenant["admin"].id
    _db.session.remove()

    def take_back() -> None:
        undo.undo_move(_db.session.get(User, recruiter_id), app_id)

    def advance() -> None:
        applications.move_stage(_db.session.get(User, admin_id), app_id, "interview")

    outcomes = race(
        app, {"undo": take_back, "move": advance}, hook="before_flush", ready=lambda *_: True, expected=StaleUpdate
    )
    assert outcomes == ["StaleUpdate", "ok"]
    final = _db.session.get(Application, app_id)
    assert final.stage in ("applied", "interview") and final.version == 3
    assert _db.session.scalar(select(func.count(StageChange.id)).where(StageChange.application_id == app_id)) == 3
