"""Two moves of one application at once, on two real PostgreSQL connections."""

import threading

import pytest
from sqlalchemy import event, func, select

from app.errors import StaleUpdate
from app.extensions import db as _db
from app.models import Application, StageChange
from app.services import applications

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(("first", "second"), [("screening", "screening"), ("screening", "rejected")])
def test_concurrent_moves_from_the_same_stage_exactly_one_wins(app, factory, first, second):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    app_id, recruiter_id, admin_id = application.id, tenant["recruiter"].id, tenant["admin"].id
    _db.session.remove()

    both_read = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def wait_for_the_other(session, _flush_context, _instances):
        # Both transactions have read the application before either writes.
        if session.info.get("racing"):
            session.info["racing"] = False
            both_read.wait()

    def move(name: str, actor_id: int, dest: str) -> None:
        with app.app_context():
            session = _db.session()
            session.info["racing"] = True
            event.listen(session, "before_flush", wait_for_the_other)
            try:
                actor = _db.session.get(type(tenant["recruiter"]), actor_id)
                applications.move_stage(actor, app_id, dest, reason="No" if dest == "rejected" else None)
                _db.session.commit()
                results[name] = "ok"
            except StaleUpdate as error:
                _db.session.rollback()
                results[name] = error
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=move, args=("a", recruiter_id, first)),
        threading.Thread(target=move, args=("b", admin_id, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    outcomes = sorted(type(v).__name__ if v != "ok" else "ok" for v in results.values())
    assert outcomes == ["StaleUpdate", "ok"]
    final = _db.session.get(Application, app_id)
    assert final.version == 2
    changes = _db.session.scalars(
        select(StageChange).where(StageChange.application_id == app_id, StageChange.from_stage == "applied")
    ).all()
    assert len(changes) == 1 and changes[0].to_stage == final.stage
    assert _db.session.scalar(select(func.count(StageChange.id)).where(StageChange.application_id == app_id)) == 2
