"""Two applies of one candidate to one job at once, on two real PostgreSQL connections."""

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db as _db
from app.models import Application, JobStageCount, StageChange, User
from app.services import applications
from tests.racing import race

pytestmark = pytest.mark.postgres


def test_a_double_submit_makes_one_application_and_one_conflict(app, factory):
    tenant = factory.tenant()
    candidate_id, job_id = factory.candidate().id, tenant["job"].id
    _db.session.remove()

    def submit(name: str):
        return lambda: applications.apply(_db.session.get(User, candidate_id), job_id, cover_letter=name, consent=True)

    # Both have passed every check and now insert together.
    outcomes = race(
        app,
        {"a": submit("a"), "b": submit("b")},
        hook="do_orm_execute",
        ready=lambda state: state.is_insert,
        expected=Conflict,
    )
    assert outcomes == ["Conflict", "ok"]
    assert _db.session.scalar(select(func.count(Application.id)).where(Application.job_id == job_id)) == 1
    assert _db.session.scalar(select(func.count(StageChange.id))) == 1
    count = _db.session.get(JobStageCount, (job_id, "applied"))
    assert count.count == 1
