"""Staff views of candidate profiles go into the audit log when AUDIT_PROFILE_VIEWS is on, and not otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services import retention
from tests.web.conftest import login


def _views() -> list[tuple[str, str, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.actor_label, AuditEvent.actor_id).where(
            AuditEvent.action == "candidate.viewed"
        )
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("on", [True, False])
def test_profile_views_are_recorded_only_when_asked(app, factory, client, api, token, world, on):
    app.config["AUDIT_PROFILE_VIEWS"] = on
    acme = world["acme"]
    application = factory.application(world["ada"], acme["job"])
    candidate_id = application.candidate_id
    login(client, acme["hiring_manager"])
    assert client.get(f"/dashboard/candidates/{candidate_id}").status_code == 200
    assert api.get(f"/candidates/{candidate_id}", token=token(acme["recruiter"])).status_code == 200
    assert api.get(f"/candidates/{candidate_id}", token=token(world["globex"]["admin"])).status_code == 404
    expected = [
        (str(candidate_id), acme["hiring_manager"].email, acme["hiring_manager"].id),
        (str(candidate_id), acme["recruiter"].email, acme["recruiter"].id),
    ]
    assert sorted(_views()) == (sorted(expected) if on else [])


def test_the_new_actions_can_be_filtered_on(api, token, world):
    admin = world["acme"]["admin"]
    retention.set_policy(admin, retention_days=30)
    db.session.commit()
    listed = api.get("/audit-events", token=token(admin), query_string={"action": "retention.policy_changed"})
    assert listed.status_code == 200
    assert [e["action"] for e in listed.get_json()["items"]] == ["retention.policy_changed"]
