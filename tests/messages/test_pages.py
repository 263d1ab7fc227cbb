"""The application page: the activity timeline and the form to write to the candidate (CSRF, errors, tenancy)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.mail.backends import sent_messages
from app.models import OutboxMessage
from app.services import applications
from tests.web.conftest import csrf, login, post


def _page(client, application_id: int, query: str = "") -> str:
    response = client.get(f"/dashboard/applications/{application_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _staff_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.query(OutboxMessage).filter_by(kind="staff_message").order_by(OutboxMessage.id))


def test_a_template_prefills_the_form_and_the_message_is_sent_and_listed_escaped(app, client, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    login(client, tenant["hiring_manager"])
    html = _page(client, application.id, "?template=stage_offer")
    assert 'name="template"' in html and "Good news" in html  # the offer template's subject, in the field

    before = len(sent_messages(app))
    typed = {"subject": "<b>Hi</b> {{ candidate.first_name }}", "body": "<script>x</script> {{ job.title }}"}
    response = post(client, f"/dashboard/applications/{application.id}/messages", typed)
    assert response.status_code == 302 and response.headers["Location"].endswith("#activity")
    (email,) = sent_messages(app)[before:]
    assert str(email["Subject"]) == "<b>Hi</b> Ada"
    assert email.get_body(("plain",)).get_content().startswith(f"<script>x</script> {tenant['job'].title}")
    html_part = email.get_body(("html",)).get_content()
    assert "&lt;script&gt;x&lt;/script&gt;" in html_part and "<script>x" not in html_part

    html = _page(client, application.id)
    assert "&lt;b&gt;Hi&lt;/b&gt; Ada" in html and "<b>Hi</b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert re.search(r'email-status">sent<', html)


def test_problems_are_shown_beside_the_field_and_nothing_is_queued(client, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    login(client, tenant["recruiter"])
    url = f"/dashboard/applications/{application.id}/messages"
    response = post(client, url, {"subject": "Hello", "body": "Hi\n{{ candidate.salary }}"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Line 2:" in html and "{{ candidate.salary }}" in html  # the typed body is kept in the form
    assert post(client, url, {"subject": "", "body": "x"}).status_code == 422
    assert client.post(url, data={"subject": "Hello", "body": "No token"}).status_code in (400, 422)
    assert _staff_messages() == []


def test_a_delayed_message_waits_and_can_be_cancelled_from_the_page(app, client, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    login(client, tenant["recruiter"])
    later = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    before = len(sent_messages(app))
    for subject in ("First", "Second"):
        response = post(client, f"/dashboard/applications/{application.id}/messages",
                        {"subject": subject, "body": "Later", "send_at": later})  # fmt: skip
        assert response.status_code == 302
    first, second = _staff_messages()
    assert first.waiting and second.waiting and len(sent_messages(app)) == before
    html = _page(client, application.id)
    assert html.count('email-status">waiting<') == 2 and "Send now" in html

    base = f"/dashboard/applications/{application.id}/messages"
    assert client.post(f"{base}/{first.id}/cancel").status_code in (302, 400)  # no CSRF token: nothing happens
    assert _staff_messages()[0].status == "pending"
    assert post(client, f"{base}/{first.id}/cancel").status_code == 302
    assert post(client, f"{base}/{second.id}/send-now").status_code == 302
    first, second = _staff_messages()
    assert first.status == "cancelled" and second.status == "sent"
    assert len(sent_messages(app)) == before + 1


def test_other_companies_and_candidates_cannot_use_the_form(client, factory):
    tenant, other = factory.tenant(), factory.tenant()
    ada = factory.candidate("Ada")
    application = factory.application(ada, tenant["job"])
    url = f"/dashboard/applications/{application.id}/messages"
    login(client, other["admin"])
    assert client.get(f"/dashboard/applications/{application.id}").status_code == 404
    assert post(client, url, {"subject": "Hi", "body": "Hi"}).status_code == 404
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(client, ada)
    assert post(client, url, {"subject": "Hi", "body": "Hi"}).status_code in (403, 404)
    assert _staff_messages() == []


def test_the_timeline_merges_moves_notes_and_emails_and_pages_back(client, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    recruiter = tenant["recruiter"]
    for n in range(25):
        applications.add_note(recruiter, application.id, f"note {n:02d}")
    applications.move_stage(recruiter, application.id, "screening")
    db.session.commit()
    login(client, tenant["hiring_manager"])
    html = _page(client, application.id)
    assert html.index('class="list-group-item activity-move"') < html.index("note 24") < html.index("note 23")
    assert "note 05" not in html and "Older activity" in html
    older = re.search(r'href="([^"]*before=[^"#]*)', html).group(1).replace("&amp;", "&")
    rest = client.get(older).get_data(as_text=True)
    assert "note 04" in rest and "note 24" not in rest
    assert "Email to the candidate" in rest  # the confirmation, the oldest entries with the application's move
    assert client.get(f"/dashboard/applications/{application.id}?before=bogus").status_code == 404
