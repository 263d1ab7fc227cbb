"""Fixtures for the web pages: a signed-in test client per role, CSRF tokens from the rendered forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from app.models import Application, Company, Job, User
from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def csrf(client: FlaskClient, url: str | None = None) -> str:
    """A CSRF token for this client's session, read from a rendered form.

    By default from the sign-in page, or for a signed-in client from the
    sign-out form every page carries.
    """
    response = client.get(url or "/auth/login")
    if url is None and response.status_code == 302:
        response = client.get("/")
    return csrf_from(response.get_data(as_text=True))


def login(client: FlaskClient, user: User | str, password: str = PASSWORD, **extra):
    email = user if isinstance(user, str) else user.email
    token = csrf(client)
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token, **extra})


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


@dataclass
class World:
    company: Company
    admin: User
    recruiter: User
    hiring_manager: User
    job: Job
    candidate: User
    application: Application
    other_company: Company
    other_admin: User
    other_recruiter: User
    other_job: Job
    other_application: Application
    other_candidate: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(factory) -> World:
    """Two companies, each with a job and an application; staff of every role in the first."""
    tenant = factory.tenant()
    candidate = factory.candidate("Cara Candidate")
    application = factory.application(candidate, tenant["job"], cover_letter="Dear team,\nI would love to.")
    other_company, other_admin = factory.company("Other Corp")
    other_recruiter = factory.staff(other_company, other_admin, "recruiter")
    other_job = factory.job(other_recruiter, title="Other job")
    other_candidate = factory.candidate("Olga Other")
    other_application = factory.application(other_candidate, other_job)
    return World(
        company=tenant["company"],
        admin=tenant["admin"],
        recruiter=tenant["recruiter"],
        hiring_manager=tenant["hiring_manager"],
        job=tenant["job"],
        candidate=candidate,
        application=application,
        other_company=other_company,
        other_admin=other_admin,
        other_recruiter=other_recruiter,
        other_job=other_job,
        other_application=other_application,
        other_candidate=other_candidate,
    )


@pytest.fixture
def as_user(client):
    """Sign the test client in as a user (or leave it anonymous for None)."""

    def sign_in(user: User | None) -> FlaskClient:
        if user is not None:
            response = login(client, user)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept across the many apps the suite builds (one per test)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _SharedBytecodeCache()


@pytest.fixture(autouse=True)
def _shared_template_cache(app):
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
