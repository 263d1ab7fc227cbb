"""Hiring reports kept in Redis: read again without the report statements, fresh after every change."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from app import report_cache
from app.closing import close_due_jobs_step
from app.extensions import db
from app.models import Job
from app.models.base import utcnow
from app.services import analytics, applications
from app.services.analytics import ReportFilters
from tests.web.conftest import login


@pytest.fixture
def web(redis_app):
    return redis_app.test_client()


@pytest.fixture
def acme(factory, redis_app):
    tenant = factory.tenant()
    tenant["application"] = factory.application(factory.candidate(), tenant["job"])
    db.session.commit()
    return tenant


def _report_statements(log) -> list[str]:
    return [sql for sql in log.statements if "application_summaries" in sql]


def _funnel(web, token, user, **params) -> dict:
    response = web.get(
        "/api/v1/reports/funnel", query_string=params, headers={"Authorization": f"Bearer {token(user)}"}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _reached(body: dict) -> list[int]:
    return [stage["reached"] for stage in body["stages"]]


def test_a_repeated_report_reads_no_summary_rows(web, acme, token, count_statements):
    first = _funnel(web, token, acme["recruiter"])
    with count_statements() as log:
        second = _funnel(web, token, acme["recruiter"])
    assert _report_statements(log) == [], log.report()
    assert second == first
    with count_statements() as log:  # other filters: another answer, computed
        _funnel(web, token, acme["recruiter"], job_id=acme["job"].id)
    assert _report_statements(log)


def test_a_committed_move_is_in_the_next_answer(web, acme, token):
    assert _reached(_funnel(web, token, acme["recruiter"])) == [1, 0, 0, 0, 0]
    moved = web.post(
        f"/api/v1/applications/{acme['application'].id}/transitions",
        json={"to": "screening"},
        headers={"Authorization": f"Bearer {token(acme['recruiter'])}"},
    )
    assert moved.status_code == 200, moved.get_json()
    assert _reached(_funnel(web, token, acme["recruiter"])) == [1, 1, 0, 0, 0]


def test_another_companys_change_keeps_this_companys_answers(web, acme, token, factory, count_statements):
    _funnel(web, token, acme["recruiter"])
    other = factory.tenant()
    factory.application(factory.candidate(), other["job"])  # its INSERT names its company
    db.session.commit()
    with count_statements() as log:
        _funnel(web, token, acme["recruiter"])
    assert _report_statements(log) == [], log.report()
    with count_statements() as log:
        assert _reached(_funnel(web, token, other["recruiter"])) == [1, 0, 0, 0, 0]
    assert _report_statements(log)


def test_a_change_of_unknown_company_makes_every_answer_old(web, acme, token, factory, count_statements):
    _funnel(web, token, acme["recruiter"])
    other = factory.tenant()
    db.session.commit()
    _funnel(web, token, other["recruiter"])
    close_due_jobs_step(utcnow())  # nothing due: no change, nothing made old
    with count_statements() as log:
        _funnel(web, token, acme["recruiter"])
    assert _report_statements(log) == []
    other["job"].closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    _funnel(web, token, acme["recruiter"])  # that commit named other's company only
    with count_statements() as log:
        _funnel(web, token, acme["recruiter"])
    assert _report_statements(log) == []
    assert close_due_jobs_step(utcnow()) == [other["job"].id]  # one UPDATE over every company's jobs
    with count_statements() as log:
        _funnel(web, token, acme["recruiter"])
    assert _report_statements(log), "an UPDATE of many rows makes every company's answers old"
    assert db.session.get(Job, other["job"].id).status == "closed"


def test_a_transaction_reads_its_own_changes(redis_app, acme):
    recruiter, filters = acme["recruiter"], ReportFilters()
    assert _reached(analytics.funnel(recruiter, filters)) == [1, 0, 0, 0, 0]
    db.session.commit()
    applications.move_stage(recruiter, acme["application"].id, "screening")  # flushed, not committed
    assert _reached(analytics.funnel(recruiter, filters)) == [1, 1, 0, 0, 0]
    db.session.rollback()
    assert _reached(analytics.funnel(recruiter, filters)) == [1, 0, 0, 0, 0]  # the old answer is still right


def test_dates_come_back_as_dates(redis_app, acme):
    first = analytics.overview(acme["recruiter"], ReportFilters())
    kept = analytics.overview(acme["recruiter"], ReportFilters())
    assert kept == first
    assert type(kept["velocity_from"]) is type(first["velocity_from"])


def test_the_reports_page_is_kept_per_company_not_per_page(redis_app, acme, count_statements):
    client = redis_app.test_client()
    login(client, acme["recruiter"])
    assert client.get("/dashboard/reports").status_code == 200
    with count_statements() as log:
        page = client.get("/dashboard/reports")
    assert page.status_code == 200
    assert _report_statements(log) == [], log.report()
    assert acme["recruiter"].full_name in page.get_data(as_text=True)
    colleague = acme["hiring_manager"]
    other_client = redis_app.test_client()
    login(other_client, colleague)
    seen = other_client.get("/dashboard/reports").get_data(as_text=True)
    assert colleague.full_name in seen and acme["recruiter"].full_name not in seen


def test_without_redis_or_when_it_is_down_reports_are_computed(make_app, closed_port, factory):
    tenant = factory.tenant()
    factory.application(factory.candidate(), tenant["job"])
    db.session.commit()
    for overrides in ({"REDIS_URL": ""}, {"REDIS_URL": f"redis://127.0.0.1:{closed_port}/0"}):
        down = make_app(**overrides)
        with down.app_context():
            assert _reached(analytics.funnel(tenant["recruiter"], ReportFilters())) == [1, 0, 0, 0, 0]


def test_answers_are_capped_and_expire(make_app, redis_url, redis_prefix):
    capped = make_app(
        REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix, REPORT_CACHE_MAX_ENTRIES=1, REPORT_CACHE_SECONDS=30
    )
    cache = report_cache.get_cache(capped)
    generation, _ = cache.lookup(7, "a")
    cache.store(7, generation, "a", b"1")
    cache.store(7, generation, "b", b"2")
    assert [cache.lookup(7, field)[1] for field in ("a", "b")] == [b"1", None]
    key = f"{redis_prefix}reports:answers:7:{generation.decode()}"
    assert 0 < redis.Redis.from_url(redis_url).ttl(key) <= 30
    cache.bump({7})
    assert cache.lookup(7, "a")[1] is None
    assert report_cache.get_cache(make_app(REDIS_URL=redis_url, REPORT_CACHE_SECONDS=0)) is None
