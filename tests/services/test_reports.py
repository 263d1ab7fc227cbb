"""Dashboard read models: scoped to the actor's company, a fixed number of queries."""

from __future__ import annotations

import pytest

from app.errors import NotFound, Unauthorized, ValidationFailed
from app.extensions import db
from app.services import applications, reports


@pytest.fixture
def two_tenants(factory):
    first, second = factory.tenant(), factory.tenant()
    people = [factory.candidate() for _ in range(4)]
    apps = [factory.application(person, first["job"]) for person in people]
    applications.move_stage(first["recruiter"], apps[0].id, "screening")
    applications.move_stage(first["recruiter"], apps[1].id, "screening")
    applications.move_stage(first["recruiter"], apps[2].id, "rejected", reason="No")
    factory.application(people[0], second["job"])
    db.session.commit()
    return first, second, apps


def test_stage_counts_cover_only_the_actors_company(two_tenants, factory):
    first, second, _ = two_tenants
    extra_job = factory.job(first["recruiter"], status="draft")
    counts = reports.stage_counts(first["hiring_manager"])
    assert counts == {first["job"].id: {"applied": 1, "screening": 2, "rejected": 1}}
    assert extra_job.id not in counts  # no applications: no entry
    assert reports.stage_counts(second["admin"]) == {second["job"].id: {"applied": 1}}
    assert reports.stage_counts(first["admin"], [second["job"].id]) == {}


def test_candidates_and_anonymous_get_no_reports(two_tenants, factory):
    with pytest.raises(NotFound):
        reports.stage_counts(factory.candidate())
    with pytest.raises(Unauthorized):
        reports.recent_activity(None)


def test_pipeline_columns_and_cursor(two_tenants, factory):
    first, second, apps = two_tenants
    board = reports.pipeline(first["recruiter"], first["job"].id)
    assert [column.stage for column in board.columns] == [
        "applied",
        "screening",
        "interview",
        "offer",
        "hired",
        "rejected",
        "withdrawn",
    ]
    by_stage = {column.stage: column for column in board.columns}
    assert by_stage["screening"].count == 2
    assert [a.id for a in by_stage["screening"].page.items] == [apps[1].id, apps[0].id]  # newest first
    assert board.total == 4

    filtered = reports.pipeline(first["recruiter"], first["job"].id, stage="screening")
    assert [column.stage for column in filtered.columns] == ["screening"]

    with pytest.raises(NotFound):
        reports.pipeline(second["recruiter"], first["job"].id)  # another company's open job
    with pytest.raises(ValidationFailed):
        reports.pipeline(first["recruiter"], first["job"].id, stage="nope")
    with pytest.raises(ValidationFailed):
        reports.pipeline(first["recruiter"], first["job"].id, cursor="abc")  # a cursor needs its stage


def test_pipeline_pages_a_long_column(factory, monkeypatch):
    tenant = factory.tenant()
    created = [factory.application(factory.candidate(), tenant["job"]).id for _ in range(7)]
    monkeypatch.setattr(reports, "STAGE_PAGE_SIZE", 3)
    seen, cursor = [], None
    while True:
        column = reports.pipeline(tenant["recruiter"], tenant["job"].id, stage="applied", cursor=cursor).columns[0]
        seen.extend(a.id for a in column.page.items)
        cursor = column.page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


def test_recent_activity_newest_first_with_names(two_tenants):
    first, second, apps = two_tenants
    activity = reports.recent_activity(first["admin"], limit=3)
    assert [(a.to_stage, a.application_id) for a in activity] == [
        ("rejected", apps[2].id),
        ("screening", apps[1].id),
        ("screening", apps[0].id),
    ]
    assert activity[0].actor_name == first["recruiter"].full_name
    assert activity[0].job_title == first["job"].title
    assert all(a.job_id == first["job"].id for a in reports.recent_activity(first["admin"]))
    assert len(reports.recent_activity(second["admin"])) == 1
    with pytest.raises(ValidationFailed):
        reports.recent_activity(first["admin"], limit=0)
