from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.models import Application, User


def test_foreign_keys_are_enforced(db, factory):
    tenant = factory.tenant()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Application(job_id=424242, company_id=tenant["company"].id, candidate_id=tenant["admin"].id))


def test_one_application_per_job_and_candidate_in_the_database(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    factory.application(candidate, tenant["job"])
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Application(job_id=tenant["job"].id, company_id=tenant["company"].id, candidate_id=candidate.id))


def test_database_refuses_mixed_case_email_and_staff_without_company(db):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(User(email="Mixed@Case.example", full_name="X", role="candidate"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(User(email="staff@x.example", full_name="X", role="recruiter", company_id=None))


def test_times_are_utc_aware(db, factory):
    user = factory.candidate()
    db.session.expire_all()
    loaded = db.session.scalar(select(User).where(User.id == user.id))
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - loaded.created_at).total_seconds()) < 60


def test_naive_datetimes_are_refused(db, factory):
    user = factory.candidate()
    user.last_login_at = datetime(2020, 1, 1)
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_stage_category_is_checked_in_the_database(db, factory):
    """Stage keys belong to each job's pipeline (checked by the services); categories are a fixed set."""
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE applications SET stage_category = 'promoted' WHERE id = :id"), {"id": application.id}
        )
