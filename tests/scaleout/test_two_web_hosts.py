"""Two web hosts behind an imaginary load balancer share nothing but PostgreSQL and Redis.

Every visitor below sends each request to whichever host the step names, with
one cookie jar, as a browser behind a round-robin balancer without sticky
sessions would. The hosts run under gunicorn with production settings and
STORAGE_BACKEND=database; each has its own instance and upload folders.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from tests.scaleout.conftest import LOGIN_LIMIT
from tests.scaleout.hosts import Browser, WebHost

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "a long and sturdy passphrase"


@dataclass(frozen=True)
class World:
    admin_email: str
    admin_name: str
    admin_token: str
    candidate_email: str
    job_id: int
    job_title: str


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def world(hosts, traffic) -> World:
    """A company, its admin, an open job and a candidate, all made through the API of both hosts."""
    a, b = hosts
    api = Browser(traffic, cookies=False)
    n = uuid.uuid4().hex[:8]
    admin_email, admin_name = f"admin-{n}@scaleout.example", f"Admin {n}"
    created = api.post(
        a,
        "/api/v1/companies",
        json={"name": f"Scaleout {n}", "admin": {"email": admin_email, "password": PASSWORD, "full_name": admin_name}},
    )
    assert created.status_code == 201, created.text
    issued = api.post(b, "/api/v1/auth/token", json={"email": admin_email, "password": PASSWORD})
    assert issued.status_code == 200, issued.text
    token = issued.json()["access_token"]
    title = f"Platform engineer {n}"
    job = api.post(a, "/api/v1/jobs", json={"title": title, "status": "open"}, headers=_bearer(token))
    assert job.status_code == 201, job.text
    candidate_email = f"cand-{n}@scaleout.example"
    registered = api.post(
        b, "/api/v1/auth/register", json={"email": candidate_email, "password": PASSWORD, "full_name": f"Cand {n}"}
    )
    assert registered.status_code == 201, registered.text
    return World(admin_email, admin_name, token, candidate_email, job.json()["id"], title)


def test_a_session_started_on_a_continues_on_b(hosts, world, traffic):
    a, b = hosts
    browser = Browser(traffic)
    signed_in = browser.sign_in(a, world.admin_email, PASSWORD)
    assert signed_in.status_code == 302, signed_in.text
    dashboard = browser.get(b, "/dashboard/")
    assert dashboard.status_code == 200
    assert world.admin_name in dashboard.text
    stranger = Browser(traffic).get(b, "/dashboard/")  # the proof that B checks: no cookie, no dashboard
    assert stranger.status_code == 302 and "/auth/login" in stranger.headers["Location"]


def test_a_form_rendered_by_a_is_accepted_by_b(hosts, world, traffic):
    a, b = hosts
    browser = Browser(traffic)
    assert browser.sign_in(a, world.admin_email, PASSWORD).status_code == 302
    token = browser.csrf(a, "/dashboard/jobs/new")
    form = {"title": "Site reliability engineer", "employment_type": "full_time", "status": "draft"}
    forged = browser.post(b, "/dashboard/jobs/new", data={**form, "csrf_token": token[::-1]})
    assert forged.status_code == 400  # B does check the token
    saved = browser.post(b, "/dashboard/jobs/new", data={**form, "csrf_token": token})
    assert saved.status_code == 302, saved.text
    assert re.fullmatch(r"/dashboard/jobs/\d+", saved.headers["Location"])
    assert "Site reliability engineer" in browser.get(a, saved.headers["Location"]).text


def test_a_change_committed_on_a_is_seen_on_b_at_once(hosts, world, traffic, scaleout_database):
    a, b = hosts
    anonymous = Browser(traffic, cookies=False)  # no cookie: the public cache may answer
    page = f"/jobs/{world.job_id}"
    assert world.job_title in anonymous.get(a, page).text  # A renders it and keeps it in Redis

    engine = create_engine(scaleout_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:  # behind the app's back: nothing tells the cache
        conn.execute(text("UPDATE jobs SET title = 'Changed behind the back' WHERE id = :id"), {"id": world.job_id})
    engine.dispose()
    from_b = anonymous.get(b, page)
    assert world.job_title in from_b.text and "Changed behind the back" not in from_b.text  # A's answer, via Redis

    renamed = anonymous.request(
        a, "PATCH", f"/api/v1/jobs/{world.job_id}", json={"title": "Staff platform engineer"},
        headers=_bearer(world.admin_token),
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert "Staff platform engineer" in anonymous.get(b, page).text
    listed = anonymous.get(b, "/api/v1/jobs?limit=100").json()["items"]
    assert "Staff platform engineer" in {job["title"] for job in listed}


def test_a_resume_uploaded_on_a_downloads_byte_for_byte_on_b(hosts, world, traffic):
    a, b = hosts
    resume = b"%PDF-1.7\n" + secrets.token_bytes(300_000) + b"\n%%EOF\n"  # many chunks, every byte value
    candidate = Browser(traffic)
    assert candidate.sign_in(a, world.candidate_email, PASSWORD).status_code == 302
    token = candidate.csrf(a, f"/jobs/{world.job_id}")
    applied = candidate.post(
        a,
        f"/jobs/{world.job_id}/apply",
        data={"csrf_token": token, "cover_letter": "Hello from host A", "consent": "y"},
        files={"resume": ("Résumé 2026.pdf", resume, "application/pdf")},
    )
    assert applied.status_code == 302, applied.text
    application_id = int(re.fullmatch(r"/me/applications/(\d+)", applied.headers["Location"]).group(1))

    recruiter = Browser(traffic)
    assert recruiter.sign_in(b, world.admin_email, PASSWORD).status_code == 302
    downloads = [
        recruiter.get(b, f"/dashboard/applications/{application_id}/resume"),
        candidate.get(b, f"/me/applications/{application_id}/resume"),
        Browser(traffic, cookies=False).get(
            b, f"/api/v1/applications/{application_id}/resume", headers=_bearer(world.admin_token)
        ),
    ]
    for download in downloads:
        assert download.status_code == 200
        assert hashlib.sha256(download.content).digest() == hashlib.sha256(resume).digest()
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Length"] == str(len(resume))


def test_a_token_revoked_on_a_is_refused_on_b(hosts, world, traffic):
    a, b = hosts
    api = Browser(traffic, cookies=False)
    issued = api.post(a, "/api/v1/auth/token", json={"email": world.admin_email, "password": PASSWORD})
    assert issued.status_code == 200, issued.text
    access, refresh = issued.json()["access_token"], issued.json()["refresh_token"]
    assert api.get(b, "/api/v1/me", headers=_bearer(access)).status_code == 200
    assert api.post(a, "/api/v1/auth/revoke", headers=_bearer(access)).status_code == 204
    assert api.get(b, "/api/v1/me", headers=_bearer(access)).status_code == 401
    assert api.post(b, "/api/v1/auth/refresh", headers=_bearer(refresh)).status_code == 401


def test_signing_out_on_b_ends_the_session_on_a(hosts, world, traffic):
    a, b = hosts
    browser = Browser(traffic)
    assert browser.sign_in(a, world.admin_email, PASSWORD).status_code == 302
    token = browser.csrf(a, "/dashboard/")  # the sign-out form every page carries
    assert browser.post(b, "/auth/logout", data={"csrf_token": token}).status_code == 302
    after = browser.get(a, "/dashboard/")
    assert after.status_code == 302 and "/auth/login" in after.headers["Location"]


def test_failed_sign_ins_are_counted_across_hosts(hosts, traffic):
    """Alternating hosts, the limit is reached with at most half the attempts on each: one count."""
    a, b = hosts
    api = Browser(traffic, cookies=False)
    wrong = {"email": f"nobody-{uuid.uuid4().hex[:8]}@scaleout.example", "password": "wrong"}
    answers: list[tuple[WebHost, int]] = []
    for attempt in range(LOGIN_LIMIT + 1):
        host = (a, b)[attempt % 2]
        answers.append((host, api.post(host, "/api/v1/auth/token", json=wrong).status_code))
        if answers[-1][1] == 429:
            break
    statuses = [status for _host, status in answers]
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {401}, statuses
    for host in hosts:  # each host alone saw fewer attempts than the limit
        assert sum(1 for seen, _ in answers if seen is host) <= (LOGIN_LIMIT + 2) // 2 < LOGIN_LIMIT
    other = b if answers[-1][0] is a else a
    refused = api.post(other, "/api/v1/auth/token", json=wrong)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
