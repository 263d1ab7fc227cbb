"""The board's bulk bar: email the ticked candidates (merge fields per candidate), hiring managers included."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.backends import sent_messages
from app.models import OutboxMessage
from tests.web.conftest import post
from tests.web.test_board_bulk import _bulk, _people


def test_a_hiring_manager_emails_the_ticked_candidates_each_by_name(world, as_user, factory, app):
    ids = _people(factory, world.job, ["Ann One", "Ben Two"])
    client = as_user(world.hiring_manager)
    html = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert 'name="action" value="email"' in html and 'name="subject"' in html
    before = len(sent_messages(app))
    response = _bulk(client, world.job.id, [*ids, world.other_application.id], action="email",
                     subject="Hello {{ candidate.first_name }}", body="About {{ job.title }}")  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your email to the candidates of 2 applications is on its way." in page
    assert "That application was not found." in page  # the other company's, listed
    subjects = sorted(str(email["Subject"]) for email in sent_messages(app)[before:])
    assert subjects == ["Hello Ann", "Hello Ben"]


def test_a_broken_template_is_reported_and_nothing_is_sent(world, as_user):
    client = as_user(world.recruiter)
    response = _bulk(client, world.job.id, [world.application.id], action="email", subject="Hi", body="{{ 1 + 1 }}")
    assert response.status_code == 302
    assert "Line 1:" in client.get(response.headers["Location"]).get_data(as_text=True)
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "staff_message")).all()
    assert kinds == []
    assert post(client, f"/dashboard/jobs/{world.other_job.id}/bulk", {"action": "email", "subject": "x",
                                                                     "body": "x"}).status_code == 404  # fmt: skip
