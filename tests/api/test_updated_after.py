"""`updated_after` on lists: a script catches up with what changed since its last run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.extensions import db
from app.models import Application, Job
from tests.api.conftest import assert_problem

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def _age(model, ids) -> None:
    db.session.execute(update(model).where(model.id.in_(ids)).values(updated_at=LONG_AGO))
    db.session.commit()


def test_applications_changed_since_a_time(api, world, token, factory):
    recruiter = token(world["acme"]["recruiter"])
    old = factory.application(world["ada"], world["acme"]["job"])
    moved = factory.application(world["bob"], world["acme"]["job"])
    _age(Application, [old.id, moved.id])
    since = (LONG_AGO + timedelta(days=1)).isoformat()
    assert api.get("/applications", query_string={"updated_after": since}, token=recruiter).get_json()["items"] == []
    api.post(f"/applications/{moved.id}/transitions", json={"to": "screening"}, token=recruiter)
    listed = api.get("/applications", query_string={"updated_after": since}, token=recruiter).get_json()["items"]
    assert [item["id"] for item in listed] == [moved.id]
    job_list = f"/jobs/{world['acme']['job'].id}/applications"
    by_job = api.get(job_list, query_string={"updated_after": "2026-01-02T00:00:00"}, token=recruiter)
    assert [item["id"] for item in by_job.get_json()["items"]] == [moved.id]  # no offset: UTC


def test_jobs_changed_since_a_time(api, world, token):
    recruiter = token(world["acme"]["recruiter"])
    job = world["acme"]["job"]
    _age(Job, [job.id, world["globex"]["job"].id])
    since = "2026-01-02T00:00:00Z"
    assert api.get("/jobs", query_string={"updated_after": since}, token=recruiter).get_json()["items"] == []
    assert api.patch(f"/jobs/{job.id}", json={"title": "Renamed"}, token=recruiter).status_code == 200
    listed = api.get("/jobs", query_string={"updated_after": since}, token=recruiter).get_json()["items"]
    assert [item["id"] for item in listed] == [job.id]


def test_a_time_that_is_not_one_is_422(api, world, token):
    body = assert_problem(
        api.get("/applications?updated_after=yesterday", token=token(world["acme"]["recruiter"])), 422
    )
    assert "updated_after" in body["errors"]
