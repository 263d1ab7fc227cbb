"""Retention policies: who is due and why, exceptions, the dry run equals the run, the schedule and the command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, Job, RetentionRun
from app.models.base import utcnow
from app.services import applications, erasure, retention
from app.services.anonymise import tombstone
from tests.privacy.conftest import make_person, pool_of


def _ended(application_id: int, category: str, days_ago: int) -> None:
    """The application reached a final category that many days ago (test data, not a move)."""
    db.session.execute(
        update(Application)
        .where(Application.id == application_id)
        .values(stage=category, stage_category=category, stage_entered_at=utcnow() - timedelta(days=days_ago))
    )
    db.session.commit()


@pytest.fixture
def company(factory):
    tenant = factory.tenant()
    people = {
        key: make_person(tenant, name=f"{key.title()} Person", email=f"{key}@people.example")
        for key in ("old", "recent", "hired", "active", "pooled", "withdrew", "held", "closed")
    }
    _ended(people["old"].application_id, "rejected", 400)
    _ended(people["recent"].application_id, "rejected", 10)
    _ended(people["hired"].application_id, "hired", 800)
    _ended(people["pooled"].application_id, "withdrawn", 400)
    _ended(people["withdrew"].application_id, "rejected", 400)
    _ended(people["held"].application_id, "rejected", 400)
    pool_of(tenant, people["pooled"].candidate_id)
    pool_of(tenant, people["withdrew"].candidate_id, name="Later")
    erasure.withdraw_consent(tenant["recruiter"], people["withdrew"].candidate_id)
    erasure.set_legal_hold(tenant["admin"], people["held"].candidate_id, "Litigation")
    # "closed": still in screening, but on a job closed 400 days ago (on a job of its own).
    closed_job = factory.job(tenant["recruiter"])
    people["closed"] = make_person(tenant, name="Closed Person", email="closed2@people.example", job=closed_job)
    db.session.execute(
        update(Job).where(Job.id == closed_job.id).values(status="closed", closed_at=utcnow() - timedelta(days=400))
    )
    db.session.commit()
    return tenant, people


def _ids(found, people) -> set[str]:
    names = {p.candidate_id: key for key, p in people.items()}
    return {names[item.candidate_id] for item in found}


def test_who_is_due_and_why(company):
    tenant, people = company
    admin = tenant["admin"]
    assert retention.preview_for(admin) == []  # no policy: nobody
    retention.set_policy(admin, retention_days=365, retention_hired_days=None)
    found = retention.preview_for(admin)
    assert _ids(found, people) == {"old", "withdrew", "closed"}
    assert all(item.rule == "ended" and item.days == 365 for item in found)
    assert "more than 365 days ago" in found[0].why
    retention.set_policy(admin, retention_days=365, retention_hired_days=730)
    assert _ids(retention.preview_for(admin), people) == {"old", "withdrew", "closed", "hired"}


def test_the_dry_run_lists_exactly_what_the_run_does(company):
    tenant, people = company
    admin = tenant["admin"]
    retention.set_policy(admin, retention_days=365, retention_hired_days=730)
    db.session.commit()
    preview = [(i.candidate_id, i.rule) for i in retention.preview_for(admin)]
    record = retention.run_for(admin)
    db.session.commit()
    assert [(row["candidate_id"], row["rule"]) for row in record.anonymised] == preview
    erased = set(db.session.scalars(select(Candidate.id).where(Candidate.anonymised_at.is_not(None))))
    assert erased == {cid for cid, _ in preview}
    for cid in erased:
        assert db.session.get(Candidate, cid).full_name == tombstone(cid)
    assert db.session.get(Candidate, people["held"].candidate_id).anonymised_at is None
    assert retention.preview_for(admin) == []  # a second run finds nobody new
    assert [r.count for r in retention.list_runs(admin)] == [len(preview)]


def test_a_policy_of_zero_days_is_refused_and_only_admins_set_one(company):
    tenant, _people = company
    with pytest.raises(ValidationFailed) as caught:
        retention.set_policy(tenant["admin"], retention_days=0)
    assert "At least 1 day" in caught.value.errors["retention_days"][0]
    with pytest.raises(ValidationFailed):
        retention.set_policy(tenant["admin"], retention_hired_days="ten")
    with pytest.raises(Forbidden):
        retention.set_policy(tenant["recruiter"], retention_days=30)


def test_the_daily_task_runs_every_company_with_a_policy(company, factory, app):
    tenant, _people = company
    other = factory.tenant()
    stranger = make_person(other, name="Other Person", email="other@people.example")
    _ended(stranger.application_id, "rejected", 400)  # no policy in that company: kept
    retention.set_policy(tenant["admin"], retention_days=365)
    db.session.commit()
    assert retention.run_policies(app) == 3
    runs = db.session.scalars(select(RetentionRun)).all()
    assert [(r.company_id, r.trigger, r.count) for r in runs] == [(tenant["company"].id, "schedule", 3)]
    assert db.session.get(Candidate, stranger.candidate_id).anonymised_at is None


def test_the_daily_task_works_through_everyone_due_in_batches(company, app):
    """A batch per transaction: everyone due is done in one pass, each batch recorded as a run of its own."""
    tenant, _people = company
    retention.set_policy(tenant["admin"], retention_days=365)
    db.session.commit()
    app.config["RETENTION_BATCH"] = 2
    try:
        assert retention.run_policies(app) == 3
    finally:
        app.config["RETENTION_BATCH"] = 500
    assert [r.count for r in db.session.scalars(select(RetentionRun).order_by(RetentionRun.id))] == [2, 1]
    assert retention.due(tenant["company"]) == []


def test_the_command_previews_then_runs(company, runner):
    tenant, people = company
    retention.set_policy(tenant["admin"], retention_days=365)
    db.session.commit()
    preview = runner.invoke(args=["privacy", "sweep", "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert f"candidate {people['old'].candidate_id}\tended" in preview.output
    assert "3 candidate(s) would be anonymised" in preview.output
    assert db.session.scalar(select(db.func.count()).where(Candidate.anonymised_at.is_not(None))) == 0
    done = runner.invoke(args=["privacy", "sweep"])
    assert done.exit_code == 0 and "3 candidate(s) anonymised" in done.output
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).where(Candidate.anonymised_at.is_not(None))) == 3


def test_an_active_application_keeps_the_person(company):
    tenant, people = company
    retention.set_policy(tenant["admin"], retention_days=1)
    # "active" is in applied on an open job; "recent" ended 10 days ago: due with 1 day, not before.
    due = _ids(retention.preview_for(tenant["admin"]), people)
    assert "active" not in due and "recent" in due
    applications.move_stage(tenant["recruiter"], people["active"].application_id, "screening")
    assert "active" not in _ids(retention.preview_for(tenant["admin"]), people)
