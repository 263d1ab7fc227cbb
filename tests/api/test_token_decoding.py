"""A token is decoded once, verified, and its claims kept for its life (app/api/token_decoding.py),
with the library's answers kept."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token
from jwt.api_jws import PyJWS

from app.api.auth import issue_tokens
from app.api.token_decoding import EXTENSION_KEY, VerifiedTokens
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


def test_a_token_seen_before_is_not_verified_again(api, factory, token, loads):
    user = factory.candidate()
    access = token(user)
    assert api.get("/me", token=access).status_code == 200
    loads.clear()
    body = api.get("/me", token=access).get_json()
    assert body["id"] == user.id
    assert len(loads) == 1  # only the header flask-jwt-extended reads for its callbacks


def test_a_kept_token_is_refused_once_it_expires(api, app, factory):
    user = factory.candidate()
    with app.test_request_context():
        short = create_access_token(
            identity=str(user.id),
            expires_delta=timedelta(seconds=2),  # exp is whole seconds: at least 1 s ahead
            additional_claims={"ver": user.auth_version, "sid": "s" * 32, "sxp": int(time.time()) + 3600},
        )
    assert api.get("/me", token=short).status_code == 200
    assert short in app.extensions[EXTENSION_KEY]._claims
    expires = app.extensions[EXTENSION_KEY]._claims[short][1]
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    problem = assert_problem(api.get("/me", token=short), 401)
    assert "expired" in problem["detail"]
    assert short not in app.extensions[EXTENSION_KEY]._claims


def test_a_kept_token_is_refused_after_the_key_changes(api, app, factory, token):
    user = factory.candidate()
    access = token(user)
    assert api.get("/me", token=access).status_code == 200
    app.config["JWT_SECRET_KEY"] = "another-secret-key-that-is-long-enough!"
    assert_problem(api.get("/me", token=access), 401)


def test_a_kept_token_is_refused_once_the_account_is_deactivated(api, factory, token, db):
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    access = token(member)
    assert api.get("/me", token=access).status_code == 200
    member.active = False
    db.session.commit()
    assert_problem(api.get("/me", token=access), 401)


def test_a_forged_token_is_not_taken_for_a_kept_one(api, factory, token):
    user = factory.candidate()
    access = token(user)
    assert api.get("/me", token=access).status_code == 200
    header, payload, signature = access.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert_problem(api.get("/me", token=f"{header}.{payload}.{flipped}"), 401)


def test_the_kept_tokens_are_bounded_and_drop_the_oldest():
    kept = VerifiedTokens(size=2)
    far = time.time() + 600
    for n in range(3):
        kept.put(f"t{n}", "key", {"sub": str(n), "exp": far})
    assert len(kept) == 2 and kept.get("t0", "key", 0, time.time()) is None
    assert kept.get("t2", "key", 0, time.time())["sub"] == "2"
    assert kept.get("t2", "other key", 0, time.time()) is None  # and it is dropped
    assert len(kept) == 1
    kept.put("forever", "key", {"sub": "9"})  # no expiry: never kept
    assert kept.get("forever", "key", 0, time.time()) is None
    claims = kept.get("t1", "key", 0, time.time())
    claims["sub"] = "changed"
    assert kept.get("t1", "key", 0, time.time())["sub"] == "1"  # a copy each time


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
