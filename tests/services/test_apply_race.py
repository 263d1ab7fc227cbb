"""Two applies of one candidate to one job at once, on two real PostgreSQL connections."""

import threading

import pytest
from sqlalchemy import event, func, select

from app.errors import Conflict
from app.extensions import db as _db
from app.models import Application, JobStageCount, StageChange, User
from app.services import applications

pytestmark = pytest.mark.postgres


def test_a_double_submit_makes_one_application_and_one_conflict(app, factory):
    tenant = factory.tenant()
    candidate_id, job_id = factory.candidate().id, tenant["job"].id
    _db.session.remove()
    both_checked = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def wait_for_the_other(orm_execute_state):
        # Both have passed every check and now insert together.
        if orm_execute_state.is_insert and orm_execute_state.session.info.pop("racing", False):
            both_checked.wait()

    def submit(name: str) -> None:
        with app.app_context():
            session = _db.session()
            session.info["racing"] = True
            event.listen(session, "do_orm_execute", wait_for_the_other)
            try:
                applications.apply(_db.session.get(User, candidate_id), job_id, cover_letter=name)
                _db.session.commit()
                results[name] = "ok"
            except Conflict as error:
                _db.session.rollback()
                results[name] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=submit, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted("ok" if v == "ok" else type(v).__name__ for v in results.values()) == ["Conflict", "ok"]
    assert _db.session.scalar(select(func.count(Application.id)).where(Application.job_id == job_id)) == 1
    assert _db.session.scalar(select(func.count(StageChange.id))) == 1
    count = _db.session.get(JobStageCount, (job_id, "applied"))
    assert count.count == 1
