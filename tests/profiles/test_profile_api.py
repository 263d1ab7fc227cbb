"""GET/PATCH /api/v1/candidates/{id}: the profile, tenancy, roles, the version check, validation."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Candidate
from tests.api.conftest import assert_problem


def test_profile_shows_details_applications_history_and_resume(api, token, world, person):
    candidate_id, application_id = person
    body = api.get(f"/candidates/{candidate_id}", token=token(world["acme"]["hiring_manager"])).get_json()
    assert body["full_name"] == "Ada" and body["version"] == 1
    (line,) = body["applications"]
    assert line["id"] == application_id and line["job"]["title"] == world["acme"]["job"].title
    assert line["stage"] == "applied" and line["resume"] is None
    assert [h["to_stage"] for h in body["history"]] == ["applied"]
    assert body["tags"] == [] and body["pools"] == []


@pytest.mark.parametrize("who", ["admin", "recruiter", "hiring_manager"])
def test_another_company_sees_nothing(api, token, world, person, who):
    candidate_id, _ = person
    assert_problem(api.get(f"/candidates/{candidate_id}", token=token(world["globex"][who])), 404)
    assert_problem(api.patch(f"/candidates/{candidate_id}", token=token(world["globex"][who]),
                             json={"full_name": "X"}), 404)  # fmt: skip
    assert_problem(api.post(f"/candidates/{candidate_id}/tags", token=token(world["globex"][who]),
                            json={"name": "x"}), 404)  # fmt: skip


def test_candidates_themselves_get_404(api, token, world, person):
    candidate_id, _ = person
    assert_problem(api.get(f"/candidates/{candidate_id}", token=token(world["ada"])), 404)


def test_hiring_managers_read_but_do_not_edit(api, token, world, person):
    candidate_id, _ = person
    response = api.patch(f"/candidates/{candidate_id}", token=token(world["acme"]["hiring_manager"]),
                         json={"full_name": "Ada L"})  # fmt: skip
    assert_problem(response, 403)


def test_edit_with_version_and_stale_version_is_409(api, token, world, person):
    candidate_id, _ = person
    recruiter = token(world["acme"]["recruiter"])
    response = api.patch(
        f"/candidates/{candidate_id}",
        token=recruiter,
        json={"full_name": "Ada Lovelace", "phone": "+44 20 7946 0958", "location": "London", "version": 1,
              "links": {"github": "https://github.com/ada"}},
    )  # fmt: skip
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["full_name"] == "Ada Lovelace" and body["phone"] == "+442079460958"
    assert body["version"] == 2 and body["warnings"] == {}
    assert body["links"] == {"github": "https://github.com/ada"}
    stale = assert_problem(api.patch(f"/candidates/{candidate_id}", token=recruiter,
                                     json={"full_name": "Old", "version": 1}), 409)  # fmt: skip
    assert stale["version"] == 2
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id).full_name == "Ada Lovelace"


def test_phone_without_country_is_kept_as_typed_with_a_warning(api, token, world, person):
    candidate_id, _ = person
    body = api.patch(f"/candidates/{candidate_id}", token=token(world["acme"]["admin"]),
                     json={"phone": "030 1234567"}).get_json()  # fmt: skip
    assert body["phone"] == "030 1234567"
    assert "country code" in body["warnings"]["phone"][0]


def test_validation_messages_by_field(api, token, world, person):
    candidate_id, _ = person
    body = assert_problem(
        api.patch(f"/candidates/{candidate_id}", token=token(world["acme"]["recruiter"]),
                  json={"email": "not-an-email", "phone": "+1 12", "links": {"github": "ftp://x"}}),
        422,
    )  # fmt: skip
    assert set(body["errors"]) == {"email", "phone", "links.github"}
    assert_problem(api.patch(f"/candidates/{candidate_id}", token=token(world["acme"]["recruiter"]),
                             json={"shoe_size": 44}), 422)  # fmt: skip


def test_email_of_another_candidate_is_a_conflict(api, token, factory, world, person):
    candidate_id, _ = person
    factory.application(world["bob"], world["acme"]["job"])
    body = assert_problem(api.patch(f"/candidates/{candidate_id}", token=token(world["acme"]["recruiter"]),
                                    json={"email": world["bob"].email}), 409)  # fmt: skip
    assert "email" in body["errors"]
