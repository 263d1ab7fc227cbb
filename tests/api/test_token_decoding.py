"""A token is decoded once, verified (app/api/token_decoding.py), with the library's answers kept."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from jwt.api_jws import PyJWS

from app.api.auth import issue_tokens
from app.extensions import jwt as jwt_manager
from tests.api.conftest import assert_problem


@pytest.fixture
def loads(monkeypatch) -> list[bytes]:
    """Every time PyJWT splits and parses a token (each decode, verified or not, and each header read)."""
    seen: list[bytes] = []
    original = PyJWS._load

    def counting(self, token):
        seen.append(token)
        return original(self, token)

    monkeypatch.setattr(PyJWS, "_load", counting)
    return seen


def test_a_request_parses_its_token_twice_not_four_times(api, factory, token, loads):
    user = factory.candidate()
    access = token(user)
    loads.clear()
    assert api.get("/me", token=access).status_code == 200
    # The verified decode and the header flask-jwt-extended reads for its callbacks; the library
    # alone adds an unverified decode of the claims and one of the header.
    assert len(loads) == 2


def test_a_decode_key_loader_still_gets_the_unverified_token(api, factory, token, app, monkeypatch):
    """With a loader registered the library's own path runs: the loader sees header and claims."""
    seen: list[tuple[dict, dict]] = []

    def loader(header: dict, claims: dict) -> str:
        seen.append((header, claims))
        return app.config["JWT_SECRET_KEY"]

    monkeypatch.setattr(jwt_manager, "_decode_key_callback", loader)
    user = factory.candidate()
    assert api.get("/me", token=token(user)).status_code == 200
    assert seen and seen[0][0]["alg"] == "HS256" and seen[0][1]["sub"] == str(user.id)


def test_expired_token_answers_expired_and_the_callback_gets_its_claims(api, app, factory, monkeypatch):
    seen: list[dict] = []
    original = jwt_manager._expired_token_callback

    def spy(header: dict, data: dict):
        seen.append({"header": header, "data": data})
        return original(header, data)

    monkeypatch.setattr(jwt_manager, "_expired_token_callback", spy)
    user = factory.candidate()
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(seconds=-5)
    expired = issue_tokens(user)["access_token"]
    problem = assert_problem(api.get("/me", token=expired), 401)
    assert "expired" in problem["detail"]
    assert seen[0]["header"]["alg"] == "HS256" and seen[0]["data"]["sub"] == str(user.id)


def test_tampered_claims_and_bad_base64_are_refused(api, factory, token):
    user = factory.candidate()
    header, payload, signature = token(user).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(user.id + 1)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_problem(api.get("/me", token=f"{header}.{forged}.{signature}"), 401)
    assert_problem(api.get("/me", token=f"{header}.{payload}!.{signature}"), 401)
    assert_problem(api.get("/me", token=f"{header}.{payload}"), 401)
