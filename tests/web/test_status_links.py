"""The dashboard's door onto private status links: who may revoke one or send a new one."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from tests.guests import apply_as_guest
from tests.web.conftest import csrf, login


def _status_mails() -> int:
    return db.session.scalar(select(func.count()).where(OutboxMessage.kind == "status_link"))


def test_hiring_managers_are_forbidden_and_other_companies_get_not_found(app, factory):
    acme, globex = factory.tenant(), factory.tenant()
    submission, token = apply_as_guest(acme["job"].id, email="gina@people.example")
    db.session.commit()
    page = f"/dashboard/applications/{submission.application.id}"
    for user, status in ((acme["hiring_manager"], 403), (globex["recruiter"], 404), (globex["admin"], 404)):
        client = app.test_client()
        login(client, user)
        form = {"csrf_token": csrf(client, "/dashboard/")}
        assert client.post(f"{page}/status-link/revoke", data=form).status_code == status, user.role
        assert client.post(f"{page}/status-link", data=form).status_code == status, user.role
    manager = app.test_client()
    login(manager, acme["hiring_manager"])
    assert "Revoke link" not in manager.get(page).get_data(as_text=True)  # no buttons for them either
    # Nothing changed: the link works and no new one was sent.
    assert app.test_client().get(f"/status/{token}").status_code == 200
    assert _status_mails() == 0
