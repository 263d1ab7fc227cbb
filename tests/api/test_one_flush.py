"""A write flushes the session once: the rows it returns are complete without a second pass.

Attaching the actor (or a note's author) to a just-flushed row by assignment marks the row
dirty again, and the commit then runs a second unit of work that writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.services import applying
from app.services.candidates import CandidateDetails


@pytest.fixture
def sourced(world):
    application = applying.add_candidate(
        world["acme"]["recruiter"], world["acme"]["job"].id, details=CandidateDetails(full_name="Sam"), source="sourced"
    )
    db.session.commit()
    return application


@contextmanager
def flushes() -> Iterator[list[int]]:
    seen: list[int] = []

    def count(session, _context) -> None:
        seen.append(len(session.new))

    event.listen(db.session, "after_flush", count)
    try:
        yield seen
    finally:
        event.remove(db.session, "after_flush", count)


def test_a_stage_move_its_undo_and_a_note_flush_once(api, world, token, sourced):
    access = token(world["acme"]["recruiter"])
    with flushes() as seen:
        moved = api.post(f"/applications/{sourced.id}/transitions", json={"to": "screening"}, token=access)
    assert moved.status_code == 200 and moved.get_json()["history"][-1]["actor"]["id"] == world["acme"]["recruiter"].id
    assert len(seen) == 1

    with flushes() as seen:
        undone = api.post(f"/applications/{sourced.id}/undo", json={}, token=access)
    assert undone.status_code == 200 and undone.get_json()["stage"] == "applied"
    assert len(seen) == 1

    with flushes() as seen:
        noted = api.post(f"/applications/{sourced.id}/notes", json={"body": "Strong portfolio."}, token=access)
    assert noted.status_code == 201, noted.get_json()
    assert noted.get_json()["author"]["id"] == world["acme"]["recruiter"].id
    assert len(seen) == 1
