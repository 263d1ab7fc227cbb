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
