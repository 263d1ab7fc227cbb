"""The API docs page works in a real browser under the site's Content-Security-Policy."""

from __future__ import annotations


def test_swagger_ui_renders_without_a_policy_refusal(new_page, page_errors):
    page = new_page()
    response = page.goto("/api/docs")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    page.wait_for_selector(".opblock-summary-path")
    page.wait_for_load_state("networkidle")
    assert page_errors == []
