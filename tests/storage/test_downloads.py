"""Resumes kept in the database: uploaded through either door, downloaded through either door."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app import signals
from app.api.auth import issue_tokens
from app.extensions import db
from app.models import Application, Candidate, StoredFile
from tests.api.conftest import ApiClient, pdf_bytes
from tests.plugins.statements import APPLY_BUDGET, BUDGET
from tests.web.conftest import csrf, login

PDF = "application/pdf"


def _stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def _api_apply(client, candidate, job_id: int, data: bytes, filename: str = "My CV.pdf"):
    return ApiClient(client).post(
        f"/jobs/{job_id}/applications",
        token=issue_tokens(candidate)["access_token"],
        data={"resume": (io.BytesIO(data), filename), "cover_letter": "Hello", "consent": "true"},
        content_type="multipart/form-data",
    )


def _web_apply(client, job_id: int, data: bytes):
    token = csrf(client, f"/jobs/{job_id}")
    return client.post(
        f"/jobs/{job_id}/apply",
        data={"csrf_token": token, "cover_letter": "Hello", "consent": "y", "resume": (io.BytesIO(data), "cv.pdf")},
        content_type="multipart/form-data",
    )


def _assert_download(response, data: bytes, filename: str) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_data() == data
    assert response.mimetype == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Length"] == str(len(data))


def test_api_upload_lands_in_the_table_and_downloads_through_both_doors(app, client, factory):
    tenant, ada = factory.tenant(), factory.candidate()
    data = pdf_bytes("database resume") + bytes(range(256)) * 64
    response = _api_apply(client, ada, tenant["job"].id, data)
    assert response.status_code == 201, response.get_data(as_text=True)
    application = db.session.get(Application, response.get_json()["id"])
    row = db.session.get(StoredFile, application.resume_key)
    assert (row.size, row.content_type) == (len(data), PDF)
    assert list((app.config["UPLOAD_DIR"] and _files(app.config["UPLOAD_DIR"])) or []) == []

    api = ApiClient(app.test_client())
    recruiter_token = issue_tokens(tenant["recruiter"])["access_token"]
    _assert_download(api.get(f"/applications/{application.id}/resume", token=recruiter_token), data, "My CV.pdf")

    web = app.test_client()
    login(web, tenant["hiring_manager"])
    _assert_download(web.get(f"/dashboard/applications/{application.id}/resume"), data, "My CV.pdf")
    candidate_web = app.test_client()
    login(candidate_web, ada)
    _assert_download(candidate_web.get(f"/me/applications/{application.id}/resume"), data, "My CV.pdf")


def test_another_companys_staff_cannot_download(app, factory):
    tenant, other, ada = factory.tenant(), factory.tenant(), factory.candidate()
    response = _api_apply(app.test_client(), ada, tenant["job"].id, pdf_bytes())
    api = ApiClient(app.test_client())
    outsider = issue_tokens(other["recruiter"])["access_token"]
    assert api.get(f"/applications/{response.get_json()['id']}/resume", token=outsider).status_code == 404


def test_web_upload_lands_in_the_table(app, client, factory):
    tenant, cara = factory.tenant(), factory.candidate()
    login(client, cara)
    data = pdf_bytes("web resume")
    assert _web_apply(client, tenant["job"].id, data).status_code == 302
    application = db.session.scalar(
        select(Application)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Candidate.user_id == cara.id)
    )
    staff = app.test_client()
    login(staff, tenant["recruiter"])
    _assert_download(staff.get(f"/dashboard/applications/{application.id}/resume"), data, "cv.pdf")


def test_uploads_are_still_checked_by_content(app, client, factory):
    tenant, ada = factory.tenant(), factory.candidate()
    response = _api_apply(client, ada, tenant["job"].id, b"#!/bin/sh\necho hi\n", filename="cv.pdf")
    assert response.status_code == 422
    assert "resume" in response.get_json()["errors"]
    assert _stored_count() == 0


def test_a_request_that_fails_after_the_upload_leaves_no_row(app, client, factory):
    """The bytes are written in the request's transaction: a 500 rolls them back with the application."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True  # the traceback is logged; the test needs the outcome
    tenant, ada = factory.tenant(), factory.candidate()

    def fail(_application, **_kwargs):
        raise RuntimeError("a listener broke after the upload")

    with signals.application_submitted.connected_to(fail):
        response = _api_apply(client, ada, tenant["job"].id, pdf_bytes())
    assert response.status_code == 500
    db.session.remove()
    assert _stored_count() == 0
    assert db.session.scalar(select(func.count(Application.id))) == 0


def test_applying_twice_keeps_only_the_first_upload(app, client, factory):
    """The web door answers a repeated apply with a redirect (a committed request): the second upload is dropped."""
    tenant, cara = factory.tenant(), factory.candidate()
    login(client, cara)
    assert _web_apply(client, tenant["job"].id, pdf_bytes("first")).status_code == 302
    assert _web_apply(client, tenant["job"].id, pdf_bytes("second")).status_code == 302
    db.session.remove()
    assert _stored_count() == 1
    key = db.session.scalar(select(Application.resume_key))
    assert db.session.get(StoredFile, key) is not None


def test_a_missing_row_is_a_404_on_both_doors(app, factory):
    tenant, ada = factory.tenant(), factory.candidate()
    application_id = _api_apply(app.test_client(), ada, tenant["job"].id, pdf_bytes()).get_json()["id"]
    db.session.execute(StoredFile.__table__.delete())
    db.session.commit()
    api = ApiClient(app.test_client())
    response = api.get(
        f"/applications/{application_id}/resume", token=issue_tokens(tenant["recruiter"])["access_token"]
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    web = app.test_client()
    login(web, tenant["recruiter"])
    assert web.get(f"/dashboard/applications/{application_id}/resume").status_code == 404


@pytest.mark.parametrize("door", ["api", "dashboard"])
def test_a_download_reads_the_bytes_once_within_the_budget(app, factory, count_statements, door):
    tenant, ada = factory.tenant(), factory.candidate()
    data = pdf_bytes("budget")
    application_id = _api_apply(app.test_client(), ada, tenant["job"].id, data).get_json()["id"]
    client = app.test_client()
    headers = {}
    if door == "api":
        url = f"/api/v1/applications/{application_id}/resume"
        headers["Authorization"] = f"Bearer {issue_tokens(tenant['recruiter'])['access_token']}"
    else:
        url = f"/dashboard/applications/{application_id}/resume"
        login(client, tenant["recruiter"])
    db.session.remove()
    with count_statements() as log:
        response = client.get(url, headers=headers)
        body = response.get_data()
    response.close()
    assert response.status_code == 200 and body == data
    assert log.count <= BUDGET, log.report()
    reads = [sql for sql in log.statements if "stored_files" in sql]
    assert len(reads) == 1, log.report()


def test_an_apply_with_a_resume_stays_within_the_budget(app, factory, count_statements):
    tenant, ada = factory.tenant(), factory.candidate()
    client, job_id = app.test_client(), tenant["job"].id
    token = issue_tokens(ada)["access_token"]
    db.session.remove()
    with count_statements() as log:
        response = ApiClient(client).post(
            f"/jobs/{job_id}/applications",
            token=token,
            data={"resume": (io.BytesIO(pdf_bytes()), "cv.pdf"), "consent": "true"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert log.count <= APPLY_BUDGET, log.report()
    assert sum("INSERT INTO stored_files" in sql for sql in log.statements) == 1, log.report()


def _files(directory: str) -> list[str]:
    import os

    return os.listdir(directory) if os.path.isdir(directory) else []
