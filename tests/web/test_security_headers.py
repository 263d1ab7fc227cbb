"""Every HTML page carries the same security headers, whichever blueprint (or none) answered."""

from __future__ import annotations

import pytest

from app.web.headers import CONTENT_SECURITY_POLICY
from tests.web.conftest import login

HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def _assert_page_headers(response, *, signed_in: bool) -> None:
    assert response.mimetype == "text/html"
    for name, value in HTML_HEADERS.items():
        assert response.headers.get(name) == value, name
    if signed_in:
        assert response.headers["Cache-Control"] == "no-store"
    else:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_mail_page_has_them(world, client):
    login(client, world.admin)
    response = client.get("/dashboard/mail")
    assert response.status_code == 200
    _assert_page_headers(response, signed_in=True)


def test_the_api_docs_page_has_them(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    _assert_page_headers(response, signed_in=False)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/no-such-page", 404),
        ("GET", "/jobs/2147483648", 404),
        ("POST", "/", 405),
        ("DELETE", "/auth/login", 405),
        ("GET", "/?q=%00", 400),
        ("POST", "/auth/logout", 400),  # no CSRF token
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_error_pages_have_them(world, client, method, url, status, signed_in):
    if signed_in:
        login(client, world.candidate)
    response = client.open(url, method=method)
    assert response.status_code == status
    _assert_page_headers(response, signed_in=signed_in)


def test_the_server_error_page_has_them(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    response = client.get("/broken-for-test")
    assert response.status_code == 500
    _assert_page_headers(response, signed_in=False)


def test_json_answers_say_nosniff_without_page_policies(client):
    for url in ("/healthz", "/api/v1/jobs", "/api/v1/nowhere"):
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in response.headers
