"""Server-side sessions: stored in the database or Redis, rotated at sign-in, ended on the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import select

from app.extensions import db
from app.models import WebSession
from tests.factories import PASSWORD, Factory
from tests.web.conftest import csrf, login, post, session_cookie


def _stored_ids() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(WebSession.session_id)))


def test_session_lives_in_the_database_and_its_id_changes_at_login(client, factory):
    candidate = factory.candidate()
    csrf(client)  # the sign-in form puts a CSRF token in a new session
    before = session_cookie(client)
    assert before and _stored_ids() == {f"session:{before}"}

    assert login(client, candidate).status_code == 302
    after = session_cookie(client)
    assert after and after != before
    assert _stored_ids() == {f"session:{after}"}  # the pre-login session is gone


def test_a_planted_session_id_is_not_kept(client, factory):
    """An id the server never issued is replaced, not adopted."""
    candidate = factory.candidate()
    client.set_cookie("session", "attacker-chosen-id")
    login(client, candidate)
    assert session_cookie(client) != "attacker-chosen-id"
    assert "session:attacker-chosen-id" not in _stored_ids()


def test_logout_ends_the_server_session(client, factory):
    candidate = factory.candidate()
    login(client, candidate)
    old = session_cookie(client)
    assert client.get("/me/applications").status_code == 200

    assert post(client, "/auth/logout").status_code == 302
    assert f"session:{old}" not in _stored_ids()

    client.set_cookie("session", old)  # replaying the old cookie does not sign anyone in
    response = client.get("/me/applications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_password_change_ends_other_sessions_and_rotates_this_one(app, factory):
    candidate = factory.candidate()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, candidate)
    login(phone, candidate)
    old_laptop = session_cookie(laptop)

    response = post(
        laptop,
        "/auth/password",
        {"current_password": PASSWORD, "new_password": "another password", "confirm": "another password"},
    )
    assert response.status_code == 302
    assert laptop.get("/me/applications").status_code == 200  # still signed in here ...
    assert session_cookie(laptop) != old_laptop  # ... under a new id
    assert f"session:{old_laptop}" not in _stored_ids()
    assert phone.get("/me/applications").status_code == 302  # the other device is out


def test_deactivation_ends_the_members_sessions(app, factory):
    tenant = factory.tenant()
    admin, recruiter = app.test_client(), app.test_client()
    login(admin, tenant["admin"])
    login(recruiter, tenant["recruiter"])
    assert recruiter.get("/dashboard/").status_code == 200

    token = csrf(admin, "/dashboard/team")
    response = admin.post(f"/dashboard/team/{tenant['recruiter'].id}/active", data={"csrf_token": token, "active": "0"})
    assert response.status_code == 302
    assert recruiter.get("/dashboard/").status_code == 302


def test_expired_database_session_is_not_used(client, factory):
    candidate = factory.candidate()
    login(client, candidate)
    sid = session_cookie(client)
    row = db.session.scalar(select(WebSession).where(WebSession.session_id == f"session:{sid}"))
    row.expiry = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/me/applications").status_code == 302
    assert f"session:{sid}" not in _stored_ids()


def test_session_cleanup_command_removes_expired_rows(app, runner):
    now = datetime.now(UTC).replace(tzinfo=None)
    db.session.add_all(
        [
            WebSession(session_id="session:old", data=b"\x80", expiry=now - timedelta(hours=1)),
            WebSession(session_id="session:live", data=b"\x80", expiry=now + timedelta(hours=1)),
        ]
    )
    db.session.commit()
    result = runner.invoke(args=["session_cleanup"])
    assert result.exit_code == 0, result.output
    assert _stored_ids() == {"session:live"}


def test_cookie_flags(make_app, app, factory):
    candidate = factory.candidate()
    response = login(app.test_client(), candidate)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http

    secure = make_app(SESSION_COOKIE_SECURE=True)
    client = secure.test_client()
    with secure.app_context():
        response = login(client, candidate)
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_sessions_live_in_redis_when_configured(app, make_app, redis_url, redis_prefix):
    store = redis.Redis.from_url(redis_url)
    with_redis = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    client = with_redis.test_client()
    with with_redis.app_context():
        candidate = Factory().candidate()
        csrf(client)
        before = session_cookie(client)
        assert store.exists(f"{redis_prefix}session:{before}")

        login(client, candidate)
        after = session_cookie(client)
        assert after != before
        assert not store.exists(f"{redis_prefix}session:{before}")
        assert store.ttl(f"{redis_prefix}session:{after}") > 0
        assert client.get("/me/applications").status_code == 200
        assert _stored_ids() == set()  # nothing in the database

        post(client, "/auth/logout")
        assert not store.exists(f"{redis_prefix}session:{after}")
        client.set_cookie("session", after)
        assert client.get("/me/applications").status_code == 302


def test_expiry_slides_without_a_write_on_every_request(client, factory):
    login(client, factory.candidate())
    client.get("/me/applications")  # shows (and so removes) the welcome message: a real change
    store_id = f"session:{session_cookie(client)}"

    def expiry() -> datetime:
        db.session.expire_all()
        return db.session.scalar(select(WebSession.expiry).where(WebSession.session_id == store_id))

    written = expiry()
    assert client.get("/me/applications").status_code == 200
    assert expiry() == written  # read back within a minute of the last write: not written again

    row = db.session.scalar(select(WebSession).where(WebSession.session_id == store_id))
    row.expiry = written - timedelta(minutes=2)  # as if the last write were two minutes ago
    db.session.commit()
    assert client.get("/me/applications").status_code == 200
    assert expiry() > written - timedelta(minutes=1)  # slid forward again


def test_with_redis_unreachable_sessions_live_in_the_database(app, make_app, closed_port):
    """Sign-in, a signed-in page and sign-out work through a Redis outage; rate limits count in memory."""
    down = f"redis://127.0.0.1:{closed_port}/0"
    outage = make_app(REDIS_URL=down, RATELIMIT_STORAGE_URI=down, PROPAGATE_EXCEPTIONS=False)
    client = outage.test_client()
    with outage.app_context():
        candidate = Factory().candidate()
        assert login(client, candidate).status_code == 302
        cookie = session_cookie(client)
        assert _stored_ids() == {f"session:{cookie}"}
        assert client.get("/me/applications").status_code == 200
        assert post(client, "/auth/logout").status_code == 302
        assert _stored_ids() - {f"session:{session_cookie(client)}"} == set()
        client.set_cookie("session", cookie)
        assert client.get("/me/applications").status_code == 302
