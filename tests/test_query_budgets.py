"""Query budgets: a request runs a small, fixed number of SQL statements.

Each case is measured twice: with one item (or a job with 5 applications) and
again after the data has grown to 100+ items (a job with 150 applications).
The count must not move, and must stay within the budget.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from app.services import applications as application_service
from app.services import jobs as job_service
from tests import bulk
from tests.plugins.statements import BUDGET


def _fresh() -> None:
    """Start from an empty identity map, as a new request does."""
    db.session.remove()


def _measure(count_statements, call):
    _fresh()
    with count_statements() as log:
        call()
    return log


def _same_and_within_budget(small, large, budget: int = BUDGET) -> None:
    assert small.count <= budget, small.report()
    assert large.count == small.count, f"small: {small.report()}\nlarge: {large.report()}"


# -- public pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/?q=engineer", "/?q=zzz-nothing"])
def test_public_job_board(client, factory, count_statements, url):
    tenant = factory.tenant()
    factory.job(tenant["recruiter"], title="Backend Engineer")
    recruiter_id = tenant["recruiter"].id

    def get():
        assert client.get(url).status_code == 200

    small = _measure(count_statements, get)
    recruiter = db.session.get(User, recruiter_id)
    for n in range(60):  # more than a page, over several companies
        author = recruiter if n % 10 else factory.tenant()["recruiter"]
        factory.job(author, title=f"Engineer {n}")
    large = _measure(count_statements, get)
    _same_and_within_budget(small, large)


def test_health_check_touches_no_table(client, count_statements):
    with count_statements() as log:
        assert client.get("/healthz").status_code == 200
    assert log.count <= 1, log.report()


# -- service calls (what each front door's handler does) ----------------------------------------------------------


def test_list_open_jobs_1_vs_100(factory, count_statements):
    tenant = factory.tenant()
    recruiter_id = tenant["recruiter"].id
    small = _measure(count_statements, lambda: job_service.list_jobs(None, limit=100))
    other = factory.tenant()["recruiter"]
    for n in range(100):
        factory.job(other if n % 3 else db.session.get(User, recruiter_id))
    page = {}
    large = _measure(count_statements, lambda: page.setdefault("p", job_service.list_jobs(None, limit=100)))
    assert len(page["p"].items) == 100 and page["p"].next_cursor
    _same_and_within_budget(small, large)


def test_pipeline_of_a_job_with_5_vs_150_applications(factory, count_statements):
    tenant = factory.tenant()
    job_id, recruiter_id = tenant["job"].id, tenant["recruiter"].id
    bulk.applications(job_id, 5)

    def pipeline(**kwargs):
        actor = db.session.get(User, recruiter_id)
        page = application_service.list_job_applications(actor, job_id, limit=100, **kwargs)
        for application in page.items:  # what a page renders of each card
            assert application.candidate.full_name and application.job.company.name
            assert application.candidate.email  # the card: name and email, nothing loaded per row
        return page

    small = _measure(count_statements, pipeline)
    bulk.applications(job_id, 145)
    bulk.applications(job_id, 5, stage="interview")
    large = _measure(count_statements, pipeline)
    _same_and_within_budget(small, large)
    deep = _measure(count_statements, lambda: pipeline(cursor=pipeline().next_cursor))
    assert deep.count == 2 * small.count, deep.report()
    by_stage = _measure(count_statements, lambda: pipeline(stage="interview"))
    assert by_stage.count == small.count, by_stage.report()


def test_candidate_applications_1_vs_100(factory, count_statements):
    tenant = factory.tenant()
    (candidate_id,) = bulk.candidates(1)
    bulk.applications(tenant["job"].id, 1, candidate_ids=[candidate_id])

    def mine():
        actor = db.session.get(User, candidate_id)
        page = application_service.list_applications(actor, limit=100)
        for application in page.items:
            assert application.job.company.name and application.candidate.email
        return page

    recruiter_id = tenant["recruiter"].id
    small = _measure(count_statements, mine)
    for _ in range(99):
        job = factory.job(db.session.get(User, recruiter_id))
        bulk.applications(job.id, 1, candidate_ids=[candidate_id])
    large = _measure(count_statements, mine)
    assert len(mine().items) == 100
    _same_and_within_budget(small, large)


def test_application_detail_and_history_1_vs_5_changes(factory, count_statements):
    tenant = factory.tenant()
    recruiter_id = tenant["recruiter"].id
    (short,) = bulk.applications(tenant["job"].id, 1)
    (long,) = bulk.applications(tenant["job"].id, 1, stage="offer")

    def detail(application_id):
        def call():
            actor = db.session.get(User, recruiter_id)
            application = application_service.get_application(actor, application_id)
            application_service.allowed_moves(actor, application)
            entries = application_service.history_of(actor, application)
            notes = application_service.list_notes(actor, application_id)
            return application.candidate.email, [e.actor_name for e in entries], notes

        return call

    _same_and_within_budget(
        _measure(count_statements, detail(short)), _measure(count_statements, detail(long)), budget=BUDGET
    )


def test_stage_move_and_apply_stay_small(factory, count_statements):
    tenant = factory.tenant()
    recruiter_id, job_id = tenant["recruiter"].id, tenant["job"].id
    (application_id,) = bulk.applications(job_id, 1)
    bulk.applications(job_id, 100)

    # Up to the flush: what is sent after the commit is measured per request with Redis (test_query_budgets_http).
    def move():
        actor = db.session.get(User, recruiter_id)
        application_service.move_stage(actor, application_id, "screening", note="Good call")
        db.session.flush()

    moved = _measure(count_statements, move)
    db.session.commit()
    assert moved.count <= BUDGET, moved.report()
    (candidate_id,) = bulk.candidates(1)

    def apply():
        actor = db.session.get(User, candidate_id)
        application_service.apply(actor, job_id, cover_letter="Hello", consent=True)
        db.session.flush()

    applied = _measure(count_statements, apply)
    db.session.commit()
    assert applied.count <= BUDGET, applied.report()


def test_company_wide_staff_list_1_vs_100_over_many_jobs(factory, count_statements):
    tenant = factory.tenant()
    manager_id, recruiter_id = tenant["hiring_manager"].id, tenant["recruiter"].id
    bulk.applications(tenant["job"].id, 1)

    def company_list():
        actor = db.session.get(User, manager_id)
        page = application_service.list_applications(actor, limit=100)
        for application in page.items:
            assert application.job.title and application.job.company.name and application.candidate.full_name
        return page

    small = _measure(count_statements, company_list)
    for _ in range(20):
        bulk.applications(factory.job(db.session.get(User, recruiter_id)).id, 5)
    large = _measure(count_statements, company_list)
    assert len(company_list().items) == 100
    _same_and_within_budget(small, large)
