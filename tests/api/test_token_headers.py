"""Token answers are never cached (RFC 6749, section 5.1): Cache-Control: no-store, Pragma: no-cache."""

from __future__ import annotations

from tests.factories import PASSWORD


def _assert_no_store(response) -> None:
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_the_token_answer_is_not_cached(api, factory):
    user = factory.candidate()
    response = api.post("/auth/token", json={"email": user.email, "password": PASSWORD})
    _assert_no_store(response)
    assert "access_token" in response.get_json()


def test_the_refresh_answer_is_not_cached(api, factory):
    user = factory.candidate()
    refresh = api.post("/auth/token", json={"email": user.email, "password": PASSWORD}).get_json()["refresh_token"]
    response = api.post("/auth/refresh", token=refresh)
    _assert_no_store(response)
    assert "access_token" in response.get_json()


def test_the_document_says_so(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/auth/token", "/api/v1/auth/refresh"):
        headers = spec["paths"][path]["post"]["responses"]["200"]["headers"]
        assert {"Cache-Control", "Pragma"} <= set(headers)
