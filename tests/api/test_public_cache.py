"""The public job search kept in Redis: served without the database, fresh after every change."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import update

from app.extensions import db
from app.models import Company, Job
from app.public_cache import get_cache
from app.services import jobs


@pytest.fixture
def web(redis_app):
    return redis_app.test_client()


@pytest.fixture
def acme(factory, redis_app):
    tenant = factory.tenant()
    db.session.commit()
    return tenant


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()["items"]]


def test_a_repeated_anonymous_search_is_answered_without_the_database(web, acme, count_statements):
    first = web.get("/api/v1/jobs?q=Job&limit=1")
    with count_statements() as log:
        second = web.get("/api/v1/jobs?limit=1&q=Job")  # same question, other order
    assert log.count == 0, log.report()
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert second.headers.get("Link") == first.headers.get("Link")
    assert second.mimetype == "application/json"


def test_the_link_header_comes_back_from_the_cache(web, acme, factory):
    factory.job(acme["recruiter"], title="Second")
    first = web.get("/api/v1/jobs?limit=1")
    assert 'rel="next"' in first.headers["Link"]
    assert web.get("/api/v1/jobs?limit=1").headers["Link"] == first.headers["Link"]


def test_a_new_job_shows_at_once(web, acme, factory):
    assert _titles(web.get("/api/v1/jobs?q=Welder")) == []
    factory.job(acme["recruiter"], title="Welder")
    assert _titles(web.get("/api/v1/jobs?q=Welder")) == ["Welder"]


def test_a_closed_job_leaves_the_board_and_its_page_at_once(web, acme):
    job = acme["job"]
    assert job.title in _titles(web.get("/api/v1/jobs"))
    assert web.get(f"/api/v1/jobs/{job.id}").status_code == 200
    jobs.set_job_status(acme["recruiter"], job.id, "closed")
    db.session.commit()
    assert job.title not in _titles(web.get("/api/v1/jobs"))
    assert web.get(f"/api/v1/jobs/{job.id}").status_code == 404


def test_a_renamed_company_shows_at_once(web, acme):
    web.get("/api/v1/jobs")
    acme["company"].name = "Renamed Ltd"
    db.session.commit()
    names = {item["company"]["name"] for item in web.get("/api/v1/jobs").get_json()["items"]}
    assert names == {"Renamed Ltd"}


def test_a_bulk_update_statement_counts_as_a_change(web, acme):
    web.get("/api/v1/jobs")
    db.session.execute(update(Job).where(Job.id == acme["job"].id).values(title="Bulk title"))
    db.session.commit()
    assert _titles(web.get("/api/v1/jobs")) == ["Bulk title"]


def test_a_rolled_back_change_keeps_the_kept_answers(redis_app, web, acme, count_statements):
    web.get("/api/v1/jobs")
    acme["job"].title = "Never committed"
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # nothing pending any more: no bump
    title = acme["job"].title
    with count_statements() as log:
        assert _titles(web.get("/api/v1/jobs")) == [title]
    assert log.count == 0, log.report()


def test_callers_with_a_token_or_a_cookie_always_get_a_fresh_answer(web, acme, count_statements, token):
    web.get("/api/v1/jobs")
    bearer = {"Authorization": f"Bearer {token(acme['recruiter'])}"}
    with count_statements() as log:
        assert web.get("/api/v1/jobs", headers=bearer).status_code == 200
    assert log.count
    web.set_cookie("session", "anything")
    with count_statements() as log:
        assert web.get("/api/v1/jobs").status_code == 200
    assert log.count


def test_errors_are_not_kept(web, acme, redis_url, redis_prefix):
    assert web.get("/api/v1/jobs?limit=0").status_code == 422
    assert web.get("/api/v1/jobs?status=closed").status_code == 403
    kept = list(redis.Redis.from_url(redis_url).scan_iter(match=f"{redis_prefix}public:jobs:answers:*"))
    assert kept == []
    missing = web.get("/api/v1/jobs/2147483647")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def test_an_answer_stored_under_an_old_generation_is_never_read(redis_app):
    cache = get_cache(redis_app)
    generation, answer = cache.lookup("jobs", "field")
    assert answer is None
    cache.bump({"jobs"})  # a commit lands while the reader computes
    cache.store("jobs", generation, "field", b"\nstale")
    assert cache.lookup("jobs", "field")[1] is None
    new_generation, _ = cache.lookup("jobs", "field")
    cache.store("jobs", new_generation, "field", b"\nfresh")
    assert cache.lookup("jobs", "field")[1] == b"\nfresh"


def test_entries_are_capped_in_number_and_size_and_expire(make_app, redis_url, redis_prefix):
    capped = make_app(
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=redis_prefix,
        PUBLIC_CACHE_MAX_ENTRIES=2,
        PUBLIC_CACHE_MAX_BYTES=10,
        PUBLIC_CACHE_SECONDS=30,
    )
    cache = get_cache(capped)
    generation, _ = cache.lookup("jobs", "a")
    for field in ("a", "b", "c"):
        cache.store("jobs", generation, field, b"\nsmall")
    cache.store("jobs", generation, "a", b"\n" + b"x" * 20)  # too big: the old answer stays
    assert [cache.lookup("jobs", f)[1] for f in ("a", "b", "c")] == [b"\nsmall", b"\nsmall", None]
    client = redis.Redis.from_url(redis_url)
    key = f"{redis_prefix}public:jobs:answers:{generation.decode()}"
    assert 0 < client.ttl(key) <= 30
    cache.bump({"jobs"})
    assert not client.exists(key)  # the old generation's answers go with the bump


def test_without_redis_or_when_it_is_down_answers_are_computed(make_app, closed_port, factory, app):
    tenant = factory.tenant()
    for overrides in ({"REDIS_URL": ""}, {"REDIS_URL": f"redis://127.0.0.1:{closed_port}/0"}):
        down = make_app(**overrides)
        with down.app_context():
            assert _titles(down.test_client().get("/api/v1/jobs")) == [tenant["job"].title]
            assert _titles(down.test_client().get("/api/v1/jobs")) == [tenant["job"].title]


def test_turned_off_by_zero_seconds(make_app, redis_url, redis_prefix):
    off = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix, PUBLIC_CACHE_SECONDS=0)
    assert get_cache(off) is None


def test_the_company_table_belongs_to_the_jobs_scope():
    from app.public_cache import SCOPE_TABLES

    assert {Job.__tablename__, Company.__tablename__} <= SCOPE_TABLES["jobs"]
