"""API requests neither load nor refresh the browser's server-side session."""

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
