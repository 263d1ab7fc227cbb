"""The import pages: upload, preview and mapping, confirm, progress and report; the worker runs it with Redis."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate, CandidateImport
from app.services import candidate_import_run
from tests.imports.conftest import PDF, csv_bytes, zip_bytes
from tests.web.conftest import csrf, login, post


def upload(client, data: bytes, resumes: bytes | None = None):
    files = {"file": (io.BytesIO(data), "people.csv")}
    if resumes is not None:
        files["resumes"] = (io.BytesIO(resumes), "cvs.zip")
    return post(client, "/dashboard/candidates/imports", files, content_type="multipart/form-data")


def test_upload_preview_map_confirm_and_report(client, factory):
    t = factory.tenant()
    assert login(client, t["recruiter"]).status_code == 302
    assert 'href="/dashboard/candidates/imports"' in client.get("/dashboard/candidates").get_data(as_text=True)
    page = client.get("/dashboard/candidates/imports")
    assert page.status_code == 200 and "No imports yet." in page.get_data(as_text=True)

    data = csv_bytes(["Who,Mail address,Phone number", '"<b>Ada</b>",ada@example.com,+44 20 7946 0000',
                      "=HYPERLINK(1),formula@example.com,"])  # fmt: skip
    response = upload(client, data)
    assert response.status_code == 302
    row = db.session.scalars(select(CandidateImport)).one()
    html = client.get(response.location).get_data(as_text=True)
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html and "<b>Ada</b>" not in html  # the preview is escaped
    assert '<option value="Phone number" selected>' in html
    # "Who" is not a name the guess knows: confirming as guessed names the missing column.
    response = post(client, f"/dashboard/candidates/imports/{row.id}/confirm",
                    {"map_email": "Mail address", "map_phone": "Phone number"})  # fmt: skip
    assert response.status_code == 422
    assert "Missing required columns: name." in response.get_data(as_text=True)
    response = post(client, f"/dashboard/candidates/imports/{row.id}/confirm",
                    {"map_full_name": "Who", "map_email": "Mail address", "map_phone": "Phone number"})  # fmt: skip
    assert response.status_code == 302
    assert 'http-equiv="refresh"' in client.get(response.location).get_data(as_text=True)
    assert candidate_import_run.run(row.id) == "done"
    html = client.get(f"/dashboard/candidates/imports/{row.id}").get_data(as_text=True)
    assert "2 created · 0 skipped" in html and "100%" in html
    report = client.get(f"/dashboard/candidates/imports/{row.id}/report.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert report.get_data(as_text=True).splitlines()[0] == "line,outcome,reason,candidate_id"
    names = set(db.session.scalars(select(Candidate.full_name)))
    assert names == {"<b>Ada</b>", "=HYPERLINK(1)"}  # stored as typed: plain text
    exported = client.get("/dashboard/candidates/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in exported  # and quoted in every CSV download


def test_a_refused_file_says_why_on_the_page(client, factory):
    t = factory.tenant()
    login(client, t["admin"])
    response = upload(client, b"Name;Email\r\n\x81\x8d;\x90\r\n")
    assert response.status_code == 422
    assert "neither UTF-8 nor Windows-1252" in response.get_data(as_text=True)
    assert db.session.scalars(select(CandidateImport)).all() == []


def test_a_failing_run_shows_its_retry_then_how_far_it_got(client, factory, app):
    t = factory.tenant()
    app.config["CANDIDATE_IMPORT_MAX_ATTEMPTS"] = 2
    login(client, t["recruiter"])
    upload(client, csv_bytes(["name,email", "A,a@example.com", "B,b@example.com"]))
    row = db.session.scalars(select(CandidateImport)).one()
    assert post(client, f"/dashboard/candidates/imports/{row.id}/confirm",
                {"map_full_name": "name", "map_email": "email"}).status_code == 302  # fmt: skip
    assert candidate_import_run.failed_attempt(row.id, RuntimeError()) == "retry"
    html = client.get(f"/dashboard/candidates/imports/{row.id}").get_data(as_text=True)
    assert "Attempt 1 of 2 failed (RuntimeError); it is tried again in 10 minutes." in html
    assert "alert-danger" not in html
    row.total_rows, row.processed_rows = 2, 1  # as if its first batch was committed
    db.session.commit()
    assert candidate_import_run.failed_attempt(row.id, RuntimeError()) == "failed"
    html = client.get(f"/dashboard/candidates/imports/{row.id}").get_data(as_text=True)
    assert "Nothing was imported" not in html
    assert "Its run failed 2 times (RuntimeError), so it is not retried. 1 of 2 rows were done" in html
    assert 'http-equiv="refresh"' not in html


def test_other_companies_and_hiring_managers(client, factory):
    t, other = factory.tenant(), factory.tenant()
    login(client, t["recruiter"])
    upload(client, csv_bytes(["name,email", "A,a@example.com"]))
    row = db.session.scalars(select(CandidateImport)).one()
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(client, other["recruiter"])
    assert client.get(f"/dashboard/candidates/imports/{row.id}").status_code == 404
    assert client.get(f"/dashboard/candidates/imports/{row.id}/report.csv").status_code == 404
    assert post(client, f"/dashboard/candidates/imports/{row.id}/confirm", {"map_email": "email"}).status_code == 404
    assert f"/dashboard/candidates/imports/{row.id}" not in client.get("/dashboard/candidates/imports").get_data(
        as_text=True
    )
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(client, t["hiring_manager"])
    assert 'id="import-upload"' not in client.get("/dashboard/candidates/imports").get_data(as_text=True)
    assert upload(client, csv_bytes(["name,email", "A,a@example.com"])).status_code == 403


@pytest.mark.redis
def test_the_worker_runs_the_import_with_resumes(make_app, factory, redis_url, redis_prefix):
    from rq import Queue

    from app.mail.worker import make_worker
    from app.redis_client import redis_client
    from app.search.queue import queue_name

    app = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with app.app_context():
        Queue(queue_name(app), connection=redis_client(app)).empty()
        t = factory.tenant()
        client = app.test_client()
        login(client, t["recruiter"])
        data = csv_bytes(["name,email,job,resume", f"Ada,ada@example.com,{t['job'].id},ada.pdf"])
        assert upload(client, data, zip_bytes({"ada.pdf": PDF})).status_code == 302
        row = db.session.scalars(select(CandidateImport)).one()
        post(client, f"/dashboard/candidates/imports/{row.id}/confirm",
             {"map_full_name": "name", "map_email": "email", "map_job": "job", "map_resume": "resume"})  # fmt: skip
        make_worker(app).work(burst=True)
        db.session.expire_all()
        done = db.session.get(CandidateImport, row.id)
        assert (done.status, done.created_count, done.file_key, done.resumes_key) == ("done", 1, None, None)
        application = db.session.scalars(select(Application)).one()
        assert application.resume_filename == "ada.pdf" and application.source == "import"
        db.session.remove()
