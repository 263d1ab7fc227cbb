"""Idempotency-Key on API POSTs: a retry gets the first answer; the write happens once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.api import idempotency
from app.extensions import db
from app.models import IdempotencyKey, Note
from app.models.base import utcnow
from tests.api.conftest import assert_problem


def _notes(application_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Note).where(Note.application_id == application_id))


def _post_note(api, token, application, body: str, key: str | None):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"/applications/{application.id}/notes", json={"body": body}, token=token, headers=headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_once(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    first = _post_note(api, recruiter, application, "Strong portfolio", "note-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post_note(api, recruiter, application, "Strong portfolio", "note-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.mimetype == "application/json"
    assert _notes(application.id) == 1

    # Without a key, or with another key, it is a new request.
    assert _post_note(api, recruiter, application, "Strong portfolio", None).status_code == 201
    assert _post_note(api, recruiter, application, "Strong portfolio", "note-2").status_code == 201
    assert _notes(application.id) == 3


def test_the_same_key_with_another_body_is_refused(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    assert _post_note(api, recruiter, application, "One", "k").status_code == 201
    problem = assert_problem(_post_note(api, recruiter, application, "Two", "k"), 422)
    assert "another request" in problem["detail"]
    assert _notes(application.id) == 1


def test_keys_belong_to_their_caller(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    assert _post_note(api, token(world["acme"]["recruiter"]), application, "Mine", "shared").status_code == 201
    # Another member using the same key string makes their own note, and never sees the first answer.
    other = _post_note(api, token(world["acme"]["admin"]), application, "Mine", "shared")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["author"]["id"] == world["acme"]["admin"].id
    # An outsider's retry with the key is refused as their own request would be.
    assert_problem(_post_note(api, token(world["globex"]["admin"]), application, "Mine", "shared"), 404)
    assert _notes(application.id) == 2


def test_an_error_answer_is_replayed_too(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    first = assert_problem(_post_note(api, recruiter, application, "  ", "blank"), 422)
    again = _post_note(api, recruiter, application, "  ", "blank")
    assert_problem(again, 422)
    assert again.get_json() == first and again.headers["Idempotent-Replayed"] == "true"


def test_bad_keys_and_requests_without_a_token(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    assert_problem(_post_note(api, recruiter, application, "x", "has space"), 400)
    assert_problem(_post_note(api, recruiter, application, "x", "k" * 256), 400)
    assert_problem(_post_note(api, None, application, "x", "anonymous"), 401)
    assert_problem(_post_note(api, "not-a-token", application, "x", "broken"), 401)
    assert _notes(application.id) == 0
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_a_request_still_running_answers_409_and_one_that_died_may_run_again(api, world, token, factory, app):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    assert _post_note(api, recruiter, application, "Hello", "running").status_code == 201
    # As if the first request were still running (claimed, nothing stored yet).
    db.session.execute(update(IdempotencyKey).values(state="started", response_status=None, response_body=None))
    db.session.commit()
    busy = _post_note(api, recruiter, application, "Hello", "running")
    assert_problem(busy, 409)
    assert busy.headers["Retry-After"] == "1"

    # A request that committed its write and died before storing its answer: never written twice.
    db.session.execute(update(IdempotencyKey).values(state="committed"))
    db.session.commit()
    lost = assert_problem(_post_note(api, recruiter, application, "Hello", "running"), 409)
    assert "carried out" in lost["detail"]
    assert _notes(application.id) == 1

    # A claim left `started` longer than the lock: its request died before committing; the retry runs.
    stale = utcnow() - timedelta(seconds=app.config["IDEMPOTENCY_LOCK_SECONDS"] + 5)
    db.session.execute(update(IdempotencyKey).values(state="started", updated_at=stale))
    db.session.commit()
    assert _post_note(api, recruiter, application, "Hello", "running").status_code == 201
    assert _notes(application.id) == 2


def test_the_write_marks_its_claim_committed_in_its_own_transaction(api, world, token, factory, monkeypatch):
    """The process dies after the note committed, before the answer is stored: the retry writes nothing."""
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    monkeypatch.setattr(idempotency, "_store", lambda _claim_id, _response: None)  # the answer is never stored
    assert _post_note(api, recruiter, application, "Hi", "dies").status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(IdempotencyKey.state)) == "committed"  # written by the note's transaction
    monkeypatch.undo()
    assert_problem(_post_note(api, recruiter, application, "Hi", "dies"), 409)
    assert _notes(application.id) == 1


def test_a_refused_write_leaves_its_claim_started_so_a_retry_runs_again(api, world, token, factory, monkeypatch):
    """The request rolled back: its claim never says `committed`, and once stale the retry does the work."""
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    monkeypatch.setattr(idempotency, "_store", lambda _claim_id, _response: None)
    assert_problem(_post_note(api, recruiter, application, "   ", "refused"), 422)
    db.session.expire_all()
    assert db.session.scalar(select(IdempotencyKey.state)) == "started"


def test_expired_keys_are_forgotten(api, world, token, factory, app):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    assert _post_note(api, recruiter, application, "Old", "old").status_code == 201
    long_ago = utcnow() - timedelta(seconds=app.config["IDEMPOTENCY_TTL_SECONDS"] + 1)
    db.session.execute(update(IdempotencyKey).values(created_at=long_ago))
    db.session.commit()
    # An expired key is a new request again...
    assert "Idempotent-Replayed" not in _post_note(api, recruiter, application, "Old", "old").headers
    assert _notes(application.id) == 2
    # ...and the hourly task deletes expired ones.
    db.session.execute(update(IdempotencyKey).values(created_at=long_ago))
    db.session.commit()
    assert idempotency.delete_expired(app) == 1
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
