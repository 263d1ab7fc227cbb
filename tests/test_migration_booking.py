"""Migration 0029: the booking tables come and go; the rest of the data stays."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, BookingRequest, BookingSlot
from app.services import booking
from tests.factories import Factory

BEFORE = "0028_scorecards"
AFTER = "0029_booking"


def _check_round_trip() -> None:
    factory = Factory()
    acme = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    booking.offer(
        acme["recruiter"], application.id, slots=["2040-01-10T14:00", "2040-01-11T14:00"], timezone="UTC",
        interviewer_ids=[acme["hiring_manager"].id],
    )  # fmt: skip
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(BookingSlot)) == 2
    db.session.close()
    downgrade(revision=BEFORE)
    tables = db.inspect(db.engine).get_table_names()
    assert "booking_requests" not in tables and "booking_slots" not in tables and "interviews" in tables
    upgrade(revision=AFTER)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    assert db.session.scalar(select(func.count()).select_from(BookingRequest)) == 0


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'booking.db'}")
    with app.app_context():
        upgrade()
        _check_round_trip()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    try:
        _check_round_trip()
    finally:
        db.session.remove()
        upgrade()
