"""Sign-up, tokens, refresh, revocation and the caller."""

from __future__ import annotations

from datetime import timedelta

from flask_jwt_extended import create_access_token
from sqlalchemy import select

from app.api.auth import issue_tokens
from app.models import RevokedToken, User
from app.models.base import utcnow
from app.services import accounts, companies
from tests.api.conftest import ApiClient, assert_problem
from tests.factories import PASSWORD, Factory


def _login(api, email, password=PASSWORD, **kw):
    return api.post("/auth/token", json={"email": email, "password": password}, **kw)


# --- register ---------------------------------------------------------------------------


def test_register_creates_a_candidate(api, db):
    response = api.post("/auth/register", json={"email": "New@Example.com", "password": PASSWORD, "full_name": "New"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "new@example.com"
    assert body["role"] == "candidate" and body["company"] is None
    assert "password" not in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.role == "candidate" and user.company_id is None


def test_register_refuses_role_and_company_id(api, db, factory):
    company, _ = factory.company()
    for extra in ({"role": "admin"}, {"company_id": company.id}, {"role": "candidate"}):
        body = {"email": "sneaky@example.com", "password": PASSWORD, "full_name": "S", **extra}
        problem = assert_problem(api.post("/auth/register", json=body), 422)
        assert problem["errors"] == {next(iter(extra)): ["Unknown field."]}
    assert db.session.scalar(select(User).where(User.email == "sneaky@example.com")) is None


def test_register_validation_and_duplicates(api, factory):
    problem = assert_problem(api.post("/auth/register", json={"email": "x@example.com"}), 422)
    assert set(problem["errors"]) == {"password", "full_name"}
    problem = assert_problem(
        api.post("/auth/register", json={"email": "not-an-email", "password": "short", "full_name": "N"}), 422
    )
    assert set(problem["errors"]) == {"email", "password"}
    problem = assert_problem(api.post("/auth/register", json={"email": 5, "password": ["x"], "full_name": None}), 422)
    assert set(problem["errors"]) == {"email", "password", "full_name"}
    user = factory.candidate()
    problem = assert_problem(
        api.post("/auth/register", json={"email": user.email.upper(), "password": PASSWORD, "full_name": "Twin"}), 409
    )
    assert problem["errors"] == {"email": ["Already registered."]}


# --- token ------------------------------------------------------------------------------


def test_token_pair_works(api, factory):
    user = factory.candidate()
    response = _login(api, user.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    me = api.get("/me", token=body["access_token"])
    assert me.status_code == 200
    assert me.get_json()["id"] == user.id


def test_wrong_credentials_get_one_answer(api, factory):
    user = factory.candidate()
    wrong_password = _login(api, user.email, "wrong password!")
    unknown_email = _login(api, "nobody@example.com", "wrong password!")
    assert_problem(wrong_password, 401)
    assert_problem(unknown_email, 401)
    same = [{k: v for k, v in r.get_json().items() if k != "request_id"} for r in (wrong_password, unknown_email)]
    assert same[0] == same[1]  # only the request's own id differs
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


def test_deactivated_user_cannot_get_a_token(api, factory, db):
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    companies.update_member(admin, company.id, member.id, active=False)
    db.session.commit()
    assert_problem(_login(api, member.email), 401)


def test_token_body_is_checked(api):
    assert_problem(api.post("/auth/token", json={"email": "a@example.com"}), 422)
    problem = assert_problem(api.post("/auth/token", json={"email": "a@example.com", "password": "x", "otp": 1}), 422)
    assert problem["errors"] == {"otp": ["Unknown field."]}


# --- me -----------------------------------------------------------------------------------


def test_me_shows_role_and_company(api, factory, token):
    company, admin = factory.company()
    body = api.get("/me", token=token(admin)).get_json()
    assert body["role"] == "admin"
    assert body["company"] == {"id": company.id, "name": company.name, "slug": company.slug}


def test_me_without_or_with_a_bad_token(api, app, factory):
    assert_problem(api.get("/me"), 401)
    assert_problem(api.get("/me", token="not.a.jwt"), 401)
    assert_problem(api.get("/me", headers={"Authorization": "Basic abc"}), 401)
    user = factory.candidate()
    forged = create_access_token(identity=str(user.id), additional_claims={"ver": 1, "sid": "x", "sxp": 1})
    app.config["JWT_SECRET_KEY"] = "another-secret-key-that-is-long-enough!"
    assert_problem(api.get("/me", token=forged), 401)


def test_expired_token_is_refused(api, app, factory):
    user = factory.candidate()
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(seconds=-5)
    expired = issue_tokens(user)["access_token"]
    problem = assert_problem(api.get("/me", token=expired), 401)
    assert "expired" in problem["detail"]


def test_role_is_read_per_request(api, factory, token, db):
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    access = token(member)
    companies.update_member(admin, company.id, member.id, role="hiring_manager")
    db.session.commit()
    assert api.get("/me", token=access).get_json()["role"] == "hiring_manager"


def test_deactivation_kills_tokens_at_once(api, factory, token, db):
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    access = token(member)
    assert api.get("/me", token=access).status_code == 200
    response = api.patch(f"/companies/{company.id}/members/{member.id}", json={"active": False}, token=token(admin))
    assert response.status_code == 200
    assert response.get_json()["active"] is False
    problem = assert_problem(api.get("/me", token=access), 401)
    assert "deactivated" in problem["detail"]
    # Reactivation does not revive the old token: auth_version moved on.
    companies.update_member(admin, company.id, member.id, active=True)
    db.session.commit()
    assert_problem(api.get("/me", token=access), 401)


def test_password_change_kills_tokens(api, factory, db):
    user = factory.candidate()
    pair = issue_tokens(user)
    accounts.set_password(user, "a brand new password")
    db.session.commit()
    assert_problem(api.get("/me", token=pair["access_token"]), 401)
    assert_problem(api.post("/auth/refresh", token=pair["refresh_token"]), 401)


# --- refresh and revoke -------------------------------------------------------------------


def test_refresh_gives_a_new_access_token(api, factory):
    user = factory.candidate()
    pair = issue_tokens(user)
    response = api.post("/auth/refresh", token=pair["refresh_token"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert api.get("/me", token=body["access_token"]).status_code == 200
    # An access token is not a refresh token, and the other way round.
    assert_problem(api.post("/auth/refresh", token=pair["access_token"]), 401)
    assert_problem(api.get("/me", token=pair["refresh_token"]), 401)


def _revocation_ends_the_session(api: ApiClient, user: User) -> None:
    pair = issue_tokens(user)
    other = issue_tokens(user)  # another sign-in stays valid
    refreshed = api.post("/auth/refresh", token=pair["refresh_token"]).get_json()["access_token"]
    response = api.post("/auth/revoke", token=pair["access_token"])
    assert response.status_code == 204
    assert response.get_data() == b""
    for dead in (pair["access_token"], refreshed):
        problem = assert_problem(api.get("/me", token=dead), 401)
        assert "revoked" in problem["detail"]
    assert_problem(api.post("/auth/refresh", token=pair["refresh_token"]), 401)
    assert_problem(api.post("/auth/revoke", token=pair["access_token"]), 401)
    assert api.get("/me", token=other["access_token"]).status_code == 200
    # Revoking with the refresh token works too.
    assert api.post("/auth/revoke", token=other["refresh_token"]).status_code == 204
    assert_problem(api.get("/me", token=other["access_token"]), 401)


def test_revoke_without_redis_uses_the_table(api, factory, db):
    user = factory.candidate()
    _revocation_ends_the_session(api, user)
    rows = db.session.scalars(select(RevokedToken)).all()
    assert len(rows) == 2 and {row.user_id for row in rows} == {user.id}


def test_revoke_with_redis_writes_redis_and_the_table(app_with, redis_url, redis_prefix):
    import redis

    from app.extensions import db

    app = app_with(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    user = Factory().candidate()
    _revocation_ends_the_session(ApiClient(app.test_client()), user)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{redis_prefix}jwt:revoked:*"))
    assert len(keys) == 2
    refresh_life = app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    assert all(0 < client.ttl(key) <= refresh_life + 1 for key in keys)
    # The table keeps the record, so the database can answer when Redis cannot.
    assert len(db.session.scalars(select(RevokedToken)).all()) == 2


def test_a_redis_that_lost_its_data_is_reloaded_from_the_table(app_with, redis_url, redis_prefix):
    import redis

    app = app_with(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    pair = issue_tokens(user)
    assert api.post("/auth/revoke", token=pair["access_token"]).status_code == 204
    client = redis.Redis.from_url(redis_url)
    client.delete(*client.scan_iter(match=f"{redis_prefix}*"))  # as a restart without persistence would
    assert_problem(api.get("/me", token=pair["access_token"]), 401)
    assert client.exists(*client.scan_iter(match=f"{redis_prefix}jwt:revoked:*")) == 1
    assert api.get("/me", token=issue_tokens(user)["access_token"]).status_code == 200


def test_with_redis_down_the_table_answers_and_revoking_waits(app_with, closed_port):
    from app.extensions import db

    app = app_with(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    revoked, live = issue_tokens(user), issue_tokens(user)
    db.session.add(RevokedToken(jti=_sid(revoked), user_id=user.id, expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert api.get("/me", token=live["access_token"]).status_code == 200
    assert_problem(api.get("/me", token=revoked["access_token"]), 401)
    # A revocation Redis cannot record is refused and rolled back: the client retries it later.
    response = api.post("/auth/revoke", token=live["access_token"])
    assert_problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == _sid(live))) is None


def _sid(pair: dict) -> str:
    from flask_jwt_extended import decode_token

    return decode_token(pair["access_token"])["sid"]


# --- rate limit ---------------------------------------------------------------------------


def test_with_redis_unreachable_the_limit_still_holds_in_memory(app_with, closed_port):
    down = f"redis://127.0.0.1:{closed_port}/0"
    app = app_with(LOGIN_RATE_LIMIT="3 per minute", REDIS_URL=down, RATELIMIT_STORAGE_URI=down)
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    assert [_login(api, user.email).status_code for _ in range(3)] == [200, 200, 200]  # sign-in works
    assert_problem(_login(api, user.email), 429)


def test_token_is_rate_limited_per_client(app_with):
    app = app_with(LOGIN_RATE_LIMIT="3 per minute")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    answers = [_login(api, user.email, "wrong password!").status_code for _ in range(3)]
    assert answers == [401, 401, 401]
    limited = _login(api, user.email)  # even the right password waits now
    problem = assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    assert "wait" in problem["detail"]
    # Another client address is not limited by this one.
    assert _login(api, "other@example.com", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 401


def test_token_is_refused_per_account_after_failures_from_many_clients(app_with):
    app = app_with(ACCOUNT_LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    for n in range(2):
        address = {"REMOTE_ADDR": f"10.0.1.{n}"}
        assert _login(api, user.email, "wrong password!", environ_base=address).status_code == 401
    limited = _login(api, user.email.upper(), environ_base={"REMOTE_ADDR": "10.0.1.9"})
    problem = assert_problem(limited, 429)
    assert "Too many failed sign-ins for this account" in problem["detail"]
    assert int(limited.headers["Retry-After"]) > 0


def test_rate_limit_counts_live_in_redis_when_configured(app_with, redis_url, redis_prefix):
    """Two app processes sharing Redis share the counts (the limiter's storage follows REDIS_URL)."""
    import redis

    overrides = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "RATELIMIT_STORAGE_URI": None,
        "ACCOUNT_LOGIN_FAILURE_LIMIT": "2 per 15 minutes",
    }
    first = app_with(**overrides)
    user = Factory().candidate()
    for n in range(2):
        address = {"REMOTE_ADDR": f"10.0.2.{n}"}
        assert_problem(_login(ApiClient(first.test_client()), user.email, "wrong password!", environ_base=address), 401)
    second = app_with(**overrides)
    limited = _login(ApiClient(second.test_client()), user.email, environ_base={"REMOTE_ADDR": "10.0.2.9"})
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"LIMITS:*{redis_prefix}*sign-in-failures*"))
    assert keys and not any(user.email.encode() in key for key in keys)  # the address is hashed
    client.delete(*keys)


def test_revoking_purges_expired_entries(api, factory, db):
    from app.models.base import utcnow

    user = factory.candidate()
    db.session.add(RevokedToken(jti="old-session", user_id=user.id, expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert api.post("/auth/revoke", token=issue_tokens(user)["access_token"]).status_code == 204
    assert db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == "old-session")) is None
