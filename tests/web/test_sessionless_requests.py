"""Requests that need no session neither load, refresh nor start one."""

from __future__ import annotations

from sqlalchemy import select

from app.models import WebSession


def test_an_api_call_with_a_browser_cookie_leaves_the_session_alone(app, db, world, as_user, count_statements):
    client = as_user(world.recruiter)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Set-Cookie" in page.headers  # web pages slide the session

    with count_statements() as statements:
        answer = client.get("/api/v1/jobs")
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    assert not any("web_sessions" in sql for sql in statements.statements)


def test_the_web_session_still_works_after_api_calls(app, db, world, as_user):
    client = as_user(world.recruiter)
    client.get("/api/v1/jobs")
    assert client.get("/dashboard/").status_code == 200  # still signed in
    assert db.session.scalar(select(WebSession.session_id)) is not None


def test_anonymous_visitors_of_public_pages_get_no_stored_session(app, db, world, make_app, redis_url, redis_prefix):
    """A crawler reading the board and every job page must not leave a session behind per request."""
    from redis import Redis

    with_redis = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    visitor = with_redis.test_client()
    for path in ("/", f"/jobs/{world.job.id}", f"/companies/{world.company.slug}"):
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert list(Redis.from_url(redis_url).scan_iter(match=f"{redis_prefix}session:*")) == []
    sign_in_page = visitor.get("/auth/login")  # a form with a CSRF token does need one
    assert "Set-Cookie" in sign_in_page.headers
