"""Lists and views cost the same number of queries for 1 row as for 15 (no N+1)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import applications


@pytest.fixture
def queries(count_statements):
    """How many statements one GET of `path` runs."""

    def run(api, path: str, token: str) -> int:
        db.session.expire_all()
        with count_statements() as log:
            response = api.get(path, token=token)
        assert response.status_code == 200, response.get_json()
        return log.count

    return run


@pytest.fixture
def grow(factory):
    """Add applications (each with a move and a note) to a tenant's job."""

    def add(tenant, count: int) -> list:
        made = []
        for _ in range(count):
            application = factory.application(factory.candidate(), tenant["job"])
            applications.move_stage(tenant["recruiter"], application.id, "screening", note="ok")
            applications.add_note(tenant["recruiter"], application.id, "note")
            db.session.commit()
            made.append(application)
        return made

    return add


def test_no_n_plus_one(api, factory, token, grow, queries):
    tenant = factory.tenant()
    admin = token(tenant["admin"])
    first = grow(tenant, 1)[0]
    job_id = tenant["job"].id
    paths = [
        "/applications",
        f"/jobs/{job_id}/applications",
        "/jobs",
        f"/companies/{tenant['company'].id}/members",
    ]
    before = {path: queries(api, path, admin) for path in paths}
    for _ in range(3):
        factory.job(tenant["recruiter"])
        factory.staff(tenant["company"], tenant["admin"], "recruiter")
    grow(tenant, 14)
    after = {path: queries(api, path, admin) for path in paths}
    assert after == before
    # One application's view: history and notes grow, queries do not.
    views = [f"/applications/{first.id}", f"/applications/{first.id}/history", f"/applications/{first.id}/notes"]
    before = {path: queries(api, path, admin) for path in views}
    for stage in ("interview", "offer", "hired"):
        applications.move_stage(tenant["recruiter"], first.id, stage, note=stage)
        applications.add_note(tenant["hiring_manager"], first.id, stage)
    db.session.commit()
    assert {path: queries(api, path, admin) for path in views} == before
