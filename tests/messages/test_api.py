"""POST/GET /applications/{id}/messages, cancelling, and GET /applications/{id}/activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.mail.backends import sent_messages
from app.models import OutboxMessage
from app.services import applications
from tests.api.conftest import assert_problem

BODY = "Hello {{ candidate.first_name }},\n\nThanks for applying to {{ job.title }}.\n"


def _write(api, token, application_id: int, **fields):
    payload = {"subject": "About {{ job.title }}", "body": BODY, **fields}
    return api.post(f"/applications/{application_id}/messages", json=payload, token=token)


def test_staff_write_and_the_message_goes_out_with_merge_fields(app, api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    job = world["acme"]["job"]
    before = len(sent_messages(app))
    for who in ("admin", "recruiter", "hiring_manager"):
        response = _write(api, token(world["acme"][who]), application.id)
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["subject"] == f"About {job.title}" and body["kind"] == "staff_message"
        assert body["sent_by"]["id"] == world["acme"][who].id and body["status"] in ("pending", "sent")
    emails = sent_messages(app)[before:]
    assert len(emails) == 3
    text = emails[0].get_body(("plain",)).get_content()
    assert text.startswith(f"Hello Ada,\n\nThanks for applying to {job.title}.")
    assert "replies reach the hiring team" not in text  # no reply domain configured: no reply address

    listed = api.get(f"/applications/{application.id}/messages?limit=2", token=token(world["acme"]["hiring_manager"]))
    page = listed.get_json()
    assert [item["status"] for item in page["items"]] == ["sent", "sent"]
    assert page["items"][0]["text_body"].startswith("Hello Ada") and page["next_cursor"]
    rest = api.get(f"/applications/{application.id}/messages?cursor={page['next_cursor']}",
                   token=token(world["acme"]["admin"])).get_json()  # fmt: skip
    kinds = [item["kind"] for item in rest["items"]]
    assert kinds == ["staff_message", "application_received"] and rest["next_cursor"] is None


def test_template_problems_are_422_with_their_line(api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    admin = token(world["acme"]["admin"])
    bad = _write(api, admin, application.id, body="Hi\n{{ candidate.salary }}\n{{ 10 ** 10 }}")
    problem = assert_problem(bad, 422)
    assert any(message.startswith("Line 2:") for message in problem["errors"]["body"])
    assert any(message.startswith("Line 3:") for message in problem["errors"]["body"])
    assert "body" in assert_problem(_write(api, admin, application.id, body=" "), 422)["errors"]
    assert "subject" in assert_problem(_write(api, admin, application.id, subject="{% if %}"), 422)["errors"]
    assert "subject" in assert_problem(_write(api, admin, application.id, subject="a\nb"), 422)["errors"]
    assert "send_at" in assert_problem(_write(api, admin, application.id, send_at="2030-01-01T10:00:00"), 422)["errors"]
    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    assert "send_at" in assert_problem(_write(api, admin, application.id, send_at=far), 422)["errors"]
    assert_problem(_write(api, admin, application.id, cc="x@example.com"), 422)
    assert db.session.query(OutboxMessage).filter_by(kind="staff_message").count() == 0


def test_other_companies_and_candidates_cannot_write_or_read(api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    for outsider in (world["globex"]["admin"], world["globex"]["recruiter"], world["ada"], world["bob"]):
        assert_problem(_write(api, token(outsider), application.id), 404)
        assert_problem(api.get(f"/applications/{application.id}/messages", token=token(outsider)), 404)
        assert_problem(api.get(f"/applications/{application.id}/activity", token=token(outsider)), 404)
    assert_problem(_write(api, token(world["acme"]["admin"]), 999999), 404)
    assert _write(api, None, application.id).status_code == 401


def test_a_delayed_message_waits_and_can_be_cancelled_or_sent_now(app, api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = token(world["acme"]["recruiter"])
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    first = _write(api, recruiter, application.id, send_at=later).get_json()
    second = _write(api, recruiter, application.id, send_at=later).get_json()
    assert first["status"] == "waiting" and first["due_at"]
    before = len(sent_messages(app))
    base = f"/applications/{application.id}/messages"
    assert_problem(api.post(f"{base}/{first['id']}/cancel", token=token(world["globex"]["admin"])), 404)
    cancelled = api.post(f"{base}/{first['id']}/cancel", token=recruiter)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert_problem(api.post(f"{base}/{first['id']}/cancel", token=recruiter), 409)
    now = api.post(f"{base}/{second['id']}/send-now", token=token(world["acme"]["hiring_manager"]))
    assert now.status_code == 200
    assert len(sent_messages(app)) == before + 1  # only the one sent now went out
    statuses = {item["id"]: item["status"] for item in api.get(base, token=recruiter).get_json()["items"]}
    assert statuses[first["id"]] == "cancelled" and statuses[second["id"]] == "sent"


def test_activity_merges_every_source_newest_first_and_pages_without_gaps(api, token, world, factory):
    application = factory.application(world["ada"], world["acme"]["job"])
    recruiter = world["acme"]["recruiter"]
    applications.add_note(recruiter, application.id, "<script>first</script>")
    applications.move_stage(recruiter, application.id, "screening", note="Looks good")
    db.session.commit()
    assert _write(api, token(recruiter), application.id).status_code == 201
    applications.add_note(recruiter, application.id, "second")
    db.session.commit()

    manager = token(world["acme"]["hiring_manager"])
    whole = api.get(f"/applications/{application.id}/activity?limit=100", token=manager).get_json()["items"]
    kinds = [item["kind"] for item in whole]
    assert kinds.count("move") == 2 and kinds.count("note") == 2 and kinds.count("email") == 3
    assert whole[0]["kind"] == "note" and whole[0]["body"] == "second"
    keys = [(item["at"], item["kind"], item["id"]) for item in whole]
    assert keys == sorted(keys, reverse=True)
    moved = next(item for item in whole if item["kind"] == "move" and item["to_stage"] == "screening")
    assert moved["from_stage"] == "applied" and moved["by"] == recruiter.full_name and moved["note"] == "Looks good"

    paged, cursor = [], None
    while True:
        url = f"/applications/{application.id}/activity?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, token=manager).get_json()
        assert len(body["items"]) <= 2
        paged += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == whole
    assert_problem(api.get(f"/applications/{application.id}/activity?cursor=bogus", token=manager), 422)
