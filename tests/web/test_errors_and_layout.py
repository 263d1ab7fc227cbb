"""Friendly error pages, and the layout's role-dependent navigation."""

from __future__ import annotations

from tests.web.conftest import login


def test_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Browse open jobs" in html


def test_friendly_405(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Not available" in response.get_data(as_text=True)


def test_friendly_500_without_leaking_the_error(make_app, app):
    broken = make_app(PROPAGATE_EXCEPTIONS=False)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_mail_link_shows_for_admins_and_recruiters(make_app, app, factory):
    with_mail = make_app()
    tenant = factory.tenant()
    seen = {}
    for role in ("admin", "recruiter", "hiring_manager"):
        client = with_mail.test_client()
        with with_mail.app_context():
            login(client, tenant[role])
            seen[role] = 'href="/dashboard/mail"' in client.get("/dashboard/").get_data(as_text=True)
    assert seen == {"admin": True, "recruiter": True, "hiring_manager": False}


def test_pages_are_keyboard_friendly(client, factory):
    """A skip link, labelled fields and a focusable main region on every layout."""
    html = client.get("/auth/register").get_data(as_text=True)
    assert 'href="#main"' in html and 'id="main"' in html
    for field in ("full_name", "email", "password", "confirm"):
        assert f'<label class="form-label" for="{field}">' in html
    board = client.get("/").get_data(as_text=True)
    for field in ("q", "location", "remote", "employment_type"):
        assert f'for="{field}"' in board


def test_web_pages_send_security_headers(client, factory):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" not in response.headers.get("Cache-Control", "")  # public pages may be cached
    assert "Content-Security-Policy" not in client.get("/healthz").headers  # not a web page


def test_signed_in_pages_are_not_stored(client, factory):
    login(client, factory.candidate())
    assert client.get("/me/applications").headers["Cache-Control"] == "no-store"
