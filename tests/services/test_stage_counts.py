"""Per-job stage counts follow every apply and move, and stay within the caller's company."""

from collections import Counter

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app.errors import NotFound, StaleUpdate
from app.extensions import db
from app.models import Application, JobStageCount
from app.models.base import utcnow
from app.services import applications, stage_counts
from app.workflow import STAGES


def _true_counts(job_id: int) -> dict[str, int]:
    counted = Counter(db.session.scalars(select(Application.stage).where(Application.job_id == job_id)))
    return {stage: counted.get(stage, 0) for stage in STAGES}


def test_counts_follow_applies_and_every_kind_of_move(factory):
    tenant = factory.tenant()
    job, recruiter = tenant["job"], tenant["recruiter"]
    people = [factory.candidate() for _ in range(5)]
    apps = [factory.application(person, job) for person in people]
    applications.move_stage(recruiter, apps[0].id, "screening")
    applications.move_stage(recruiter, apps[0].id, "interview")
    applications.move_stage(recruiter, apps[1].id, "rejected", reason="Not a fit")
    applications.move_stage(people[2], apps[2].id, "withdrawn")
    db.session.commit()
    counts = stage_counts.by_job(recruiter, [job.id])[job.id]
    assert counts == {stage: n for stage, n in _true_counts(job.id).items() if n}
    assert counts == {"applied": 2, "interview": 1, "rejected": 1, "withdrawn": 1}  # screening emptied again
    assert stage_counts.for_company(recruiter) == _true_counts(job.id)


def test_a_move_that_loses_changes_no_count(factory):
    tenant = factory.tenant()
    job, recruiter = tenant["job"], tenant["recruiter"]
    application = factory.application(factory.candidate(), job)
    with pytest.raises(StaleUpdate):
        applications.move_stage(recruiter, application.id, "screening", expected_version=application.version + 1)
    db.session.rollback()
    assert stage_counts.by_job(recruiter, [job.id])[job.id] == {"applied": 1}


def test_counts_are_scoped_to_the_callers_company(factory):
    ours, theirs = factory.tenant(), factory.tenant()
    factory.application(factory.candidate(), theirs["job"])
    factory.application(factory.candidate(), ours["job"])
    mine = stage_counts.by_job(ours["recruiter"], [ours["job"].id, theirs["job"].id])
    assert mine == {ours["job"].id: {"applied": 1}}  # another company's job reads as nothing
    assert stage_counts.by_job(ours["recruiter"]) == mine
    assert stage_counts.for_company(ours["recruiter"])["applied"] == 1
    with pytest.raises(NotFound):
        stage_counts.for_company(factory.candidate())


def test_rebuild_recounts_from_the_applications(factory):
    tenant = factory.tenant()
    job, recruiter = tenant["job"], tenant["recruiter"]
    factory.application(factory.candidate(), job)
    db.session.execute(JobStageCount.__table__.delete())
    stage_counts.rebuild()
    db.session.commit()
    assert stage_counts.for_company(recruiter) == _true_counts(job.id)


def test_the_migration_counts_existing_applications(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'counts.db'}")
    with app.app_context():
        upgrade(revision="0001")
        # Rows as the schema of 0001 holds them (the models have grown since).
        now = utcnow()
        db.session.execute(
            text("INSERT INTO companies (id, name, slug, created_at) VALUES (1, 'A', 'a', :now)"), {"now": now}
        )
        for n in (1, 2, 3):
            db.session.execute(
                text(
                    "INSERT INTO users (id, email, full_name, role, active, auth_version, created_at)"
                    " VALUES (:n, :email, 'C', 'candidate', true, 1, :now)"
                ),
                {"n": n, "email": f"c{n}@x.example", "now": now},
            )
        db.session.execute(
            text(
                "INSERT INTO jobs (id, company_id, title, description, location, remote, employment_type, status,"
                " created_at, updated_at) VALUES (1, 1, 'T', '', '', false, 'full_time', 'open', :now, :now)"
            ),
            {"now": now},
        )
        for n, stage in ((1, "applied"), (2, "applied"), (3, "offer")):
            db.session.execute(
                text(
                    "INSERT INTO applications (job_id, company_id, candidate_id, stage, cover_letter, version,"
                    " created_at, updated_at) VALUES (1, 1, :n, :stage, '', 1, :now, :now)"
                ),
                {"n": n, "stage": stage, "now": now},
            )
        db.session.commit()
        upgrade()
        rows = dict(db.session.execute(select(JobStageCount.stage, JobStageCount.count)).all())
        assert rows == {"applied": 2, "offer": 1}
        downgrade(revision="0001")
        db.session.remove()
        db.engine.dispose()
