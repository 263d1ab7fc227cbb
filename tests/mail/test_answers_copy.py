"""The confirmation email carries a copy of the answers, never the knockout flags."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.services import applications, questions


def test_the_confirmation_copies_the_answers_without_flags(app, factory, count_statements):
    tenant = factory.tenant()
    permit, langs, note = questions.replace_questions(
        tenant["recruiter"],
        tenant["job"].id,
        [
            {"kind": "yes_no", "label": "Work permit?", "knockout": {"op": "is", "value": False}},
            {"kind": "multiple_choice", "label": "Languages", "options": ["Python", "<Go>"]},
            {"kind": "long_text", "label": "Why us?"},
        ],
    )
    db.session.commit()
    candidate = factory.candidate("Grace Hopper")
    applications.apply(
        candidate,
        tenant["job"].id,
        answers={permit.id: False, langs.id: ["<Go>", "Python"], note.id: "Because\nships & compilers"},
        consent=True,
    )
    db.session.commit()
    confirmation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "application_received"))
    text = confirmation.text_body
    assert "Your answers, as you sent them:" in text
    assert "- Work permit?\n  No\n" in text
    assert "- Languages\n  Python, <Go>\n" in text
    assert "Because ships & compilers" in text  # one line: no structure faked in the body
    assert "&lt;Go&gt;" in confirmation.html_body and "<Go>" not in confirmation.html_body
    for body in (text, confirmation.html_body):
        assert "Answer is" not in body and "knockout" not in body.lower()
    staff_alerts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "new_application"))
    assert all("Work permit?" not in alert.text_body for alert in staff_alerts)


def test_without_questions_the_confirmation_is_unchanged(app, factory):
    tenant = factory.tenant()
    factory.application(factory.candidate(), tenant["job"])
    confirmation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "application_received"))
    assert "Your answers" not in confirmation.text_body and "Your answers" not in confirmation.html_body
