"""Secure cookies follow the request's scheme; plain HTTP that breaks sign-in says why."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.web.conftest import csrf_from

HTTP, HTTPS = "http://localhost", "https://localhost"


def _sign_in(client, email: str, base_url: str, headers: dict | None = None):
    page = client.get("/auth/login", base_url=base_url, headers=headers)
    token = csrf_from(page.get_data(as_text=True))
    public = HTTPS if (headers or {}).get("X-Forwarded-Proto") == "https" else base_url  # what the browser saw
    return client.post(
        "/auth/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        base_url=base_url,
        headers={**(headers or {}), "Referer": f"{public}/auth/login"},  # checked on HTTPS
    )


def _session_set_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


@pytest.mark.parametrize(
    ("base_url", "hops", "forwarded", "secure"),
    [
        (HTTP, 0, None, False),
        (HTTPS, 0, None, True),
        (HTTP, 1, "https", True),  # a TLS proxy in front, trusted
        (HTTP, 0, "https", False),  # the same header, untrusted without PROXY_FIX_HOPS
    ],
)
def test_auto_secure_cookie_follows_the_request_scheme(make_app, factory, base_url, hops, forwarded, secure):
    email = factory.candidate().email
    app = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE="auto", PROXY_FIX_HOPS=hops)
    headers = {"X-Forwarded-Proto": forwarded} if forwarded else None
    with app.app_context():
        response = _sign_in(app.test_client(), email, base_url, headers)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert ("; Secure" in _session_set_cookie(response)) is secure


def test_explicit_settings_win_over_the_scheme(make_app):
    assert make_app(SESSION_COOKIE_SECURE=False).config["SESSION_COOKIE_SECURE"] is False
    forced = make_app(SESSION_COOKIE_SECURE=True)
    response = forced.test_client().get("/auth/login", base_url=HTTP)
    assert "; Secure" in _session_set_cookie(response)


def test_sign_in_page_says_why_plain_http_cannot_work_with_secure_cookies(make_app):
    client = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE=True).test_client()
    page = client.get("/auth/login", base_url=HTTP).get_data(as_text=True)
    assert 'data-transport="blocked"' in page
    assert "Sign-in cannot work over plain HTTP" in page and "TLS" in page and "PROXY_FIX_HOPS" in page

    # The browser dropped the Secure cookie, so the post arrives with no session: the
    # expired-form page names the cause instead of blaming the form.
    fresh = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE=True).test_client()
    answer = fresh.post("/auth/login", data={"email": "a@b.example", "password": "x"}, base_url=HTTP)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "This form has expired" in text and "PROXY_FIX_HOPS" in text and "HTTPS" in text


def test_sign_in_page_warns_of_unencrypted_production(make_app):
    client = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE="auto").test_client()
    page = client.get("/auth/login", base_url=HTTP).get_data(as_text=True)
    assert 'data-transport="unencrypted"' in page and "PROXY_FIX_HOPS" in page
    assert "data-transport" not in client.get("/auth/login", base_url=HTTPS).get_data(as_text=True)


def test_no_transport_message_over_https_or_in_development(make_app, client):
    secure = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE=True).test_client()
    assert "data-transport" not in secure.get("/auth/login", base_url=HTTPS).get_data(as_text=True)
    assert "data-transport" not in client.get("/auth/login").get_data(as_text=True)
    expired = secure.post("/auth/login", data={"email": "a@b.example"}, base_url=HTTPS).get_data(as_text=True)
    assert "This form has expired" in expired and "PROXY_FIX_HOPS" not in expired
