"""Jobs' careers fields (department, headcount, closing date, salary visibility) and closing by date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.closing import close_due_jobs_step
from app.errors import NotFound, ValidationFailed
from app.models import Job
from app.models.base import utcnow
from app.services import jobs


def _later(**delta) -> datetime:
    return utcnow() + timedelta(**delta)


def test_new_fields_are_stored_and_checked(db, factory):
    tenant = factory.tenant()
    closes = _later(days=30).replace(microsecond=0)
    job = jobs.create_job(
        tenant["recruiter"], title="Welder", department="Workshop", headcount=3, closes_at=closes, salary_visible=False
    )
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Job, job.id)
    assert (stored.department, stored.headcount, stored.closes_at, stored.salary_visible) == (
        "Workshop",
        3,
        closes,
        False,
    )
    assert stored.closes_at.tzinfo is not None
    defaults = jobs.create_job(tenant["recruiter"], title="Plain")
    assert (defaults.department, defaults.headcount, defaults.closes_at, defaults.salary_visible) == ("", 1, None, True)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"headcount": 0}, "headcount"),
        ({"headcount": 10_001}, "headcount"),
        ({"headcount": True}, "headcount"),
        ({"headcount": "3"}, "headcount"),
        ({"department": "x" * 101}, "department"),
        ({"department": "Two\nlines"}, "department"),
        ({"salary_visible": "yes"}, "salary_visible"),
        ({"closes_at": datetime(2030, 1, 1)}, "closes_at"),  # naive: which zone?
        ({"closes_at": "2030-01-01"}, "closes_at"),
        ({"closes_at": datetime(2020, 1, 1, tzinfo=UTC)}, "closes_at"),  # in the past
    ],
)
def test_bad_careers_fields_are_refused(db, factory, fields, bad):
    tenant = factory.tenant()
    with pytest.raises(ValidationFailed) as info:
        jobs.create_job(tenant["recruiter"], title="X", **fields)
    assert bad in info.value.errors


def test_headcount_bounds_are_accepted(db, factory):
    tenant = factory.tenant()
    assert jobs.create_job(tenant["recruiter"], title="One", headcount=1).headcount == 1
    assert jobs.create_job(tenant["recruiter"], title="Many", headcount=10_000).headcount == 10_000


def test_closing_date_in_another_zone_is_kept_as_the_same_instant(db, factory):
    tenant = factory.tenant()
    plus_two = timezone(timedelta(hours=2))
    closes = (_later(days=3)).astimezone(plus_two).replace(microsecond=0)
    job = factory.job(tenant["recruiter"], closes_at=closes)
    db.session.expire_all()
    assert db.session.get(Job, job.id).closes_at == closes
    assert db.session.get(Job, job.id).closes_at.utcoffset() == timedelta(0)


def test_an_unchanged_past_closing_date_may_stay_but_the_job_cannot_reopen_with_it(db, factory):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], closes_at=_later(days=1))
    past = utcnow() - timedelta(hours=1)
    db.session.execute(Job.__table__.update().where(Job.id == job.id).values(closes_at=past))
    close_due_jobs_step()
    job = db.session.get(Job, job.id)
    assert job.status == "closed"
    # Editing another field keeps the passed date as it is.
    jobs.update_job(tenant["recruiter"], job.id, title="Renamed", closes_at=job.closes_at)
    with pytest.raises(ValidationFailed) as info:
        jobs.set_job_status(tenant["recruiter"], job.id, "open")
    assert "closes_at" in info.value.errors
    db.session.rollback()
    jobs.update_job(tenant["recruiter"], job.id, status="open", closes_at=_later(days=7))
    assert db.session.get(Job, job.id).status == "open"


def test_close_due_jobs_closes_only_open_jobs_past_their_date_once(db, factory):
    tenant = factory.tenant()
    now = utcnow()
    due = factory.job(tenant["recruiter"], title="Due", closes_at=_later(minutes=5))
    exactly = factory.job(tenant["recruiter"], title="Exactly", closes_at=_later(minutes=10))
    later = factory.job(tenant["recruiter"], title="Later", closes_at=_later(days=2))
    undated = factory.job(tenant["recruiter"], title="Undated")
    draft = factory.job(tenant["recruiter"], status="draft", title="Draft", closes_at=_later(minutes=5))
    tick = now + timedelta(minutes=10)
    db.session.execute(Job.__table__.update().where(Job.id == exactly.id).values(closes_at=tick))
    db.session.commit()

    assert jobs.close_due_jobs(tick) == sorted([due.id, exactly.id])
    db.session.commit()
    assert jobs.close_due_jobs(tick) == []  # idempotent: nothing matches twice

    statuses = dict(db.session.execute(select(Job.title, Job.status)).all())
    assert statuses == {
        tenant["job"].title: "open",
        "Due": "closed",
        "Exactly": "closed",
        "Later": "open",
        "Undated": "open",
        "Draft": "draft",
    }
    closed = db.session.get(Job, due.id)
    assert closed.closed_at == tick and closed.updated_at == tick
    assert db.session.get(Job, later.id).closed_at is None
    assert db.session.get(Job, undated.id).closed_at is None and db.session.get(Job, draft.id).closed_at is None


def test_a_loaded_job_sees_that_it_was_closed(db, factory):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], closes_at=_later(minutes=1))
    assert job.status == "open"
    jobs.close_due_jobs(_later(minutes=2))
    assert job.status == "closed"


def test_a_closed_job_keeps_its_public_page_and_a_draft_does_not(db, factory):
    tenant = factory.tenant()
    other = factory.tenant()
    closed = factory.job(tenant["recruiter"], status="closed")
    draft = factory.job(tenant["recruiter"], status="draft")
    for viewer in (None, factory.candidate(), other["admin"]):
        assert jobs.get_job_page(viewer, closed.id).id == closed.id
        with pytest.raises(NotFound):
            jobs.get_job_page(viewer, draft.id)
        with pytest.raises(NotFound):
            jobs.get_job(viewer, closed.id)  # the API's read keeps closed jobs to their company
    assert jobs.get_job_page(tenant["hiring_manager"], draft.id).id == draft.id


def test_the_cli_closes_due_jobs(app, db, factory, runner):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], closes_at=_later(days=1))
    db.session.execute(Job.__table__.update().where(Job.id == job.id).values(closes_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    result = runner.invoke(args=["jobs", "close-due"])
    assert result.exit_code == 0, result.output
    assert "Closed 1 job(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "closed"
    again = runner.invoke(args=["jobs", "close-due"])
    assert "Closed 0 job(s)" in again.output


def test_the_clock_closes_due_jobs(app, db, factory):
    from app.core import periodic

    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], title="Due", closes_at=_later(minutes=5))
    past = utcnow() - timedelta(minutes=1)
    db.session.execute(Job.__table__.update().where(Job.id == job.id).values(closes_at=past))
    db.session.commit()
    task = next(task for task in periodic.registry if task.name == "jobs.close_due")
    only = periodic.Registry()
    only.add(task.name, task.every, task.func)
    assert periodic.tick(app, only) == ["jobs.close_due"]
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "closed"
    assert db.session.get(Job, tenant["job"].id).status == "open"
