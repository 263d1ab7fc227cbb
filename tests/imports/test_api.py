"""The import API: upload with preview and guessed mapping, confirm, status and report, tenancy, API keys."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Candidate
from app.services import api_keys, candidate_import_run
from tests.api.conftest import assert_problem
from tests.imports.conftest import csv_bytes


def upload(client, tok, data: bytes, **extra):
    files = {"file": (io.BytesIO(data), "people.csv"), **extra}
    return client.post("/candidate-imports", token=tok, data=files, content_type="multipart/form-data")


def test_upload_preview_confirm_run_and_report(api, token, world):
    recruiter = world["acme"]["recruiter"]
    tok = token(recruiter)
    data = csv_bytes(["Full name,E-mail,Notes", "Ada,ada@example.com,x", '"=HYPERLINK(""http://e"")",bad,y'])
    response = upload(api, tok, data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "uploaded" and body["header"] == ["Full name", "E-mail", "Notes"]
    assert body["mapping"] == {"full_name": "Full name", "email": "E-mail"}
    assert body["preview"] == [["Ada", "ada@example.com", "x"], ['=HYPERLINK("http://e")', "bad", "y"]]
    import_id = body["id"]
    assert api.get(f"/candidate-imports/{import_id}", token=tok).get_json()["preview"] == body["preview"]

    problem = assert_problem(
        api.post(f"/candidate-imports/{import_id}/confirm", token=tok, json={"mapping": {"full_name": "Full name"}}),
        422,
    )
    assert problem["detail"] == "Missing required columns: email."
    assert problem["errors"] == {"mapping.email": ["Required: choose the column holding the email."]}

    response = api.post(f"/candidate-imports/{import_id}/confirm", token=tok, json={"mapping": body["mapping"]})
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    assert_problem(api.post(f"/candidate-imports/{import_id}/confirm", token=tok, json={"mapping": {}}), 409)

    assert candidate_import_run.run(import_id) == "done"
    db.session.expire_all()
    body = api.get(f"/candidate-imports/{import_id}", token=tok).get_json()
    assert (body["status"], body["progress"], body["created"], body["skipped"]) == ("done", 100, 1, 1)
    assert [(r["line"], r["outcome"], r["reason"]) for r in body["report"]] == [
        (2, "created", ""), (3, "skipped", "Not a valid email address."),
    ]  # fmt: skip
    ada = db.session.scalars(select(Candidate)).one()
    assert body["report"][0]["candidate_id"] == ada.id

    response = api.get(f"/candidate-imports/{import_id}/report.csv", token=tok)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [
        ["line", "outcome", "reason", "candidate_id"],
        ["2", "created", "", str(ada.id)],
        ["3", "skipped", "Not a valid email address.", ""],
    ]
    listed = api.get("/candidate-imports", token=tok).get_json()
    assert [item["id"] for item in listed["items"]] == [import_id]


def test_an_import_failed_after_its_attempts_says_why(app, api, token, world):
    recruiter = world["acme"]["recruiter"]
    tok = token(recruiter)
    app.config["CANDIDATE_IMPORT_MAX_ATTEMPTS"] = 1
    body = upload(api, tok, csv_bytes(["Full name,E-mail", "Ada,ada@example.com"])).get_json()
    api.post(f"/candidate-imports/{body['id']}/confirm", token=tok, json={"mapping": body["mapping"]})
    assert candidate_import_run.failed_attempt(body["id"], RuntimeError()) == "failed"
    body = api.get(f"/candidate-imports/{body['id']}", token=tok).get_json()
    assert (body["status"], body["processed_rows"], body["report"]) == ("failed", 0, [])
    assert body["error"] == "Its run failed once (RuntimeError), so it is not retried."


def test_another_companys_import_is_not_found(api, token, world):
    tok = token(world["acme"]["recruiter"])
    import_id = upload(api, tok, csv_bytes(["name,email", "A,a@example.com"])).get_json()["id"]
    other = token(world["globex"]["admin"])
    assert_problem(api.get(f"/candidate-imports/{import_id}", token=other), 404)
    assert_problem(api.get(f"/candidate-imports/{import_id}/report.csv", token=other), 404)
    assert_problem(api.post(f"/candidate-imports/{import_id}/confirm", token=other, json={"mapping": {}}), 404)
    assert api.get("/candidate-imports", token=other).get_json()["items"] == []
    assert_problem(api.get(f"/candidate-imports/{import_id}", token=token(world["ada"])), 404)


def test_bad_uploads_are_problems(api, token, world):
    tok = token(world["acme"]["recruiter"])
    assert_problem(api.post("/candidate-imports", token=tok, data={}, content_type="multipart/form-data"), 422)
    problem = assert_problem(upload(api, tok, b"name,email\n\x81\x8d,\x90\n"), 422)
    assert problem["errors"] == {"file": [problem["detail"]]} and "CSV UTF-8" in problem["detail"]
    problem = assert_problem(upload(api, tok, csv_bytes(["a,b"]), resumes=(io.BytesIO(b"no"), "r.zip")), 422)
    assert problem["errors"] == {"file": ["The file has a header but no rows."]}
    problem = assert_problem(upload(api, tok, csv_bytes(["a,b", "1,2"]), resumes=(io.BytesIO(b"no"), "r.zip")), 422)
    assert problem["errors"] == {"resumes": ["The resumes file is not a ZIP archive."]}
    assert_problem(upload(api, token(world["acme"]["hiring_manager"]), csv_bytes(["a,b", "1,2"])), 403)
    body = upload(api, tok, csv_bytes(["a,b", "1,2"])).get_json()
    problem = assert_problem(
        api.post(f"/candidate-imports/{body['id']}/confirm", token=tok, json={"mapping": [], "x": 1}), 422
    )
    assert "x" in problem["errors"]


@pytest.mark.parametrize(("scopes", "upload_status", "read_status"), [
    (["candidates:write", "candidates:read"], 201, 200), (["candidates:read"], 403, 200), (["jobs:read"], 403, 403),
])  # fmt: skip
def test_api_keys_need_the_candidates_scopes(api, world, scopes, upload_status, read_status):
    admin = world["acme"]["admin"]
    made = api_keys.create_key(admin, name="sync", scopes=scopes)
    db.session.commit()
    response = upload(api, made.secret, csv_bytes(["name,email", "A,a@example.com"]))
    assert response.status_code == upload_status
    assert api.get("/candidate-imports", token=made.secret).status_code == read_status


def test_only_the_import_upload_may_exceed_max_content_length(app, api, token, world):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    tok = token(world["acme"]["recruiter"])
    big = csv_bytes(["name,email"] + [f"Person {n},p{n}@example.com" for n in range(200)])
    assert len(big) > 4000
    assert upload(api, tok, big).status_code == 201
    app.config["CANDIDATE_IMPORT_MAX_BYTES"] = 3000
    problem = assert_problem(upload(api, tok, big), 422)
    assert problem["detail"] == "The file is larger than 2 KB; split it."
    other = api.post("/jobs", token=tok, json={"title": "x" * 3000})
    assert other.status_code == 413
