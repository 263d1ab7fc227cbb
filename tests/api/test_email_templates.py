"""/api/v1/email-templates: read by staff, edited and reset by admins, previewed on the company's applications."""

from __future__ import annotations

import pytest

from app.mail.default_templates import DEFAULTS
from app.services import rejection_reasons
from tests.api.conftest import assert_problem

TEMPLATE = {
    "subject": "Next step at {{ company.name }}",
    "text_body": "Hi {{ candidate.first_name }},\n\nWe would like to meet you for {{ job.title }}.\n",
    "html_body": "<p>Hi {{ candidate.first_name }}, <b>{{ job.title }}</b></p>",
}


@pytest.fixture
def applied(world, factory):
    """An application of Ada to acme's job and one of Bob to globex's."""
    return {
        "acme": factory.application(world["ada"], world["acme"]["job"]),
        "globex": factory.application(world["bob"], world["globex"]["job"]),
    }


def _put(api, key, body, token, query=""):
    return api.request("PUT", f"/email-templates/{key}{query}", json=body, token=token)


def test_list_shows_every_event_the_merge_fields_and_which_are_custom(api, world, token):
    admin = token(world["acme"]["admin"])
    assert _put(api, "stage_interview", TEMPLATE, admin).status_code == 200
    body = api.get("/email-templates", token=token(world["acme"]["hiring_manager"])).get_json()
    keys = [item["key"] for item in body["templates"]]
    reasons = rejection_reasons.list_reasons(world["acme"]["admin"])
    assert keys[:6] == ["application_received", "stage_screening", "stage_interview", "stage_offer", "stage_hired",
                        "stage_rejected"]  # fmt: skip
    assert keys[6:] == [f"stage_rejected.reason_{reason.id}" for reason in reasons]
    by_key = {item["key"]: item for item in body["templates"]}
    assert by_key["stage_interview"]["custom"] is True and by_key["stage_interview"]["source"] == "custom"
    assert by_key["stage_interview"]["updated_by"]["id"] == world["acme"]["admin"].id
    assert by_key["stage_offer"]["source"] == "default" and by_key["stage_offer"]["updated_at"] is None
    assert by_key["stage_offer"]["subject"] == DEFAULTS["stage_offer"].subject
    names = {field["name"] for field in body["merge_fields"]}
    assert {"candidate.first_name", "job.title", "company.name", "stage.name", "status_link", "sender.name"} <= names
    # Another company sees none of it.
    theirs = api.get("/email-templates", token=token(world["globex"]["recruiter"])).get_json()
    assert {item["source"] for item in theirs["templates"]} == {"default"}
    assert not set(keys[6:]) & {item["key"] for item in theirs["templates"]}


def test_get_put_and_delete_one_template(api, world, token):
    admin = token(world["acme"]["admin"])
    saved = _put(api, "stage_offer", TEMPLATE, admin)
    assert saved.status_code == 200
    assert saved.get_json()["subject"] == TEMPLATE["subject"] and saved.get_json()["custom"] is True
    got = api.get("/email-templates/stage_offer", token=token(world["acme"]["recruiter"])).get_json()
    assert (got["text_body"], got["html_body"]) == (TEMPLATE["text_body"], TEMPLATE["html_body"])
    deleted = api.delete("/email-templates/stage_offer", token=admin)
    assert deleted.status_code == 204 and not deleted.data
    got = api.get("/email-templates/stage_offer", token=admin).get_json()
    assert got["source"] == "default" and got["text_body"] == DEFAULTS["stage_offer"].text


def test_a_template_per_language(api, world, token):
    admin = token(world["acme"]["admin"])
    german = {"subject": "Angebot: {{ job.title }}", "text_body": "Hallo {{ candidate.first_name }}"}
    assert _put(api, "stage_offer", german, admin, "?language=de").get_json()["language"] == "de"
    assert api.get("/email-templates/stage_offer?language=de", token=admin).get_json()["subject"] == german["subject"]
    assert api.get("/email-templates/stage_offer", token=admin).get_json()["source"] == "default"
    assert_problem(api.get("/email-templates/stage_offer?language=Deutsch!", token=admin), 422)


def test_save_refuses_an_unknown_field_a_syntax_error_and_an_escape_with_their_lines(api, world, token):
    body = {
        "subject": "Hi {{ candidate.first_name }",
        "text_body": "Hello,\n\n{{ candidate.age }}\n",
        "html_body": "<p>{{ cycler.__init__.__globals__ }}</p>",
    }
    problem = assert_problem(_put(api, "stage_offer", body, token(world["acme"]["admin"])), 422)
    assert problem["errors"] == {
        "subject": ["Line 1: unexpected '}'"],
        "text_body": ["Line 3: candidate.age is not a merge field."],
        "html_body": ["Line 1: cycler.__init__.__globals__ is not a merge field."],
    }
    assert api.get("/email-templates/stage_offer", token=token(world["acme"]["admin"])).get_json()["custom"] is False


def test_bad_bodies_are_problems(api, world, token):
    admin = token(world["acme"]["admin"])
    problem = assert_problem(_put(api, "stage_offer", {**TEMPLATE, "from": "x@evil.example"}, admin), 422)
    assert "from" in problem["errors"]
    assert "text_body" in assert_problem(_put(api, "stage_offer", {"subject": "S"}, admin), 422)["errors"]
    assert "subject" in assert_problem(_put(api, "stage_offer", {**TEMPLATE, "subject": "A\nB"}, admin), 422)["errors"]


def test_roles_and_tenancy(api, world, token):
    assert_problem(api.get("/email-templates"), 401)
    for who in ("recruiter", "hiring_manager"):
        assert_problem(_put(api, "stage_offer", TEMPLATE, token(world["acme"][who])), 403)
        assert_problem(api.delete("/email-templates/stage_offer", token=token(world["acme"][who])), 403)
        assert api.get("/email-templates/stage_offer", token=token(world["acme"][who])).status_code == 200
    assert_problem(api.get("/email-templates", token=token(world["ada"])), 404)  # candidates have no company
    assert_problem(_put(api, "stage_offer", TEMPLATE, token(world["ada"])), 404)
    reason = rejection_reasons.list_reasons(world["globex"]["admin"])[0]
    theirs = f"stage_rejected.reason_{reason.id}"
    admin = token(world["acme"]["admin"])
    assert_problem(api.get(f"/email-templates/{theirs}", token=admin), 404)
    assert_problem(_put(api, theirs, TEMPLATE, admin), 404)
    assert_problem(api.delete(f"/email-templates/{theirs}", token=admin), 404)
    assert_problem(api.get("/email-templates/password_reset", token=admin), 404)


def test_preview_renders_with_a_real_application(api, world, token, applied):
    admin = token(world["acme"]["admin"])
    _put(api, "stage_interview", TEMPLATE, admin)
    response = api.post(
        "/email-templates/stage_interview/preview",
        json={"application_id": applied["acme"].id},
        token=token(world["acme"]["hiring_manager"]),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["subject"] == f"Next step at {world['acme']['company'].name}"
    assert body["text"].startswith("Hi Ada,\n\nWe would like to meet you for")
    assert "<b>" + world["acme"]["job"].title + "</b>" in body["html"]
    draft = api.post(
        "/email-templates/stage_interview/preview",
        json={"application_id": applied["acme"].id, "subject": "{{ stage.name }}", "text_body": "{{ job.title }}"},
        token=admin,
    ).get_json()
    assert draft["subject"] == "Interview" and draft["text"].startswith(world["acme"]["job"].title)


def test_preview_of_another_companys_application_is_refused(api, world, token, applied):
    problem = assert_problem(
        api.post("/email-templates/stage_offer/preview", json={"application_id": applied["globex"].id},
                 token=token(world["acme"]["admin"])),
        422,
    )  # fmt: skip
    assert problem["errors"] == {"application_id": ["Not an application of your company."]}
    assert applied["globex"].candidate.full_name not in str(problem)
    missing = api.post("/email-templates/stage_offer/preview", json={}, token=token(world["acme"]["admin"]))
    assert "application_id" in assert_problem(missing, 422)["errors"]
    draft = {"application_id": applied["acme"].id, "subject": "S", "text_body": "{% for x in range(9) %}{% endfor %}"}
    bad = api.post("/email-templates/stage_offer/preview", json=draft, token=token(world["acme"]["admin"]))
    assert assert_problem(bad, 422)["errors"]["text_body"][0].startswith("Line 1: ")
