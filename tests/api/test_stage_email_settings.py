"""Per-stage email settings and the company's default language through the API."""

from __future__ import annotations

from tests.api.conftest import assert_problem

STAGES = [
    {"key": "applied", "name": "Applied", "category": "applied"},
    {"key": "screen", "name": "Screen", "category": "screening", "email": False},
    {"key": "onsite", "name": "Onsite", "category": "interview", "email_template": "stage_offer",
     "email_delay_minutes": 45},
    {"key": "offer", "name": "Offer", "category": "offer"},
    {"key": "hired", "name": "Hired", "category": "hired"},
]  # fmt: skip


def test_a_templates_stages_keep_their_email_settings(api, world, token):
    admin = token(world["acme"]["admin"])
    response = api.post("/stage-templates", json={"name": "Mailing", "stages": STAGES}, token=admin)
    assert response.status_code == 201, response.get_json()
    stages = {stage["key"]: stage for stage in response.get_json()["stages"]}
    assert (stages["screen"]["email"], stages["screen"]["email_template"]) == (False, None)
    assert (stages["onsite"]["email_template"], stages["onsite"]["email_delay_minutes"]) == ("stage_offer", 45)
    assert (stages["offer"]["email"], stages["offer"]["email_delay_minutes"]) == (None, None)  # the default rule


def test_bad_email_settings_are_refused_by_field(api, world, token):
    admin = token(world["acme"]["admin"])
    for change, field in (
        ({"email": "yes"}, "email"),
        ({"email_template": "password_reset"}, "email_template"),
        ({"email_delay_minutes": -1}, "email_delay_minutes"),
        ({"email_delay_minutes": True}, "email_delay_minutes"),
    ):
        stages = [dict(STAGES[0]), {**STAGES[1], **change}, *STAGES[2:]]
        problem = assert_problem(api.post("/stage-templates", json={"name": "Bad", "stages": stages}, token=admin), 422)
        assert any(field in name for name in problem["errors"]), problem


def test_an_applied_stage_that_emails_names_its_template(api, world, token):
    admin = token(world["acme"]["admin"])
    stages = [{**STAGES[0], "email": True}, *STAGES[1:]]
    problem = assert_problem(api.post("/stage-templates", json={"name": "Odd", "stages": stages}, token=admin), 422)
    assert "stages.0.email_template" in problem["errors"]
    stages[0]["email_template"] = "application_received"
    assert api.post("/stage-templates", json={"name": "Odd", "stages": stages}, token=admin).status_code == 201


def test_the_company_default_language(api, world, token):
    company = world["acme"]["company"]
    path = f"/companies/{company.id}"
    assert api.get(path).get_json()["default_language"] == "en"
    response = api.patch(path, json={"default_language": "PT-BR"}, token=token(world["acme"]["admin"]))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["default_language"] == "pt-br"
    problem = assert_problem(
        api.patch(path, json={"default_language": "klingon!"}, token=token(world["acme"]["admin"])), 422
    )
    assert "default_language" in problem["errors"]
    assert_problem(api.patch(path, json={"default_language": "de"}, token=token(world["acme"]["recruiter"])), 403)
