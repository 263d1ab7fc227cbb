"""Helpers for the API tests: a JSON client with bearer tokens, and apps with other config."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import Flask

from app.api.auth import issue_tokens
from app.extensions import db as _db
from app.models import User
from tests.conftest import _wipe

PROBLEM = "application/problem+json"


class ApiClient:
    """Thin wrapper over Flask's test client: `token=` sends a bearer token."""

    def __init__(self, client) -> None:
        self.client = client

    def request(self, method: str, path: str, *, token: str | None = None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def token():
    """An access token for a user, minted directly (the login endpoint has its own tests and a rate limit)."""

    def mint(user: User) -> str:
        return issue_tokens(user)["access_token"]

    return mint


@pytest.fixture
def app_with(make_app):
    """An app with config overrides, its context pushed, the database emptied afterwards."""
    pushed: list = []

    def build(**overrides) -> Flask:
        app = make_app(**overrides)
        ctx = app.app_context()
        ctx.push()
        pushed.append(ctx)
        return app

    yield build
    for ctx in reversed(pushed):
        _db.session.rollback()
        _wipe()
        ctx.pop()


@pytest.fixture
def world(factory) -> dict:
    """Two companies (each with every staff role and an open job) and two candidates."""
    acme = factory.tenant()
    globex = factory.tenant()
    return {"acme": acme, "globex": globex, "ada": factory.candidate("Ada"), "bob": factory.candidate("Bob")}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"] and body["detail"]
    return body


def pdf_bytes(text: str = "resume") -> bytes:
    return b"%PDF-1.4\n%" + text.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()
