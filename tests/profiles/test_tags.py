"""Tags: the vocabulary, tagging by name, bulk add/remove within a fixed number of statements."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Application, CandidateTag, Tag, User
from app.services import bulk
from tests import bulk as rows
from tests.api.conftest import assert_problem


def test_create_list_rename_delete(api, token, world):
    admin = token(world["acme"]["admin"])
    made = api.post("/tags", token=admin, json={"name": "Python", "colour": "#1A7F37"})
    assert made.status_code == 201 and made.get_json()["colour"] == "#1a7f37"
    tag_id = made.get_json()["id"]
    assert_problem(api.post("/tags", token=admin, json={"name": "  pYTHON "}), 409)
    api.post("/tags", token=admin, json={"name": "Go"})
    assert [t["name"] for t in api.get("/tags", token=token(world["acme"]["hiring_manager"])).get_json()["tags"]] == [
        "Go",
        "Python",
    ]
    assert api.get("/tags", token=token(world["globex"]["admin"])).get_json()["tags"] == []
    assert_problem(api.patch(f"/tags/{tag_id}", token=admin, json={"name": "go"}), 409)
    assert api.patch(f"/tags/{tag_id}", token=admin, json={"name": "Python 3"}).get_json()["name"] == "Python 3"
    assert_problem(api.patch(f"/tags/{tag_id}", token=token(world["globex"]["admin"]), json={"name": "x"}), 404)
    assert_problem(api.delete(f"/tags/{tag_id}", token=token(world["acme"]["hiring_manager"])), 403)
    assert_problem(api.post("/tags", token=admin, json={"name": "x", "colour": "red"}), 422)
    assert api.delete(f"/tags/{tag_id}", token=admin).status_code == 204


def test_tag_a_candidate_by_name(api, token, world, person):
    candidate_id, _ = person
    recruiter = token(world["acme"]["recruiter"])
    manager = token(world["acme"]["hiring_manager"])
    first = api.post(f"/candidates/{candidate_id}/tags", token=recruiter, json={"name": "Senior"})
    assert first.status_code == 201
    # Another case is the same tag; tagging twice changes nothing.
    again = api.post(f"/candidates/{candidate_id}/tags", token=manager, json={"name": "SENIOR"})
    assert again.get_json()["id"] == first.get_json()["id"]
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1
    # A hiring manager cannot make up a new tag.
    assert_problem(api.post(f"/candidates/{candidate_id}/tags", token=manager, json={"name": "Rockstar"}), 403)
    profile = api.get(f"/candidates/{candidate_id}", token=manager).get_json()
    assert [t["name"] for t in profile["tags"]] == ["Senior"]
    assert api.delete(f"/candidates/{candidate_id}/tags?name=senior", token=manager).status_code == 204
    assert api.get(f"/candidates/{candidate_id}", token=manager).get_json()["tags"] == []
    assert_problem(api.delete(f"/candidates/{candidate_id}/tags?name=nope", token=manager), 404)


def test_bulk_add_and_remove_for_500_in_fixed_statements(api, token, factory, count_statements):
    tenant = factory.tenant()
    ids = rows.applications(tenant["job"].id, 500)
    recruiter_id = tenant["recruiter"].id
    db.session.commit()
    logs = []
    for action in ("add_tag", "remove_tag"):
        db.session.expunge_all()
        actor = db.session.get(User, recruiter_id)
        with count_statements() as log:
            result = bulk.run(actor, action=action, items=ids, tag="Shortlist")
        assert len(result.succeeded) == 500 and not result.failed
        logs.append(log)
        db.session.commit()
        if action == "add_tag":
            assert db.session.scalar(select(func.count()).select_from(CandidateTag)) == 500
    # The tag's look-up (and its creation), then per chunk of 100 one SELECT and one INSERT or DELETE.
    assert logs[0].count == 3 + 5 * 2, logs[0].report()
    assert logs[1].count == 1 + 5 * 2, logs[1].report()
    assert db.session.scalar(select(func.count()).select_from(CandidateTag)) == 0


def test_bulk_tag_through_the_api_and_other_companies(api, token, world, factory):
    ids = rows.applications(world["acme"]["job"].id, 3)
    foreign = rows.applications(world["globex"]["job"].id, 1)
    body = api.post("/applications/bulk", token=token(world["acme"]["hiring_manager"]),
                    json={"action": "add_tag", "ids": ids, "tag": "x"})  # fmt: skip
    assert_problem(body, 403)  # hiring managers pick existing tags only
    body = api.post("/applications/bulk", token=token(world["acme"]["recruiter"]),
                    json={"action": "add_tag", "ids": [*ids, *foreign], "tag": "Later"}).get_json()  # fmt: skip
    assert [item["id"] for item in body["succeeded"]] == ids
    assert [(item["id"], item["code"]) for item in body["failed"]] == [(foreign[0], "not_found")]
    candidate = db.session.get(Application, ids[0]).candidate_id
    tagged = api.get(f"/candidates/{candidate}", token=token(world["acme"]["hiring_manager"])).get_json()
    assert [t["name"] for t in tagged["tags"]] == ["Later"]


def test_counts_merge_and_usage_stay_in_the_company(factory):
    from app.errors import ValidationFailed
    from app.services import tags

    acme, globex = factory.tenant(), factory.tenant()
    recruiter = acme["recruiter"]
    one = factory.application(factory.candidate(), acme["job"]).candidate_id
    two = factory.application(factory.candidate(), acme["job"]).candidate_id
    tags.tag_candidate(recruiter, one, "Golang")
    tags.tag_candidate(recruiter, two, "Golang")
    tags.tag_candidate(recruiter, one, "Go")
    tags.create_tag(recruiter, name="Unused")
    rival = tags.create_tag(globex["recruiter"], name="Go")
    db.session.flush()
    counts = {tag.name: n for tag, n in tags.list_with_counts(recruiter)}
    assert counts == {"Go": 1, "Golang": 2, "Unused": 0}
    golang, go = tags.find(recruiter.company_id, "golang"), tags.find(recruiter.company_id, "go")
    assert tags.usage(recruiter, golang.id)[1] == 2
    with pytest.raises(NotFound):
        tags.usage(recruiter, rival.id)
    with pytest.raises(ValidationFailed):
        tags.merge_tag(recruiter, golang.id, golang.id)
    with pytest.raises(ValidationFailed):
        tags.merge_tag(recruiter, golang.id, rival.id)  # another company's tag
    with pytest.raises(Forbidden):
        tags.merge_tag(acme["hiring_manager"], golang.id, go.id)
    kept = tags.merge_tag(recruiter, golang.id, go.id)
    assert kept.id == go.id
    # Candidate one carried both: one row, not two.
    assert {tag.name: n for tag, n in tags.list_with_counts(recruiter)} == {"Go": 2, "Unused": 0}
    assert {tag.name: n for tag, n in tags.list_with_counts(globex["recruiter"])} == {"Go": 0}


def test_merge_through_the_api(api, token, world, person):
    candidate_id, _ = person
    recruiter = token(world["acme"]["recruiter"])
    api.post(f"/candidates/{candidate_id}/tags", token=recruiter, json={"name": "Golang"})
    kept = api.post("/tags", token=recruiter, json={"name": "Go"}).get_json()
    golang = next(t for t in api.get("/tags", token=recruiter).get_json()["tags"] if t["name"] == "Golang")
    assert_problem(api.post(f"/tags/{golang['id']}/merge", token=recruiter, json={"into": golang["id"]}), 422)
    assert_problem(api.post(f"/tags/{golang['id']}/merge", token=recruiter, json={"into": "x"}), 422)
    assert_problem(api.post(f"/tags/{golang['id']}/merge", token=recruiter, json={"into": 1, "x": 1}), 422)
    manager = token(world["acme"]["hiring_manager"])
    assert_problem(api.post(f"/tags/{golang['id']}/merge", token=manager, json={"into": kept["id"]}), 403)
    rival = token(world["globex"]["admin"])
    assert_problem(api.post(f"/tags/{golang['id']}/merge", token=rival, json={"into": kept["id"]}), 404)
    merged = api.post(f"/tags/{golang['id']}/merge", token=recruiter, json={"into": kept["id"]})
    assert merged.status_code == 200 and merged.get_json() == kept
    profile = api.get(f"/candidates/{candidate_id}", token=recruiter).get_json()
    assert [t["name"] for t in profile["tags"]] == ["Go"]
