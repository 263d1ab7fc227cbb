"""Abuse limits shared by both front doors: sign-in failures per account, sign-ups per address,
wrong current passwords per account. The rule lives in the services; each door only renders it."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.security import verify_password
from app.services import accounts, tokens
from tests.api.conftest import ApiClient, assert_problem
from tests.factories import PASSWORD, Factory
from tests.web.conftest import csrf, login, post

WRONG = "wrong password!"


def _token(api: ApiClient, email: str, password: str, n: int):
    return api.post(
        "/auth/token", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": f"10.9.0.{n}"}
    )


def test_failures_from_many_addresses_lock_the_account_on_both_doors(app_with):
    app = app_with(ACCOUNT_LOGIN_FAILURE_LIMIT="4 per 15 minutes")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    web = app.test_client()
    # Two failures on each door, each from its own address: none of them is limited per address.
    assert [_token(api, user.email, WRONG, n).status_code for n in range(2)] == [401, 401]
    for n in range(2):
        response = login(web, user, WRONG, environ_base={"REMOTE_ADDR": f"10.9.1.{n}"})
        assert response.status_code == 401

    # Now the right password is refused too, on both doors, from fresh addresses.
    limited = _token(api, user.email, PASSWORD, 50)
    problem = assert_problem(limited, 429)
    assert problem["detail"].startswith("Too many failed sign-ins for this account. Try again in")
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60 + 1
    page = login(web, user, PASSWORD, environ_base={"REMOTE_ADDR": "10.9.1.50"})
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins for this account." in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"]

    # Another account is not affected.
    other = Factory().candidate()
    assert _token(api, other.email, PASSWORD, 51).status_code == 200


def test_a_success_before_the_limit_forgets_the_failures(app_with):
    app = app_with(ACCOUNT_LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    assert _token(api, user.email, WRONG, 1).status_code == 401
    assert _token(api, user.email, PASSWORD, 2).status_code == 200
    assert _token(api, user.email, WRONG, 3).status_code == 401
    assert _token(api, user.email, PASSWORD, 4).status_code == 200


def test_an_unknown_account_locks_the_same_way(app_with):
    """The answer never tells whether an account exists."""
    app = app_with(ACCOUNT_LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    api = ApiClient(app.test_client())
    answers = [_token(api, "nobody@example.com", WRONG, n).status_code for n in range(3)]
    assert answers == [401, 401, 429]


def test_a_password_reset_lifts_the_lock(app_with):
    app = app_with(ACCOUNT_LOGIN_FAILURE_LIMIT="1 per 15 minutes")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    assert _token(api, user.email, WRONG, 1).status_code == 401
    assert_problem(_token(api, user.email, PASSWORD, 2), 429)
    with app.test_request_context():
        link = tokens.make_token(user, tokens.RESET)
        accounts.set_password_with_token(link, tokens.RESET, "a brand new password")
        db.session.commit()
    assert _token(api, user.email, "a brand new password", 3).status_code == 200


def test_sign_ups_are_limited_per_address_across_both_doors(app_with):
    app = app_with(REGISTER_RATE_LIMIT="2 per hour")
    api = ApiClient(app.test_client())
    web = app.test_client()
    here = {"REMOTE_ADDR": "10.9.2.1"}

    def web_sign_up(email: str, address: dict):
        form = {"full_name": "Web", "email": email, "password": PASSWORD, "confirm": PASSWORD}
        return web.post("/auth/register", data={"csrf_token": csrf(web), **form}, environ_base=address)

    def api_sign_up(email: str, address: dict):
        body = {"email": email, "password": PASSWORD, "full_name": "Api"}
        return api.post("/auth/register", json=body, environ_base=address)

    assert web_sign_up("one@example.com", here).status_code == 302
    web.post("/auth/logout", data={"csrf_token": csrf(web)})
    assert api_sign_up("two@example.com", here).status_code == 201
    limited = api_sign_up("three@example.com", here)
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    page = web_sign_up("four@example.com", here)
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)
    assert web.get("/auth/register", environ_base=here).status_code == 200  # only sign-ups count
    emails = set(db.session.scalars(select(User.email)))
    assert {"three@example.com", "four@example.com"}.isdisjoint(emails)
    # Another address signs up as usual.
    assert api_sign_up("five@example.com", {"REMOTE_ADDR": "10.9.2.2"}).status_code == 201


def test_wrong_current_passwords_are_limited(app_with):
    app = app_with(PASSWORD_CHANGE_FAILURE_LIMIT="2 per 15 minutes")
    user = Factory().candidate()
    web = app.test_client()
    assert login(web, user).status_code == 302
    form = {"new_password": "another good password", "confirm": "another good password"}
    for _ in range(2):
        response = post(web, "/auth/password", {**form, "current_password": WRONG})
        assert response.status_code == 422
        assert "Wrong password." in response.get_data(as_text=True)
    response = post(web, "/auth/password", {**form, "current_password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert 'id="current_password-error"' in html and "Too many wrong current passwords." in html
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)  # unchanged


def test_limits_can_be_switched_off(app_with):
    app = app_with(RATELIMIT_ENABLED=False, ACCOUNT_LOGIN_FAILURE_LIMIT="1 per 15 minutes")
    user = Factory().candidate()
    api = ApiClient(app.test_client())
    assert _token(api, user.email, WRONG, 1).status_code == 401
    assert _token(api, user.email, PASSWORD, 2).status_code == 200
