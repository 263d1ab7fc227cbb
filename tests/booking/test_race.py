"""Many picks of one booking link at the same moment, each on its own PostgreSQL connection."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.models import BookingRequest, Interview
from app.services import booking
from tests.booking.helpers import offer

pytestmark = pytest.mark.postgres

PICKERS = 8


def _race(app, token: str, slot_ids: list[int]) -> list[str]:
    """Every pick starts together (a barrier) in its own app context, session and connection."""
    barrier = threading.Barrier(len(slot_ids), timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(slot_id: int) -> None:
        with app.app_context():
            try:
                db.session.execute(select(1))  # connected before the start
                barrier.wait()
                booking.pick(token, slot_id)
                db.session.commit()
                result = "ok"
            except Conflict as error:
                db.session.rollback()
                result = error.detail
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(slot_id,)) for slot_id in slot_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _check(outcomes: list[str], request_id: int) -> BookingRequest:
    assert len(outcomes) == PICKERS
    assert outcomes.count("ok") == 1
    assert all(o.startswith(booking.TAKEN) for o in outcomes if o != "ok")
    db.session.expire_all()
    request = db.session.get(BookingRequest, request_id)
    assert request.status == "booked"
    assert (
        db.session.scalar(select(func.count(Interview.id)).where(Interview.application_id == request.application_id))
        == 1
    )
    interview = db.session.get(Interview, request.interview_id)
    assert interview.starts_at == request.booked_slot.starts_at
    assert sorted(s.status for s in request.slots).count("booked") == 1
    return request


def test_many_picks_of_different_slots_book_exactly_one(app, setup):
    request, token = offer(setup)
    slot_ids = [request.slots[n % 3].id for n in range(PICKERS)]
    request_id = request.id
    db.session.remove()
    _check(_race(app, token, slot_ids), request_id)


def test_many_picks_of_the_same_slot_book_it_once(app, setup):
    request, token = offer(setup)
    slot_ids = [request.slots[0].id] * PICKERS
    request_id = request.id
    db.session.remove()
    booked = _check(_race(app, token, slot_ids), request_id)
    assert booked.booked_slot_id == slot_ids[0]


def test_two_links_for_one_interviewer_at_one_time_book_once(app, setup):
    """Two requests share an interviewer and a time: the interviewer's row lock lets one through."""
    first, first_token = offer(setup)
    second, second_token = offer(setup, slots=[{"starts_at": first.slots[0].starts_at.isoformat()}])
    picks = {"a": (first_token, first.slots[0].id), "b": (second_token, second.slots[0].id)}
    db.session.remove()
    barrier = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        token, slot_id = picks[name]
        with app.app_context():
            try:
                db.session.execute(select(1))
                barrier.wait()
                booking.pick(token, slot_id)
                db.session.commit()
                outcomes[name] = "ok"
            except Conflict as error:
                db.session.rollback()
                outcomes[name] = error.detail
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(name,)) for name in picks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values())[1] == "ok" or sorted(outcomes.values())[0] == "ok"
    assert list(outcomes.values()).count("ok") == 1
    loser = next(o for o in outcomes.values() if o != "ok")
    assert "calendar" in loser
    assert db.session.scalar(select(func.count(Interview.id))) == 1
