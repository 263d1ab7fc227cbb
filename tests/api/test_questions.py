"""The questions API, the public application form, and answers through the API."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ApplicationAnswer
from tests.api.conftest import assert_problem, pdf_bytes

PERMIT = {
    "kind": "yes_no",
    "label": "Do you have a work permit?",
    "required": True,
    "knockout": {"op": "is", "value": False},
}
YEARS = {
    "kind": "number",
    "label": "Years of experience",
    "help_text": "Whole years.",
    "knockout": {"op": "below", "value": 2},
}
LANGS = {"kind": "multiple_choice", "label": "Languages", "options": ["Python", "Go", "Rust"]}


def _put(api, job_id: int, items: list, token: str):
    return api.request("PUT", f"/jobs/{job_id}/questions", json={"questions": items}, token=token)


@pytest.fixture
def asked(api, world, token):
    """The acme job with three questions, set by its recruiter."""
    job = world["acme"]["job"]
    response = _put(api, job.id, [PERMIT, YEARS, LANGS], token(world["acme"]["recruiter"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    return {question["label"]: question for question in response.get_json()["questions"]}


def test_put_replaces_the_ordered_list_and_get_reads_it(api, world, token, asked):
    job = world["acme"]["job"]
    permit, years = asked["Do you have a work permit?"], asked["Years of experience"]
    assert permit["knockout"] == {"op": "is", "value": False} and permit["knockout_text"] == "Answer is No"
    assert years["help_text"] == "Whole years." and asked["Languages"]["options"] == ["Python", "Go", "Rust"]
    admin = token(world["acme"]["admin"])
    response = _put(
        api, job.id, [{"id": years["id"], **YEARS, "required": True}, {"id": permit["id"], **PERMIT}], admin
    )
    assert response.status_code == 200
    listed = api.get(f"/jobs/{job.id}/questions", token=token(world["acme"]["hiring_manager"])).get_json()
    assert [(q["id"], q["required"]) for q in listed["questions"]] == [(years["id"], True), (permit["id"], True)]
    assert _put(api, job.id, [], admin).get_json() == {"questions": []}


def test_who_may_read_and_edit_questions(api, world, token, asked):
    job = world["acme"]["job"]
    path = f"/jobs/{job.id}/questions"
    assert_problem(api.get(path), 401)
    problem = assert_problem(_put(api, job.id, [], token(world["acme"]["hiring_manager"])), 403)
    assert "questions" in problem["detail"]
    for outsider in (world["globex"]["recruiter"], world["globex"]["admin"], world["ada"]):
        assert_problem(api.get(path, token=token(outsider)), 404)
        assert_problem(_put(api, job.id, [], token(outsider)), 404)
    assert len(api.get(path, token=token(world["acme"]["recruiter"])).get_json()["questions"]) == 3


def test_put_refuses_bad_questions_with_field_errors(api, world, token, asked):
    job = world["acme"]["job"]
    recruiter = token(world["acme"]["recruiter"])
    problem = assert_problem(_put(api, job.id, [{"kind": "essay", "label": "x" * 301, "colour": 1}], recruiter), 422)
    assert set(problem["errors"]) == {"questions.0.kind", "questions.0.label", "questions.0.colour"}
    bad = [
        {"kind": "single_choice", "label": "Pick", "options": []},
        {"kind": "short_text", "label": "Name", "knockout": {"op": "is", "value": True}},
        {"kind": "number", "label": "Years", "knockout": {"op": "below", "value": "two"}},
        {"id": world["globex"]["job"].id + 10_000, "kind": "date", "label": "When"},
    ]
    problem = assert_problem(_put(api, job.id, bad, recruiter), 422)
    assert set(problem["errors"]) == {
        "questions.0.options",
        "questions.1.knockout",
        "questions.2.knockout",
        "questions.3.id",
    }
    assert_problem(_put(api, job.id, [LANGS] * 51, recruiter), 422)
    assert len(api.get(f"/jobs/{job.id}/questions", token=recruiter).get_json()["questions"]) == 3


def test_the_public_form_lists_fields_and_questions_without_knockout_rules(api, world, asked):
    job = world["acme"]["job"]
    response = api.get(f"/jobs/{job.id}/form")
    assert response.status_code == 200
    form = response.get_json()
    assert form["job"]["id"] == job.id and form["job"]["company"]["slug"] == world["acme"]["company"].slug
    assert [field["name"] for field in form["fields"]] == [
        "full_name",
        "email",
        "phone",
        "resume",
        "cover_letter",
        "consent",
    ]
    assert [q["label"] for q in form["questions"]] == list(asked)
    assert all("knockout" not in q and "knockout_text" not in q for q in form["questions"])
    assert "Answer is" not in response.get_data(as_text=True)
    assert_problem(api.get("/jobs/999999/form"), 404)


def test_the_public_form_is_kept_for_anonymous_callers_and_fresh_after_an_edit(
    redis_app, world, token, count_statements
):
    from tests.api.conftest import ApiClient

    api = ApiClient(redis_app.test_client())
    job_id = world["acme"]["job"].id
    first = api.get(f"/jobs/{job_id}/form")
    assert first.get_json()["questions"] == []
    with count_statements() as log:
        assert api.get(f"/jobs/{job_id}/form").get_data() == first.get_data()
    assert log.count == 0, log.report()
    assert _put(api, job_id, [YEARS], token(world["acme"]["recruiter"])).status_code == 200
    assert [q["label"] for q in api.get(f"/jobs/{job_id}/form").get_json()["questions"]] == ["Years of experience"]


def test_apply_with_answers_flags_for_staff_only_and_rejects_nothing(api, world, token, asked):
    job = world["acme"]["job"]
    permit, years, langs = (asked[label]["id"] for label in asked)
    ada = token(world["ada"])
    answers = {str(permit): False, str(years): 1, str(langs): ["Rust", "Python"]}
    response = api.post(f"/jobs/{job.id}/applications", json={"consent": True, "answers": answers}, token=ada)
    assert response.status_code == 201, response.get_data(as_text=True)
    mine = response.get_json()
    assert mine["stage"] == "applied" and mine["flagged"] is False
    assert [(a["question_id"], a["value"], a["flag"]) for a in mine["answers"]] == [
        (permit, False, None),
        (years, 1, None),
        (langs, ["Python", "Rust"], None),
    ]
    assert api.get(f"/applications/{mine['id']}", token=ada).get_json()["answers"] == mine["answers"]
    staff = api.get(f"/applications/{mine['id']}", token=token(world["acme"]["hiring_manager"])).get_json()
    assert staff["flagged"] is True
    assert [a["flag"] for a in staff["answers"]] == ["Answer is No", "Answer is below 2", None]
    assert staff["answers"][0]["label"] == "Do you have a work permit?" and staff["answers"][0]["kind"] == "yes_no"


def test_apply_refuses_bad_answers_and_writes_nothing(api, world, token, asked):
    job = world["acme"]["job"]
    permit, years, langs = (asked[label]["id"] for label in asked)
    path = f"/jobs/{job.id}/applications"
    ada = token(world["ada"])
    problem = assert_problem(
        api.post(
            path,
            json={"consent": True, "answers": {str(years): "ten", str(langs): ["Cobol"], "999999": "x"}},
            token=ada,
        ),
        422,
    )
    assert problem["errors"] == {
        "answers.999999": ["Not a question of this job."],
        f"answers.{permit}": ["This question is required."],
        f"answers.{years}": ["Must be a number."],
        f"answers.{langs}": ["Choose only from the options."],
    }
    problem = assert_problem(api.post(path, json={"consent": True, "answers": ["not", "an", "object"]}, token=ada), 422)
    assert "answers" in problem["errors"]
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert db.session.scalar(select(func.count()).select_from(ApplicationAnswer)) == 0


def _multipart(**fields):
    return {"data": fields, "content_type": "multipart/form-data"}


def test_apply_multipart_takes_answers_as_a_json_field(api, world, token, asked):
    import io

    job = world["acme"]["job"]
    permit = asked["Do you have a work permit?"]["id"]
    path = f"/jobs/{job.id}/applications"
    ada = token(world["ada"])
    problem = assert_problem(api.post(path, token=ada, **_multipart(consent="true", answers="{not json")), 422)
    assert problem["errors"] == {"answers": ["Must be a JSON object."]}
    body = _multipart(
        consent="true", answers=json.dumps({str(permit): True}), resume=(io.BytesIO(pdf_bytes()), "cv.pdf")
    )
    response = api.post(path, token=ada, **body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["resume"]["filename"] == "cv.pdf"
    assert [(a["question_id"], a["value"]) for a in created["answers"]] == [(permit, True)]


def test_lists_filter_flagged_applications_for_staff_only(api, world, token, factory, asked):
    job = world["acme"]["job"]
    permit = asked["Do you have a work permit?"]["id"]
    path = f"/jobs/{job.id}/applications"
    flagged = api.post(
        path, json={"consent": True, "answers": {str(permit): False}}, token=token(world["ada"])
    ).get_json()
    api.post(path, json={"consent": True, "answers": {str(permit): True}}, token=token(world["bob"]))
    recruiter = token(world["acme"]["recruiter"])
    assert len(api.get(path, token=recruiter).get_json()["items"]) == 2
    for url in (f"{path}?flagged=true", "/applications?flagged=true", f"/applications?job_id={job.id}&flagged=true"):
        assert [a["id"] for a in api.get(url, token=recruiter).get_json()["items"]] == [flagged["id"]], url
    assert len(api.get(f"{path}?flagged=false", token=recruiter).get_json()["items"]) == 2
    globex = token(world["globex"]["recruiter"])
    assert api.get("/applications?flagged=true", token=globex).get_json()["items"] == []
    assert_problem(api.get("/applications?flagged=true", token=token(world["ada"])), 403)
