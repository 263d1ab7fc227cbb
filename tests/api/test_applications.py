"""Applying, lists, the application view, resumes and notes."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.models import Application
from tests.api.conftest import ApiClient, assert_problem, docx_bytes, pdf_bytes


def _multipart(resume: bytes | None, filename="cv.pdf", **fields):
    data = dict(fields)
    if resume is not None:
        data["resume"] = (io.BytesIO(resume), filename)
    return {"data": data, "content_type": "multipart/form-data"}


def _count(db) -> int:
    return db.session.scalar(select(func.count(Application.id)))


# --- applying ---------------------------------------------------------------------------------


def test_apply_with_json(api, world, token):
    job = world["acme"]["job"]
    response = api.post(
        f"/jobs/{job.id}/applications", json={"cover_letter": "Hi", "consent": True}, token=token(world["ada"])
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["stage"] == "applied" and body["cover_letter"] == "Hi" and body["resume"] is None
    assert body["job"]["id"] == job.id and body["candidate"]["email"] == world["ada"].email
    assert body["source"] == "api" and body["origin"]["utm_source"] is None
    assert body["allowed_transitions"] == ["withdrawn"]
    assert [h["to_stage"] for h in body["history"]] == ["applied"]


def test_apply_without_a_body_lacks_consent(api, world, token, db):
    problem = assert_problem(api.post(f"/jobs/{world['acme']['job'].id}/applications", token=token(world["ada"])), 422)
    assert list(problem["errors"]) == ["consent"]
    assert _count(db) == 0


def test_apply_with_a_pdf_and_a_docx(api, world, token, app):
    ada, bob = world["ada"], world["bob"]
    job = world["acme"]["job"]
    response = api.post(
        f"/jobs/{job.id}/applications",
        token=token(ada),
        **_multipart(pdf_bytes(), "../../etc/My CV.pdf", cover_letter="PDF", consent="true"),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["resume"] == {"filename": "My CV.pdf", "content_type": "application/pdf", "size": len(pdf_bytes())}
    assert body["cover_letter"] == "PDF"
    # A DOCX named .pdf is a DOCX: the content decides.
    response = api.post(
        f"/jobs/{job.id}/applications", token=token(bob), **_multipart(docx_bytes(), "resume.pdf", consent="on")
    )
    assert response.status_code == 201
    resume = response.get_json()["resume"]
    assert resume["content_type"].endswith("wordprocessingml.document") and resume["filename"] == "resume.docx"


def test_apply_refuses_files_that_are_not_resumes(api, world, token, db):
    job = world["acme"]["job"]
    for data in (b"#!/bin/sh\necho hi\n", b"PK\x03\x04 not a zip", b""):
        response = api.post(f"/jobs/{job.id}/applications", token=token(world["ada"]), **_multipart(data, "cv.pdf"))
        problem = assert_problem(response, 422)
        assert "resume" in problem["errors"]
    assert _count(db) == 0


def test_apply_resume_size_limits(app_with):
    from app.extensions import db
    from tests.factories import Factory

    app = app_with(RESUME_MAX_BYTES=1024, MAX_CONTENT_LENGTH=4096)
    api = ApiClient(app.test_client())
    factory = Factory()
    tenant, ada = factory.tenant(), factory.candidate()
    from app.api.auth import issue_tokens

    access = issue_tokens(ada)["access_token"]
    path = f"/jobs/{tenant['job'].id}/applications"
    problem = assert_problem(api.post(path, token=access, **_multipart(pdf_bytes("x" * 2000))), 422)
    assert "resume" in problem["errors"]
    problem = assert_problem(api.post(path, token=access, **_multipart(pdf_bytes("x" * 5000))), 413)
    assert problem["type"] == "/problems/payload-too-large"
    assert_problem(api.post(path, token=access, json={"cover_letter": "x" * 5000}), 413)
    assert _count(db) == 0


def test_apply_body_shape(api, world, token):
    path = f"/jobs/{world['acme']['job'].id}/applications"
    ada = token(world["ada"])
    problem = assert_problem(api.post(path, token=ada, json={"cover_letter": "x", "stage": "hired"}), 422)
    assert problem["errors"] == {"stage": ["Unknown field."]}
    assert_problem(api.post(path, token=ada, json={"cover_letter": 5}), 422)
    assert_problem(api.post(path, token=ada, json=["x"]), 422)
    problem = assert_problem(api.post(path, token=ada, **_multipart(pdf_bytes(), extra="1")), 422)
    assert problem["errors"] == {"extra": ["Unknown field."]}
    text_resume = {"data": {"resume": "text, not a file"}, "content_type": "multipart/form-data"}
    problem = assert_problem(api.post(path, token=ada, **text_resume), 422)
    assert "resume" in problem["errors"]
    assert_problem(api.post(path, token=ada, data="{bad json", content_type="application/json"), 400)
    assert_problem(api.post(path, token=ada, data="cover_letter=hi", content_type="text/plain"), 415)
    for content_type in ("multipart/form-data", "multipart/form-data; boundary=xyz"):
        problem = assert_problem(api.post(path, token=ada, data=b"garbage", content_type=content_type), 400)
        assert "multipart" in problem["detail"]
    assert api.get("/applications", token=ada).get_json()["items"] == []


def test_apply_rules(api, world, token, factory, db):
    acme, globex = world["acme"], world["globex"]
    job = acme["job"]
    path = f"/jobs/{job.id}/applications"
    problem = assert_problem(api.post(path, json={}), 422)  # a guest: who, consent and a resume are missing
    assert {"full_name", "email", "consent", "resume"} <= set(problem["errors"])
    assert_problem(api.post(path, json={}, token=token(acme["hiring_manager"])), 403)  # cannot add people
    for role in ("admin", "recruiter"):
        problem = assert_problem(api.post(path, json={}, token=token(acme[role])), 422)  # adding: who and how
        assert {"full_name", "source"} <= set(problem["errors"])
    for role in ("admin", "recruiter", "hiring_manager"):
        assert_problem(api.post(path, json={}, token=token(globex[role])), 403)
    agreed = {"consent": True}
    assert api.post(path, json=agreed, token=token(world["ada"])).status_code == 201
    problem = assert_problem(api.post(path, json=agreed, token=token(world["ada"])), 409)
    assert "already applied" in problem["detail"]
    closed = factory.job(acme["recruiter"], status="closed")
    assert_problem(api.post(f"/jobs/{closed.id}/applications", json=agreed, token=token(world["bob"])), 409)
    draft = factory.job(acme["recruiter"], status="draft")
    assert_problem(api.post(f"/jobs/{draft.id}/applications", json={}, token=token(world["bob"])), 404)
    assert_problem(api.post("/jobs/999999/applications", json={}, token=token(world["bob"])), 404)
    assert _count(db) == 1


# --- lists ---------------------------------------------------------------------------------------


def test_lists_are_scoped(api, world, token, factory):
    acme, globex = world["acme"], world["globex"]
    ada, bob = world["ada"], world["bob"]
    a1 = factory.application(ada, acme["job"])
    a2 = factory.application(bob, acme["job"])
    g1 = factory.application(ada, globex["job"])
    ids = lambda resp: [a["id"] for a in resp.get_json()["items"]]  # noqa: E731
    assert ids(api.get("/applications", token=token(ada))) == [g1.id, a1.id]
    assert ids(api.get("/applications", token=token(bob))) == [a2.id]
    for role in ("admin", "recruiter", "hiring_manager"):
        assert ids(api.get("/applications", token=token(acme[role]))) == [a2.id, a1.id]
    assert ids(api.get("/applications", token=token(globex["recruiter"]))) == [g1.id]
    assert ids(api.get(f"/applications?job_id={acme['job'].id}", token=token(ada))) == [a1.id]
    assert ids(api.get(f"/jobs/{acme['job'].id}/applications", token=token(acme["hiring_manager"]))) == [a2.id, a1.id]
    assert ids(api.get(f"/jobs/{acme['job'].id}/applications?stage=screening", token=token(acme["admin"]))) == []
    assert_problem(api.get(f"/jobs/{acme['job'].id}/applications", token=token(globex["admin"])), 403)
    assert_problem(api.get(f"/jobs/{acme['job'].id}/applications", token=token(ada)), 403)
    draft = factory.job(acme["recruiter"], status="draft")
    assert_problem(api.get(f"/jobs/{draft.id}/applications", token=token(globex["admin"])), 404)
    assert_problem(api.get(f"/applications?job_id={draft.id}", token=token(globex["admin"])), 404)
    assert_problem(api.get("/applications?stage=done", token=token(ada)), 422)
    assert_problem(api.get("/applications?stages=applied", token=token(ada)), 422)
    assert_problem(api.get("/applications"), 401)
    body = api.get("/applications", token=token(ada)).get_json()["items"][0]
    assert body["job"]["company"]["id"] == globex["company"].id and body["candidate"]["email"] == ada.email


def test_application_list_pages(api, world, token, factory):
    acme = world["acme"]
    made = [factory.application(factory.candidate(), acme["job"]).id for _ in range(3)]
    first = api.get("/applications?limit=2", token=token(acme["admin"]))
    body = first.get_json()
    assert [a["id"] for a in body["items"]] == made[::-1][:2]
    second = api.get(f"/applications?limit=2&cursor={body['next_cursor']}", token=token(acme["admin"])).get_json()
    assert [a["id"] for a in second["items"]] == [made[0]] and second["next_cursor"] is None
    assert 'rel="next"' in first.headers["Link"]


# --- one application ------------------------------------------------------------------------------


def test_detail_visibility_and_allowed_transitions(api, world, token, factory):
    acme, globex = world["acme"], world["globex"]
    application = factory.application(world["ada"], acme["job"])
    path = f"/applications/{application.id}"
    expected = {
        "admin": ["screening", "rejected"],
        "recruiter": ["screening", "rejected"],
        "hiring_manager": [],
    }
    for role, moves in expected.items():
        body = api.get(path, token=token(acme[role])).get_json()
        assert body["allowed_transitions"] == moves and body["version"] == 1
    assert api.get(path, token=token(world["ada"])).get_json()["allowed_transitions"] == ["withdrawn"]
    for outsider in (globex["admin"], globex["recruiter"], world["bob"]):
        assert_problem(api.get(path, token=token(outsider)), 404)
    assert_problem(api.get("/applications/999999", token=token(acme["admin"])), 404)


def test_history_hides_staff_notes_from_the_candidate(api, world, token, factory):
    acme = world["acme"]
    application = factory.application(world["ada"], acme["job"])
    path = f"/applications/{application.id}"
    recruiter = token(acme["recruiter"])
    api.post(f"{path}/transitions", json={"to": "screening", "note": "strong CV"}, token=recruiter)
    api.post(f"{path}/transitions", json={"to": "rejected", "reason": "salary too high"}, token=recruiter)
    staff_view = api.get(f"{path}/history", token=token(acme["hiring_manager"])).get_json()
    assert [(h["from_stage"], h["to_stage"]) for h in staff_view] == [
        (None, "applied"),
        ("applied", "screening"),
        ("screening", "rejected"),
    ]
    assert staff_view[1]["note"] == "strong CV" and staff_view[2]["reason"] == "salary too high"
    assert staff_view[1]["actor"] == {"id": acme["recruiter"].id, "full_name": acme["recruiter"].full_name}
    candidate_view = api.get(f"{path}/history", token=token(world["ada"])).get_json()
    assert [h["to_stage"] for h in candidate_view] == ["applied", "screening", "rejected"]
    assert all(h["note"] is None and h["reason"] is None for h in candidate_view)
    detail = api.get(path, token=token(world["ada"])).get_json()
    assert "strong CV" not in str(detail) and "salary" not in str(detail)
    assert_problem(api.get(f"{path}/history", token=token(world["globex"]["admin"])), 404)
    assert_problem(api.get(f"{path}/history", token=token(world["bob"])), 404)


# --- resume ------------------------------------------------------------------------------------------


def test_resume_download(api, world, token):
    acme, globex = world["acme"], world["globex"]
    created = api.post(
        f"/jobs/{acme['job'].id}/applications",
        token=token(world["ada"]),
        **_multipart(pdf_bytes("ada"), "Ada CV.pdf", consent="true"),
    ).get_json()
    path = f"/applications/{created['id']}/resume"
    for who in (world["ada"], acme["admin"], acme["recruiter"], acme["hiring_manager"]):
        response = api.get(path, token=token(who))
        assert response.status_code == 200
        assert response.data == pdf_bytes("ada")
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "Ada CV.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
    for outsider in (globex["admin"], world["bob"]):
        assert_problem(api.get(path, token=token(outsider)), 404)
    assert_problem(api.get(path), 401)


def test_resume_missing(api, world, token, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    problem = assert_problem(api.get(f"/applications/{application.id}/resume", token=token(world["ada"])), 404)
    assert "no resume" in problem["detail"]


# --- notes -------------------------------------------------------------------------------------------------


def test_notes_are_for_company_staff_only(api, world, token, factory):
    acme, globex = world["acme"], world["globex"]
    application = factory.application(world["ada"], acme["job"])
    path = f"/applications/{application.id}/notes"
    response = api.post(path, json={"body": "Great portfolio"}, token=token(acme["hiring_manager"]))
    assert response.status_code == 201
    note = response.get_json()
    assert note["author"]["id"] == acme["hiring_manager"].id and note["body"] == "Great portfolio"
    api.post(path, json={"body": "Agreed"}, token=token(acme["recruiter"]))
    listed = api.get(path, token=token(acme["admin"])).get_json()
    assert [n["body"] for n in listed] == ["Great portfolio", "Agreed"]
    for outsider in (world["ada"], world["bob"], globex["admin"], globex["hiring_manager"]):
        assert_problem(api.get(path, token=token(outsider)), 404)
        assert_problem(api.post(path, json={"body": "x"}, token=token(outsider)), 404)
    assert "Great portfolio" not in api.get(f"/applications/{application.id}", token=token(world["ada"])).get_data(
        as_text=True
    )
    assert_problem(api.post(path, json={"body": "  "}, token=token(acme["admin"])), 422)
    assert_problem(api.post(path, json={}, token=token(acme["admin"])), 422)
    assert_problem(api.post(path, json={"body": "x", "author_id": 1}, token=token(acme["admin"])), 422)


def test_a_jobs_list_pages_by_stage(api, world, token, factory):
    """A job's list for its staff, with and without a stage, first page and after a cursor."""
    acme = world["acme"]
    job, admin = acme["job"], token(acme["admin"])
    made = [factory.application(factory.candidate(), job).id for _ in range(4)]
    for moved in (made[0], made[2]):
        assert api.post(f"/applications/{moved}/transitions", json={"to": "screening"}, token=admin).status_code == 200
    first = api.get(f"/jobs/{job.id}/applications?stage=screening&limit=1", token=admin).get_json()
    assert [a["id"] for a in first["items"]] == [made[2]] and first["items"][0]["stage"] == "screening"
    rest = api.get(f"/jobs/{job.id}/applications?stage=screening&limit=1&cursor={first['next_cursor']}", token=admin)
    assert [a["id"] for a in rest.get_json()["items"]] == [made[0]] and rest.get_json()["next_cursor"] is None
    page = api.get(f"/jobs/{job.id}/applications?limit=3", token=admin).get_json()
    assert [a["id"] for a in page["items"]] == made[::-1][:3]
    last = api.get(f"/jobs/{job.id}/applications?limit=3&cursor={page['next_cursor']}", token=admin).get_json()
    assert [a["id"] for a in last["items"]] == [made[0]] and last["next_cursor"] is None
    assert last["items"][0]["job"]["id"] == job.id and last["items"][0]["candidate"]["email"]
    assert_problem(api.get(f"/jobs/{job.id}/applications?stage=nope", token=admin), 422)
    assert_problem(api.get(f"/jobs/{job.id}/applications?cursor=bm9wZQ", token=admin), 422)
    assert_problem(api.get(f"/jobs/{job.id}/applications?limit=0", token=admin), 422)
