"""POST /api/v1/applications/bulk and its undo: what went through, what did not and why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, OutboxMessage, StageChange
from app.services import rejection_reasons
from tests import bulk as rows
from tests.api.conftest import ApiClient, assert_problem


def _bulk(api, access, **body):
    return api.post("/applications/bulk", json=body, token=access)


def _stages(ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Application.id, Application.stage).where(Application.id.in_(ids))).all())


def test_a_recruiter_moves_many_and_hears_what_did_not_go_through(api, world, token):
    acme, globex = world["acme"], world["globex"]
    ids = rows.applications(acme["job"].id, 3)
    (late,) = rows.applications(acme["job"].id, 1, stage="offer")
    (foreign,) = rows.applications(globex["job"].id, 1)
    access = token(acme["recruiter"])

    response = _bulk(api, access, action="move", ids=[*ids, late, foreign], to="screening", note="Batch")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert len(body["batch_id"]) == 32
    assert body["succeeded"] == [{"id": i, "stage": "screening", "version": 2} for i in ids]
    assert body["failed"] == [
        {"id": late, "code": "illegal", "current_stage": "offer", "allowed": ["hired", "rejected", "withdrawn"],
         "detail": "Cannot move from offer to screening; allowed from offer: hired, rejected, withdrawn."},
        {"id": foreign, "code": "not_found", "detail": "That application was not found."},
    ]  # fmt: skip
    assert _stages([*ids, late, foreign]) == {**dict.fromkeys(ids, "screening"), late: "offer", foreign: "applied"}
    history = api.get(f"/applications/{ids[0]}/history", token=access).get_json()
    assert [(h["from_stage"], h["to_stage"], h["note"]) for h in history][-1] == ("applied", "screening", "Batch")
    changes = db.session.scalars(select(StageChange.id).where(StageChange.batch_id == body["batch_id"])).all()
    emails = db.session.scalars(select(OutboxMessage.stage_change_id).where(OutboxMessage.kind == "stage_screening"))
    assert sorted(emails) == sorted(changes) and len(changes) == 3  # one email per application


def test_versions_read_earlier_are_checked_one_by_one(api, world, token):
    acme = world["acme"]
    fresh, stale = rows.applications(acme["job"].id, 2)
    access = token(acme["admin"])
    items = [{"id": fresh, "version": 1}, {"id": stale, "version": 5}]
    body = _bulk(api, access, action="move", applications=items, to="screening").get_json()
    assert body["succeeded"] == [{"id": fresh, "stage": "screening", "version": 2}]
    assert body["failed"] == [
        {"id": stale, "code": "stale", "current_stage": "applied", "version": 1,
         "detail": "The application changed meanwhile; reload it and try again."}
    ]  # fmt: skip


def test_a_stage_another_job_does_not_have_is_invalid_for_its_applications(api, world, token, factory):
    acme = world["acme"]
    custom = factory.job(
        acme["recruiter"],
        pipeline=[
            {"name": "Applied", "category": "applied"},
            {"key": "phone", "name": "Phone", "category": "screening"},
            {"name": "Offer", "category": "offer"},
            {"name": "Hired", "category": "hired"},
        ],
    )
    (standard,) = rows.applications(acme["job"].id, 1)
    (own,) = rows.applications(custom.id, 1)
    body = _bulk(api, token(acme["recruiter"]), action="move", ids=[standard, own], to="phone").get_json()
    assert body["succeeded"] == [{"id": own, "stage": "phone", "version": 2}]
    (failed,) = body["failed"]
    assert (failed["id"], failed["code"], failed["current_stage"]) == (standard, "invalid", "applied")


def test_only_recruiters_and_admins_move_but_hiring_managers_add_notes(api, world, token):
    acme = world["acme"]
    ids = rows.applications(acme["job"].id, 2)
    manager = token(acme["hiring_manager"])
    assert_problem(_bulk(api, manager, action="move", ids=ids, to="screening"), 403)
    assert_problem(_bulk(api, manager, action="reject", ids=ids, reason="No"), 403)
    assert_problem(_bulk(api, token(world["ada"]), action="note", ids=ids, note="Hi"), 403)
    assert_problem(_bulk(api, None, action="note", ids=ids, note="Hi"), 401)
    response = _bulk(api, manager, action="note", ids=ids, note="Met them")
    assert response.status_code == 200
    assert response.get_json() == {
        "batch_id": None, "succeeded": [{"id": i, "stage": "applied", "version": 1} for i in ids], "failed": []
    }  # fmt: skip
    notes = api.get(f"/applications/{ids[1]}/notes", token=manager).get_json()
    assert [n["body"] for n in notes] == ["Met them"]
    assert _stages(ids) == dict.fromkeys(ids, "applied")


def test_another_companys_staff_changes_nothing(api, world, token):
    ids = rows.applications(world["acme"]["job"].id, 2)
    body = _bulk(api, token(world["globex"]["admin"]), action="reject", ids=ids, reason="No").get_json()
    assert body["succeeded"] == [] and [f["code"] for f in body["failed"]] == ["not_found", "not_found"]
    assert _stages(ids) == dict.fromkeys(ids, "applied")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "archive", "ids": [1]}, "action"),
        ({"ids": [1], "to": "screening"}, "action"),
        ({"action": "move", "to": "screening"}, "ids"),
        ({"action": "move", "ids": [], "to": "screening"}, "ids"),
        ({"action": "move", "ids": [1], "applications": [{"id": 1, "version": 1}], "to": "screening"}, "ids"),
        ({"action": "move", "ids": [1, 1], "to": "screening"}, "ids"),
        ({"action": "move", "applications": [{"id": 1, "version": 1}] * 2, "to": "screening"}, "applications"),
        ({"action": "move", "applications": [{"id": 1}], "to": "screening"}, "applications"),
        ({"action": "move", "ids": ["1"], "to": "screening"}, "ids"),
        ({"action": "move", "ids": [2_147_483_648], "to": "screening"}, "ids"),
        ({"action": "move", "ids": [1]}, "to"),
        ({"action": "move", "ids": [1], "to": "Not a key"}, "to"),
        ({"action": "reject", "ids": [1]}, "reason"),
        ({"action": "reject", "ids": [1], "reason_id": 2_000_000_000}, "reason_id"),
        ({"action": "note", "ids": [1]}, "note"),
        ({"action": "move", "ids": [1], "to": "screening", "stage": "x"}, "stage"),
    ],
)
def test_bad_input_is_a_422_and_nothing_is_done(api, world, token, body, field):
    (app_id,) = rows.applications(world["acme"]["job"].id, 1)
    body = {key: _with_id(value, app_id) for key, value in body.items()}
    problem = assert_problem(_bulk(api, token(world["acme"]["recruiter"]), **body), 422)
    assert field in {key.split(".")[0] for key in problem["errors"]}, problem
    assert _stages([app_id]) == {app_id: "applied"}


def _with_id(value, app_id: int):
    if isinstance(value, list):
        return [_with_id(item, app_id) for item in value]
    if isinstance(value, dict):
        return {**value, "id": app_id} if value.get("id") == 1 else value
    return app_id if type(value) is int and value == 1 else value


def test_more_than_bulk_max_is_refused(app, api, world, token):
    ids = rows.applications(world["acme"]["job"].id, 3)
    app.config["BULK_MAX"] = 2
    problem = assert_problem(_bulk(api, token(world["acme"]["recruiter"]), action="move", ids=ids, to="screening"), 422)
    assert problem["errors"] == {"ids": ["At most 2 applications at once; 3 were given."]}
    items = [{"id": i, "version": 1} for i in ids]
    problem = assert_problem(
        _bulk(api, token(world["acme"]["recruiter"]), action="move", applications=items, to="screening"), 422
    )
    assert list(problem["errors"]) == ["applications"]
    assert _stages(ids) == dict.fromkeys(ids, "applied")


def test_a_bulk_reject_is_undone_as_one_action(redis_app, factory, token):
    """With Redis the emails wait for the worker, so the rejection can still be taken back."""
    acme = factory.tenant()
    api = ApiClient(redis_app.test_client())
    recruiter = token(acme["recruiter"])
    ids = rows.applications(acme["job"].id, 3) + rows.applications(acme["job"].id, 1, stage="interview")
    before = _stages(ids)
    reason = rejection_reasons.list_reasons(acme["recruiter"])[1]
    db.session.commit()
    response = _bulk(api, recruiter, action="reject", ids=ids, reason_id=reason.id, note="Not now")
    assert response.status_code == 200, response.get_json()
    batch_id = response.get_json()["batch_id"]
    assert _stages(ids) == dict.fromkeys(ids, "rejected")
    history = api.get(f"/applications/{ids[0]}/history", token=recruiter).get_json()
    assert history[-1]["reason"] == reason.label and history[-1]["note"] == "Not now"

    assert_problem(api.post(f"/applications/bulk/{batch_id}/undo", token=token(acme["admin"])), 403)
    assert_problem(api.post(f"/applications/bulk/{batch_id}/undo", token=token(acme["hiring_manager"])), 403)
    assert_problem(api.post(f"/applications/bulk/{'0' * 32}/undo", token=recruiter), 404)
    assert_problem(api.post("/applications/bulk/nope/undo", token=recruiter), 404)
    response = api.post(f"/applications/bulk/{batch_id}/undo", token=recruiter)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["failed"] == [] and body["batch_id"] != batch_id
    assert body["succeeded"] == [{"id": i, "stage": before[i], "version": _version(i)} for i in ids]
    db.session.expire_all()
    assert _stages(ids) == before
    history = api.get(f"/applications/{ids[0]}/history", token=recruiter).get_json()
    assert [(h["from_stage"], h["to_stage"]) for h in history[-2:]] == [
        ("applied", "rejected"),
        ("rejected", "applied"),
    ]
    assert history[-1]["undo_of"] == history[-2]["id"]
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "stage_rejected")).all()
    assert statuses == ["cancelled"] * 4  # none of the rejections reached anyone
    again = api.post(f"/applications/bulk/{batch_id}/undo", token=recruiter).get_json()
    assert again["succeeded"] == [] and {f["code"] for f in again["failed"]} == {"not_undoable"}


def _version(app_id: int) -> int:
    return db.session.scalar(select(Application.version).where(Application.id == app_id))


def test_the_openapi_document_describes_bulk_actions(api):
    spec = api.get("/openapi.json").get_json()
    post = spec["paths"]["/api/v1/applications/bulk"]["post"]
    assert {"200", "403", "422"} <= set(post["responses"])
    assert "requestBody" in post and post["summary"]
    assert "/api/v1/applications/bulk/{batch_id}/undo" in spec["paths"]
