"""The email templates service: list, save (checked, with lines), reset, preview on real data, effective()."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.mail.default_templates import DEFAULTS
from app.models import EmailTemplate, RejectionReason
from app.services import applications, email_templates, rejection_reasons, status_links
from app.services.email_templates import effective
from tests import guests

CUSTOM = {
    "subject": "Update from {{ company.name }}",
    "text_body": "Hi {{ candidate.first_name }},\n\nYou are now in {{ stage.name }} for {{ job.title }}.\n",
    "html_body": "<p>Hi {{ candidate.first_name }}, {{ stage.name }}</p>",
}


@pytest.fixture
def acme(factory):
    tenant = factory.tenant()
    candidate = factory.candidate("Ada Lovelace")
    tenant["application"] = factory.application(candidate, tenant["job"])
    return tenant


@pytest.fixture
def globex(factory):
    tenant = factory.tenant()
    tenant["application"] = factory.application(factory.candidate("Bob Builder"), tenant["job"])
    return tenant


def _reason(tenant) -> RejectionReason:
    return rejection_reasons.list_reasons(tenant["admin"])[0]


def test_the_list_has_every_event_and_every_reason_with_the_defaults(acme):
    views = email_templates.list_templates(acme["recruiter"])
    reasons = rejection_reasons.list_reasons(acme["admin"])
    assert [view.key for view in views] == [
        "application_received", "stage_screening", "stage_interview", "stage_offer", "stage_hired", "stage_rejected",
        *[f"stage_rejected.reason_{reason.id}" for reason in reasons],
    ]  # fmt: skip
    assert all(view.source == "default" and not view.custom for view in views)
    by_key = {view.key: view for view in views}
    assert by_key["stage_interview"].subject == DEFAULTS["stage_interview"].subject
    reason_view = by_key[f"stage_rejected.reason_{reasons[0].id}"]
    assert reason_view.label == f"Rejected: {reasons[0].label}" and reason_view.source_key == "stage_rejected"
    assert reason_view.text_body == DEFAULTS["stage_rejected"].text


def test_save_keeps_the_company_template_and_effective_uses_it(acme, globex):
    view = email_templates.save_template(acme["admin"], "stage_interview", **CUSTOM)
    db.session.commit()
    assert view.custom and view.source == "custom" and view.updated_by.id == acme["admin"].id
    assert effective(acme["company"].id, "stage_interview") == (
        CUSTOM["subject"],
        CUSTOM["text_body"],
        CUSTOM["html_body"],
    )
    # Another company's templates are its own: globex still has the default.
    assert effective(globex["company"].id, "stage_interview").subject == DEFAULTS["stage_interview"].subject
    listed = {view.key: view for view in email_templates.list_templates(globex["admin"])}
    assert listed["stage_interview"].source == "default"
    # Saving again replaces the row.
    email_templates.save_template(acme["admin"], "stage_interview", subject="Again", text_body="Body")
    db.session.commit()
    assert effective(acme["company"].id, "stage_interview") == ("Again", "Body", None)
    assert db.session.scalar(select(func.count()).select_from(EmailTemplate)) == 1


def test_an_unknown_field_or_a_syntax_error_is_refused_on_save_with_its_line(acme):
    with pytest.raises(ValidationFailed) as raised:
        email_templates.save_template(
            acme["admin"],
            "stage_offer",
            subject="Offer for {{ job.title }",
            text_body="Hello {{ candidate.first_name }},\n\nYou are {{ candidate.age }} years old.\n",
            html_body="<p>{{ ''.__class__ }}</p>",
        )
    assert raised.value.errors == {
        "subject": ["Line 1: unexpected '}'"],
        "text_body": ["Line 3: candidate.age is not a merge field."],
        "html_body": ["Line 1: Only merge fields have attributes in email templates."],
    }
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EmailTemplate)) == 0


def test_plain_field_rules_on_save(acme):
    with pytest.raises(ValidationFailed) as raised:
        email_templates.save_template(
            acme["admin"], "stage_offer", subject="One\nTwo", text_body="", html_body="x" * 50_001, language="Deutsch"
        )
    assert set(raised.value.errors) == {"subject", "text_body", "html_body", "language"}


def test_only_admins_save_and_reset_every_member_reads(acme):
    for who in ("recruiter", "hiring_manager"):
        with pytest.raises(Forbidden):
            email_templates.save_template(acme[who], "stage_offer", subject="S", text_body="T")
        with pytest.raises(Forbidden):
            email_templates.reset_template(acme[who], "stage_offer")
        assert email_templates.get_template(acme[who], "stage_offer").key == "stage_offer"


def test_reset_goes_back_to_the_default(acme):
    email_templates.save_template(acme["admin"], "stage_hired", **CUSTOM)
    db.session.commit()
    assert email_templates.reset_template(acme["admin"], "stage_hired") is True
    db.session.commit()
    assert email_templates.get_template(acme["admin"], "stage_hired").source == "default"
    assert effective(acme["company"].id, "stage_hired").subject == DEFAULTS["stage_hired"].subject
    assert email_templates.reset_template(acme["admin"], "stage_hired") is False


def test_unknown_keys_and_another_companys_reason_are_not_found(acme, globex):
    theirs = _reason(globex)
    for key in ("password_reset", "stage_applied", "stage_rejected.reason_0", f"stage_rejected.reason_{theirs.id}",
                "stage_rejected.reason_99999999999", "x" * 500):  # fmt: skip
        with pytest.raises(NotFound):
            email_templates.get_template(acme["admin"], key)
        with pytest.raises(NotFound):
            email_templates.save_template(acme["admin"], key, subject="S", text_body="T")


def test_effective_falls_back_from_a_reason_to_the_rejection_then_the_default(acme, globex):
    reason = _reason(acme)
    key = f"stage_rejected.reason_{reason.id}"
    company = acme["company"].id
    assert effective(company, key) == tuple(
        getattr(DEFAULTS["stage_rejected"], part) for part in ("subject", "text", "html")
    )
    email_templates.save_template(acme["admin"], "stage_rejected", subject="Generic", text_body="Generic body")
    db.session.commit()
    assert effective(company, key).subject == "Generic"
    email_templates.save_template(acme["admin"], key, subject="Specific", text_body="Specific body")
    db.session.commit()
    assert effective(company, key).subject == "Specific"
    assert effective(company, "stage_rejected").subject == "Generic"
    view = email_templates.get_template(acme["admin"], f"stage_rejected.reason_{_reason(acme).id}")
    assert view.custom and view.source == "custom"


def test_effective_takes_a_language_and_falls_back_to_english(acme):
    company = acme["company"].id
    email_templates.save_template(acme["admin"], "stage_offer", subject="Offer (en)", text_body="en")
    email_templates.save_template(acme["admin"], "stage_rejected", subject="Absage", text_body="de", language="de")
    reason_key = f"stage_rejected.reason_{_reason(acme).id}"
    email_templates.save_template(acme["admin"], reason_key, subject="Specific (en)", text_body="en")
    db.session.commit()
    assert effective(company, "stage_offer", "de").subject == "Offer (en)"
    assert effective(company, "stage_offer", "fr").subject == "Offer (en)"
    assert effective(company, "stage_screening", "de").subject == DEFAULTS["stage_screening"].subject
    assert effective(company, "stage_rejected", "de").subject == "Absage"
    # The reader's language first: a German rejection beats an English reason-specific one.
    assert effective(company, reason_key, "de").subject == "Absage"
    assert effective(company, reason_key, "en").subject == "Specific (en)"
    assert effective(company, reason_key, None).subject == "Specific (en)"
    assert effective(company, "stage_offer", "not a language!").subject == "Offer (en)"
    german = {view.key: view for view in email_templates.list_templates(acme["recruiter"], language="de")}
    assert german["stage_rejected"].custom and german["stage_offer"].source == "inherited"
    assert (german["stage_offer"].source_key, german["stage_offer"].source_language) == ("stage_offer", "en")


def test_effective_is_one_select(acme, count_statements):
    company_id, key = acme["company"].id, f"stage_rejected.reason_{_reason(acme).id}"
    with count_statements() as log:
        effective(company_id, key, "de")
    assert log.count == 1


def test_effective_refuses_keys_without_a_template(acme):
    with pytest.raises(KeyError):
        effective(acme["company"].id, "staff_invitation")


def test_preview_renders_the_template_with_the_application(acme):
    application = acme["application"]
    email_templates.save_template(acme["admin"], "stage_interview", **CUSTOM)
    db.session.commit()
    result = email_templates.preview(acme["hiring_manager"], "stage_interview", application.id)
    assert result.subject == f"Update from {acme['company'].name}"
    assert f"Hi Ada,\n\nYou are now in Interview for {acme['job'].title}." in result.text
    assert "<p>Hi Ada, Interview</p>" in result.html
    # The candidate has an account: the link is their applications page.
    default = email_templates.preview(acme["recruiter"], "stage_screening", application.id)
    assert f"/me/applications/{application.id}" in default.text
    assert "has started reviewing your application" in default.text


def test_preview_of_a_draft_checks_it_and_saves_nothing(acme):
    application = acme["application"]
    draft = {"subject": "{{ stage.category }}", "text_body": "{{ sender.name }} / {{ application_link }}"}
    result = email_templates.preview(acme["recruiter"], "stage_offer", application.id, draft=draft)
    assert result.subject == "offer"
    assert result.text.startswith(f"{acme['recruiter'].full_name} / http")
    assert f"/dashboard/applications/{application.id}" in result.text
    with pytest.raises(ValidationFailed) as raised:  # a leading blank line counts: lines are as typed
        draft = {"subject": "S", "text_body": "\r\n{{ x }}"}
        email_templates.preview(acme["recruiter"], "stage_offer", application.id, draft=draft)
    assert raised.value.errors == {"text_body": ["Line 2: x is not a merge field."]}
    assert db.session.scalar(select(func.count()).select_from(EmailTemplate)) == 0


def test_preview_of_a_guests_confirmation_never_shows_a_real_link(acme):
    token = guests.guest_link(acme["job"].id)
    db.session.commit()
    application = status_links.open_link(token)
    result = email_templates.preview(acme["admin"], "application_received", application.id)
    assert token not in result.text and token not in result.html
    assert "This link is private" in result.text and email_templates.PREVIEW_STATUS_LINK in result.text


def test_preview_refuses_another_companys_application(acme, globex):
    with pytest.raises(ValidationFailed) as raised:
        email_templates.preview(acme["admin"], "stage_offer", globex["application"].id)
    assert raised.value.errors == {"application_id": ["Not an application of your company."]}
    for bad in (None, "1", True, 0, 2**40):
        with pytest.raises(ValidationFailed):
            email_templates.preview(acme["admin"], "stage_offer", bad)


def test_another_companys_staff_cannot_read_through_a_template(acme, globex):
    """A template reaches its context only: no field names another company's data, or any row."""
    draft = {"subject": "x", "text_body": "{{ company.name }} {{ candidate.full_name }}"}
    result = email_templates.preview(globex["admin"], "stage_offer", globex["application"].id, draft=draft)
    assert acme["company"].name not in result.text and "Ada Lovelace" not in result.text
    with pytest.raises(ValidationFailed):
        email_templates.preview(globex["admin"], "stage_offer", acme["application"].id, draft=draft)


def test_merge_fields_name_the_stage_as_the_candidate_sees_it(acme):
    application = acme["application"]
    applications.move_stage(acme["recruiter"], application.id, "screening")
    db.session.commit()
    values = email_templates.merge_fields(application, "screening", sender_name="Sam")
    assert values["stage"] == {"name": "Screening", "category": "screening"}
    assert values["candidate"] == {"first_name": "Ada", "full_name": "Ada Lovelace"}
    assert values["sender"] == {"name": "Sam"} and values["company"] == {"name": acme["company"].name}
    assert email_templates.merge_fields(application)["sender"] == {"name": acme["company"].name}


def test_preview_of_the_confirmation_copies_the_answers_without_flags(acme, factory):
    from app.services import questions

    (permit,) = questions.replace_questions(
        acme["recruiter"], acme["job"].id,
        [{"kind": "yes_no", "label": "Work permit?", "knockout": {"op": "is", "value": False}}],
    )  # fmt: skip
    db.session.commit()
    candidate = factory.candidate("Kim Knockout")
    application = applications.apply(candidate, acme["job"].id, consent=True, answers={str(permit.id): False})
    db.session.commit()
    result = email_templates.preview(acme["recruiter"], "application_received", application.id)
    assert "Your answers, as you sent them:\n- Work permit?\n  No\n" in result.text
    assert "Answer is No" not in result.text and "flag" not in result.html.lower()
