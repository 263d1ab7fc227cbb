"""Sign-up, sign-in and sign-out, safe redirects, the rate limit and the password pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import signals
from app.extensions import db
from app.models import User
from app.services import tokens
from tests.factories import PASSWORD
from tests.web.conftest import csrf, login, post


def test_register_signs_in_a_candidate_and_returns_to_next(client, factory):
    tenant = factory.tenant()
    job_url = f"/jobs/{tenant['job'].id}"
    page = client.get(f"/auth/register?next={job_url}").get_data(as_text=True)
    assert f'value="{job_url}"' in page
    response = post(
        client,
        "/auth/register",
        {
            "full_name": "Nina New",
            "email": "Nina@Example.com",
            "password": "a good password",
            "confirm": "a good password",
            "next": job_url,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == job_url
    user = db.session.scalar(select(User).where(User.email == "nina@example.com"))
    assert user.role == "candidate" and user.company_id is None
    assert "Nina New" in client.get("/me/applications").get_data(as_text=True)


def test_register_errors_are_shown_beside_fields_with_input_kept(client, factory):
    factory.candidate()
    taken = db.session.scalar(select(User.email).where(User.role == "candidate"))
    response = post(
        client,
        "/auth/register",
        {"full_name": "Kept Name", "email": "not-an-email", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Kept Name"' in html
    assert 'value="not-an-email"' in html
    assert 'id="email-error"' in html and "Not a valid email address." in html
    assert 'id="password-error"' in html and "at least 8 characters" in html
    assert 'aria-describedby="password-help password-error"' in html
    assert "short" not in html.split('id="password"')[1].split(">")[0]  # passwords are never echoed back

    response = post(
        client, "/auth/register", {"full_name": "Twin", "email": taken, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 422
    assert "Already registered." in response.get_data(as_text=True)


def test_register_requires_matching_passwords(client):
    response = post(
        client,
        "/auth/register",
        {"full_name": "A", "email": "a@example.com", "password": PASSWORD, "confirm": PASSWORD + "x"},
    )
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "a@example.com")) is None


def test_login_and_wrong_password(client, factory):
    candidate = factory.candidate()
    response = login(client, candidate, "wrong password")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Wrong email or password." in html
    assert f'value="{candidate.email}"' in html  # the email is kept

    response = login(client, candidate)
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/applications"


def test_staff_land_on_the_dashboard(client, factory):
    tenant = factory.tenant()
    assert login(client, tenant["recruiter"]).headers["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/dashboard/jobs", "/dashboard/jobs"),
        ("/dashboard/jobs?stage=offer", "/dashboard/jobs?stage=offer"),
        ("https://evil.example/phish", "/dashboard/"),
        ("//evil.example/phish", "/dashboard/"),
        ("/\\evil.example", "/dashboard/"),
        ("javascript:alert(1)", "/dashboard/"),
        ("dashboard", "/dashboard/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, factory, next_value, expected):
    tenant = factory.tenant()
    response = login(client, tenant["recruiter"], next=next_value)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_an_unsafe_next_is_not_even_put_in_the_form(client):
    html = client.get("/auth/login?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in html


def test_protected_page_sends_to_login_and_back(client, factory):
    tenant = factory.tenant()
    response = client.get("/dashboard/jobs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    response = login(client, tenant["admin"], next="/dashboard/jobs")
    assert response.headers["Location"] == "/dashboard/jobs"


def test_deactivated_user_cannot_sign_in(client, factory):
    from app.services import companies

    tenant = factory.tenant()
    companies.update_member(tenant["admin"], tenant["company"].id, tenant["recruiter"].id, active=False)
    db.session.commit()
    assert login(client, tenant["recruiter"]).status_code == 401


def test_logout_needs_post_with_csrf(client, factory):
    login(client, factory.candidate())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400  # no CSRF token
    assert client.get("/me/applications").status_code == 200  # still signed in
    assert post(client, "/auth/logout").status_code == 302
    assert client.get("/me/applications").status_code == 302


def test_login_is_rate_limited(app, make_app):
    """`app` is there for its clean-up: it empties the tables afterwards."""
    from tests.factories import Factory

    limited = make_app(LOGIN_RATE_LIMIT="3 per minute")
    with limited.app_context():
        candidate = Factory().candidate()
        client = limited.test_client()
        statuses = [login(client, candidate, "wrong password").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        response = login(client, candidate)  # even the right password waits now
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
        assert client.get("/auth/login").status_code == 200  # only POSTs count


def test_forgot_password_gives_one_answer_and_signals_only_real_accounts(client, factory):
    candidate = factory.candidate()
    sent = []

    def listener(user, **_):
        sent.append(user.email)

    signals.password_reset_requested.connect(listener)
    try:
        answers = []
        for email in (candidate.email, "nobody@example.com"):
            response = post(client, "/auth/forgot-password", {"email": email}, follow_redirects=True)
            assert response.status_code == 200
            answers.append(response.get_data(as_text=True).count("we have sent it a link"))
    finally:
        signals.password_reset_requested.disconnect(listener)
    assert answers == [1, 1]
    assert sent == [candidate.email]


def test_reset_password_link_sets_password_once_and_signs_in(client, factory):
    candidate = factory.candidate()
    token = tokens.make_token(candidate, tokens.RESET)
    url = f"/auth/reset-password/{token}"
    page = client.get(url)
    assert page.status_code == 200 and candidate.email in page.get_data(as_text=True)

    response = post(client, url, {"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "at least 8 characters" in response.get_data(as_text=True)

    response = post(client, url, {"password": "brand new password", "confirm": "brand new password"})
    assert response.status_code == 302
    assert client.get("/me/applications").status_code == 200  # signed in

    used = client.get(url)
    assert used.status_code == 400
    assert "already been used" in used.get_data(as_text=True)
    post(client, "/auth/logout")
    assert login(client, candidate, "brand new password").status_code == 302


def test_bad_and_wrong_purpose_links_are_refused(client, factory):
    candidate = factory.candidate()
    assert client.get("/auth/reset-password/not-a-token").status_code == 400
    invite = tokens.make_token(candidate, tokens.INVITE)
    response = client.get(f"/auth/reset-password/{invite}")  # an invitation is not a reset link
    assert response.status_code == 400
    assert "This link cannot be used" in response.get_data(as_text=True)


def test_invited_member_sets_a_password(client, factory):
    from app.services import companies

    tenant = factory.tenant()
    member = companies.add_staff(
        tenant["admin"], tenant["company"].id, email="new@staff.example", full_name="New Member", role="recruiter"
    )
    db.session.commit()
    url = f"/auth/set-password/{tokens.make_token(member, tokens.INVITE)}"
    html = client.get(url).get_data(as_text=True)
    assert f"Welcome to {tenant['company'].name}" in html
    response = post(client, url, {"password": "member password", "confirm": "member password"})
    assert response.headers["Location"] == "/dashboard/"
    assert "New Member" in client.get("/dashboard/").get_data(as_text=True)


def test_change_password_checks_the_current_one(client, factory):
    candidate = factory.candidate()
    login(client, candidate)
    response = post(
        client,
        "/auth/password",
        {"current_password": "wrong", "new_password": "new password 1", "confirm": "new password 1"},
    )
    assert response.status_code == 422
    assert "Wrong password." in response.get_data(as_text=True)
    response = post(
        client,
        "/auth/password",
        {"current_password": PASSWORD, "new_password": "tiny", "confirm": "tiny"},
    )
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)


def test_csrf_token_is_required_on_every_form(client, factory):
    candidate = factory.candidate()
    assert client.post("/auth/login", data={"email": candidate.email, "password": PASSWORD}).status_code == 400
    response = client.post("/auth/register", data={"email": "x@example.com"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    response = client.post("/auth/login", data={"email": candidate.email, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert csrf(client)  # a fresh form still works


def test_a_post_after_the_session_ended_returns_to_the_form_page(client, factory):
    tenant = factory.tenant()
    job_page = f"http://localhost/jobs/{tenant['job'].id}"
    token = csrf(client)
    # Withdrawing needs a signed-in candidate (applying no longer does: guests apply).
    action = "/me/applications/1/withdraw"
    response = client.post(action, data={"csrf_token": token}, headers={"Referer": job_page})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/jobs/{tenant['job'].id}"
    foreign = client.post(action, data={"csrf_token": token}, headers={"Referer": "https://evil.example/x"})
    assert foreign.headers["Location"] == "/auth/login"
