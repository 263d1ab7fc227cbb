"""Bulk `email`: one subject and body, merge fields per candidate, 500 applications within a fixed budget."""

from __future__ import annotations

from app.extensions import db
from app.models import Candidate, OutboxMessage
from tests import bulk
from tests.api.conftest import ApiClient, assert_problem
from tests.mail.conftest import work

EMAIL = {"action": "email", "subject": "News about {{ job.title }}", "body": "Dear {{ candidate.full_name }}, hello."}


def _run(api, who, ids, count_statements=None, **extra):
    payload = {**EMAIL, "ids": ids, **extra}
    db.session.remove()
    with count_statements() as log:
        response = api.post("/applications/bulk", json=payload, token=who)
    return response, log


def test_500_candidates_each_get_their_own_message_in_statements_per_chunk(
    mail_app, token, factory, smtp_server, count_statements
):
    acme, globex = factory.tenant(), factory.tenant()
    api = ApiClient(mail_app.test_client())
    job, title = acme["job"], acme["job"].title
    ids = bulk.applications(job.id, 500)
    (foreign,) = bulk.applications(globex["job"].id, 1)
    manager = token(acme["hiring_manager"])
    db.session.commit()
    assert api.get("/me", token=manager).status_code == 200  # steady state: the token blocklist is loaded
    hundred, hundred_log = _run(api, manager, [*ids[:99], foreign], count_statements)
    assert hundred.status_code == 200, hundred.get_json()
    assert hundred.get_json()["failed"] == [{"id": foreign, "code": "not_found",
                                             "detail": "That application was not found."}]  # fmt: skip
    response, log = _run(api, manager, ids, count_statements)
    assert response.status_code == 200
    assert len(response.get_json()["succeeded"]) == 500 and response.get_json()["failed"] == []
    # The caller, one SELECT per chunk of 100 applications, one INSERT of every message.
    assert log.count - hundred_log.count == 4, log.report()
    assert log.count <= 8, log.report()

    work(mail_app)  # the staff invitations, then every message: the real worker renders and sends them
    names = dict(db.session.execute(db.select(Candidate.email, Candidate.full_name)).all())
    received = [message for _sender, _rcpts, message in smtp_server.messages if "News about" in message["Subject"]]
    assert len(received) == 599
    for message in received[-5:]:
        address = message["To"].addresses[0].addr_spec
        assert str(message["Subject"]) == f"News about {title}"
        assert message["Reply-To"].addresses[0].addr_spec.startswith("reply+")
        text = message.get_body(("plain",)).get_content()
        assert text.startswith(f"Dear {names[address]}, hello.") and "replies reach the hiring team" in text
    db.session.expire_all()
    assert db.session.query(OutboxMessage).filter_by(kind="staff_message", status="sent").count() == 599


def test_bulk_email_problems_are_a_422_and_nothing_is_queued(api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])

    def run(who, **extra):
        return api.post("/applications/bulk", json={**EMAIL, "ids": [application.id], **extra}, token=who)

    problem = assert_problem(run(recruiter, body="{{ nope }}"), 422)
    assert problem["errors"]["body"][0].startswith("Line 1:")
    assert "subject" in assert_problem(run(recruiter, subject=None), 422)["errors"]
    assert "send_at" in assert_problem(run(recruiter, send_at="2099-01-01T00:00:00+00:00"), 422)["errors"]
    assert_problem(run(token(world["ada"])), 403)
    assert db.session.query(OutboxMessage).filter_by(kind="staff_message").count() == 0
