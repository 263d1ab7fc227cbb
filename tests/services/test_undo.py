"""Undo: the mover takes back their last move, for a short time, with both rows kept."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.errors import Conflict, Forbidden, StaleUpdate
from app.models import Application, JobStageCount, OutboxMessage, StageChange
from app.services import applications, applying, jobs, stage_counts, undo
from app.services.candidates import CandidateDetails


def added(db, tenant, name="Sam Sourced"):
    """A person staff added: moves send them no email, so nothing stands in the way of undo."""
    application = applying.add_candidate(
        tenant["recruiter"], tenant["job"].id, details=CandidateDetails(full_name=name), source="sourced"
    )
    db.session.commit()
    return application


def history(db, application_id):
    rows = db.session.scalars(
        select(StageChange).where(StageChange.application_id == application_id).order_by(StageChange.id)
    )
    return [(c.from_stage, c.to_stage, c.undo_of_id) for c in rows]


def counts(db, job_id):
    rows = db.session.execute(select(JobStageCount.stage, JobStageCount.count).where(JobStageCount.job_id == job_id))
    return {stage: n for stage, n in rows if n}


def test_undo_puts_the_application_back_and_keeps_both_rows(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    entered = application.stage_entered_at
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    move_id = db.session.scalars(select(StageChange.id).order_by(StageChange.id.desc())).first()
    undone = undo.undo_move(tenant["recruiter"], application.id, change_id=move_id)
    db.session.commit()
    assert undone.stage == "applied" and undone.stage_category == "applied"
    assert undone.stage_entered_at == entered  # days in stage count from when it first entered
    assert history(db, application.id) == [(None, "applied", None), ("applied", "screening", None),
                                           ("screening", "applied", move_id)]  # fmt: skip
    assert counts(db, tenant["job"].id) == {"applied": 1}
    before = counts(db, tenant["job"].id)
    stage_counts.rebuild([tenant["job"].id])
    assert counts(db, tenant["job"].id) == before


def test_a_rejection_can_be_undone_though_rejected_is_final(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    applications.move_stage(tenant["recruiter"], application.id, "rejected", reason="Not now")
    db.session.commit()
    assert undo.undo_move(tenant["recruiter"], application.id).stage == "screening"
    db.session.commit()
    assert "interview" in applications.allowed_moves(tenant["recruiter"], application)


def test_only_the_mover_may_undo(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    with pytest.raises(Forbidden):
        undo.undo_move(tenant["admin"], application.id)
    with pytest.raises(Forbidden):
        undo.undo_move(tenant["hiring_manager"], application.id)
    other = factory.tenant()
    with pytest.raises(Exception) as info:
        undo.undo_move(other["recruiter"], application.id)
    assert type(info.value).__name__ == "NotFound"


def test_nothing_else_may_have_happened_since(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    first = db.session.scalars(select(StageChange.id).order_by(StageChange.id.desc())).first()
    applications.move_stage(tenant["admin"], application.id, "interview")
    db.session.commit()
    with pytest.raises(Conflict):
        undo.undo_move(tenant["recruiter"], application.id, change_id=first)
    with pytest.raises(Forbidden):  # the last move is the admin's
        undo.undo_move(tenant["recruiter"], application.id)
    assert db.session.get(Application, application.id).stage == "interview"


def test_the_window_closes(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    moved = db.session.scalars(select(StageChange).where(StageChange.to_stage == "screening")).one()
    earlier = moved.created_at - timedelta(minutes=11)
    db.session.execute(update(StageChange).where(StageChange.id == moved.id).values(created_at=earlier))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(Conflict) as info:
        undo.undo_move(tenant["recruiter"], application.id)
    assert "10 minutes" in info.value.detail


def test_applying_and_undos_cannot_be_undone(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    with pytest.raises(Conflict):
        undo.undo_move(tenant["recruiter"], application.id)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    undo.undo_move(tenant["recruiter"], application.id)
    db.session.commit()
    with pytest.raises(Conflict):
        undo.undo_move(tenant["recruiter"], application.id)


def test_a_stale_version_is_refused(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    with pytest.raises(StaleUpdate):
        undo.undo_move(tenant["recruiter"], application.id, expected_version=1)


def test_an_email_already_sent_blocks_the_undo(db, factory):
    """Without a queue the email goes out at commit: the move can no longer be taken back."""
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.stage_change_id.is_not(None))).one()
    assert sent.status == "sent" and sent.kind == "stage_screening"
    with pytest.raises(Conflict) as info:
        undo.undo_move(tenant["recruiter"], application.id)
    assert "emailed" in info.value.detail
    db.session.rollback()
    assert db.session.get(Application, application.id).stage == "screening"


def test_the_offer_names_the_change_and_the_deadline(db, factory):
    tenant = factory.tenant()
    application = added(db, tenant)
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    last = applications.history_of(tenant["recruiter"], application)[-1]
    offer = undo.offer(tenant["recruiter"], application, last)
    assert offer is not None and offer.change_id == last.id
    assert timedelta(minutes=9) < offer.until - last.created_at <= timedelta(minutes=10)
    assert undo.offer(tenant["admin"], application, last) is None
    assert undo.offer(tenant["hiring_manager"], application, last) is None


def test_moving_within_a_category_sends_no_second_email(db, factory):
    tenant = factory.tenant()
    job = jobs.create_job(
        tenant["recruiter"],
        title="Engineer",
        status="open",
        pipeline=[
            {"name": "Applied", "category": "applied"},
            {"name": "Phone screen", "category": "screening"},
            {"name": "Take-home", "category": "screening"},
            {"name": "Offer", "category": "offer"},
            {"name": "Hired", "category": "hired"},
        ],
    )
    db.session.commit()
    application = factory.application(factory.candidate(), job)
    applications.move_stage(tenant["recruiter"], application.id, "phone_screen")
    applications.move_stage(tenant["recruiter"], application.id, "take_home")
    db.session.commit()
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.stage_change_id.is_not(None))).all()
    assert kinds == ["stage_screening"]
    # ... so the second move stays undoable though the first one emailed.
    assert undo.undo_move(tenant["recruiter"], application.id).stage == "phone_screen"
