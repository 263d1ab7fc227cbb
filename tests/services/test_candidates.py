"""Candidate records, guest applying, staff adds, consent, the honeypot, rate limits and status links."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, TooManyRequests, ValidationFailed
from app.models import Application, Candidate, Note, OutboxMessage, StageChange
from app.services import applications, applying, privacy, status_links
from app.services.candidates import CandidateDetails
from tests.guests import apply_as_guest, mailed_links


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def kinds(db) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_one_record_per_person_per_company_found_by_email(db, factory):
    tenant = factory.tenant()
    second = factory.job(tenant["recruiter"])
    first, _ = apply_as_guest(tenant["job"].id, email="Ana@People.example", name="Ana")
    again, _ = apply_as_guest(second.id, email="ana@people.example", name="Ana A.")
    db.session.commit()
    assert first.outcome == again.outcome == "created"
    assert first.application.candidate_id == again.application.candidate_id
    record = db.session.get(Candidate, first.application.candidate_id)
    assert record.email == "ana@people.example" and record.full_name == "Ana"  # the first name is kept
    assert count(db, Candidate) == 1 and count(db, Application) == 2


def test_two_companies_know_two_records(db, factory):
    one, two = factory.tenant(), factory.tenant()
    a, _ = apply_as_guest(one["job"].id, email="ana@people.example")
    b, _ = apply_as_guest(two["job"].id, email="ana@people.example")
    db.session.commit()
    records = db.session.scalars(select(Candidate).order_by(Candidate.id)).all()
    assert [r.company_id for r in records] == [one["company"].id, two["company"].id]
    assert a.application.candidate_id != b.application.candidate_id


def test_a_guest_application_records_consent_source_and_mails_a_private_link(db, factory):
    tenant = factory.tenant()
    origin = applying.origin_from(
        utm_source="board", utm_medium="job_board", utm_campaign="x" * 300, referrer="https://Jobs.Example/list?q=1"
    )
    submission, token = apply_as_guest(tenant["job"].id, origin=origin)
    db.session.commit()
    application = submission.application
    assert submission.outcome == "created" and not submission.visible
    assert application.source == "job_board" and application.utm_source == "board"
    assert application.utm_campaign == "x" * 100 and application.referrer_host == "jobs.example"
    # Consent to the default text (version 0, no notice of the company's own), on the application row.
    assert (application.consent_notice_id, application.consent_notice_version) == (None, 0)
    assert application.consented_at is not None
    # Only the token's hash is stored; the mail carries the token itself.
    assert application.status_token_hash == status_links.digest(token) and token not in application.status_token_hash
    assert mailed_links(application.candidate.email) == [token]
    assert status_links.open_link(token).id == application.id


def test_consent_names_the_notice_version_in_force(db, factory):
    tenant = factory.tenant()
    privacy.save_notice(tenant["admin"], tenant["company"].id, "Version one")
    notice = privacy.save_notice(tenant["admin"], tenant["company"].id, "Version two")
    db.session.commit()
    submission, _ = apply_as_guest(tenant["job"].id, origin=applying.origin_from(ip="203.0.113.9"))
    db.session.commit()
    application = db.session.get(Application, submission.application.id)
    assert (application.consent_notice_id, application.consent_notice_version) == (notice.id, 2)
    assert application.consent_ip == "203.0.113.9" and application.consented_at is not None
    assert privacy.current_notice(tenant["company"].id, "Acme").text == "Version two"


def test_only_admins_edit_the_privacy_notice(db, factory):
    tenant, other = factory.tenant(), factory.tenant()
    with pytest.raises(Forbidden):
        privacy.save_notice(tenant["recruiter"], tenant["company"].id, "Mine")
    with pytest.raises(NotFound):
        privacy.save_notice(other["admin"], tenant["company"].id, "Theirs")
    with pytest.raises(ValidationFailed):
        privacy.save_notice(tenant["admin"], tenant["company"].id, "   ")
    default = privacy.current_notice(tenant["company"].id, "Acme Corp")
    assert default.version == 0 and "Acme Corp" in default.text


def test_consent_is_required_and_a_refused_submission_writes_nothing(db, factory):
    tenant = factory.tenant()
    mail = count(db, OutboxMessage)  # the staff invitations
    with pytest.raises(ValidationFailed) as info:
        apply_as_guest(tenant["job"].id, consent=False, email="not an email")
    assert {"consent", "email"} <= set(info.value.errors)
    db.session.rollback()
    for model in (Candidate, Application, StageChange):
        assert count(db, model) == 0, model
    assert count(db, OutboxMessage) == mail


def test_the_honeypot_looks_accepted_and_writes_nothing(db, factory):
    tenant = factory.tenant()
    mail = count(db, OutboxMessage)  # the staff invitations
    submission, token = apply_as_guest(tenant["job"].id, trap="http://spam.example")
    db.session.commit()
    assert submission.outcome == "discarded" and token is None
    for model in (Candidate, Application):
        assert count(db, model) == 0, model
    assert count(db, OutboxMessage) == mail


def test_applying_again_mails_a_new_link_and_tells_no_one_else(db, factory):
    tenant = factory.tenant()
    first, old = apply_as_guest(tenant["job"].id, email="ana@people.example")
    db.session.commit()
    before = kinds(db)
    again, new = apply_as_guest(tenant["job"].id, email="ana@people.example")
    db.session.commit()
    assert again.outcome == "already_applied" and again.application.id == first.application.id
    assert kinds(db)[len(before) :] == ["application_repeated"]  # no staff alert, no second confirmation
    assert count(db, Application) == 1
    consented = db.session.scalars(select(Application.consented_at)).one()
    assert consented is not None  # the first consent stays; the repeat wrote no row
    with pytest.raises(NotFound):
        status_links.open_link(old)
    assert status_links.open_link(new).id == first.application.id


def test_rate_limits_per_email_and_per_address(make_app, factory):
    from app.extensions import db

    app = make_app(APPLY_RATE_LIMIT_EMAIL="2 per hour", APPLY_RATE_LIMIT_IP="4 per hour")
    with app.app_context():
        tenant = factory.tenant()
        jobs = [factory.job(tenant["recruiter"]) for _ in range(4)]
        here = applying.origin_from(ip="192.0.2.1")
        for job in jobs[:2]:
            apply_as_guest(job.id, email="busy@people.example", origin=here)
        with pytest.raises(TooManyRequests) as info:
            apply_as_guest(jobs[2].id, email="busy@people.example", origin=here)
        assert "email" in info.value.errors  # (the refused attempt still counts for the address)
        apply_as_guest(jobs[2].id, email="other@people.example", origin=here)  # the fourth from this address
        with pytest.raises(TooManyRequests):
            apply_as_guest(jobs[3].id, email="third@people.example", origin=here)
        # Elsewhere, the same person is still counted by email.
        with pytest.raises(TooManyRequests):
            apply_as_guest(jobs[3].id, email="busy@people.example", origin=applying.origin_from(ip="192.0.2.9"))
        db.session.rollback()
        db.session.remove()


def test_staff_add_people_without_email_with_a_source_and_a_note(db, factory):
    tenant = factory.tenant()
    before = kinds(db)
    application = applying.add_candidate(
        tenant["recruiter"],
        tenant["job"].id,
        details=CandidateDetails(full_name="Sam Sourced", links={"github": "https://github.com/sam"}),
        source="sourced",
        note="Great talk at the meetup.",
    )
    db.session.commit()
    record = db.session.get(Candidate, application.candidate_id)
    assert record.email is None and record.links == {"github": "https://github.com/sam"}
    assert (application.source, application.added_by_id) == ("sourced", tenant["recruiter"].id)
    assert db.session.scalars(select(Note.body)).one() == "Great talk at the meetup."
    assert kinds(db) == before  # they did not apply: nobody is mailed
    assert application.consented_at is None and application.consent_notice_version is None  # they did not apply
    # Without an email, the same name is another person: a second record.
    applying.add_candidate(
        tenant["admin"], tenant["job"].id, details=CandidateDetails(full_name="Sam Sourced"), source="event"
    )
    assert count(db, Candidate) == 2


def test_staff_add_finds_the_existing_record_and_refuses_a_second_application(db, factory):
    tenant = factory.tenant()
    guest, _ = apply_as_guest(tenant["job"].id, email="ana@people.example")
    other_job = factory.job(tenant["recruiter"])
    added = applying.add_candidate(
        tenant["recruiter"],
        other_job.id,
        details=CandidateDetails(full_name="Ana", email="ANA@people.example"),
        source="referral",
        referrer="Rita Recruiter",
    )
    assert added.candidate_id == guest.application.candidate_id and added.referrer_name == "Rita Recruiter"
    with pytest.raises(Conflict):
        applying.add_candidate(
            tenant["recruiter"],
            other_job.id,
            details=CandidateDetails(full_name="Ana", email="ana@people.example"),
            source="sourced",
        )


def test_who_may_add_people(db, factory):
    tenant, other = factory.tenant(), factory.tenant()
    details = CandidateDetails(full_name="Pat")
    with pytest.raises(Forbidden):
        applying.add_candidate(tenant["hiring_manager"], tenant["job"].id, details=details, source="sourced")
    with pytest.raises(Forbidden):
        applying.add_candidate(other["recruiter"], tenant["job"].id, details=details, source="sourced")
    with pytest.raises(ValidationFailed) as info:
        applying.add_candidate(tenant["recruiter"], tenant["job"].id, details=details, source="referral")
    assert "referrer" in info.value.errors  # a referral names the colleague
    with pytest.raises(ValidationFailed) as info:
        applying.add_candidate(tenant["recruiter"], tenant["job"].id, details=details, source="careers_page")
    assert "source" in info.value.errors
    with pytest.raises(Forbidden):
        applying.submit(tenant["recruiter"], tenant["job"].id, details=details, consent=True)


def test_the_link_shows_no_staff_notes_and_can_withdraw_and_be_revoked(db, factory):
    tenant = factory.tenant()
    submission, token = apply_as_guest(tenant["job"].id)
    application_id = submission.application.id
    applications.move_stage(tenant["recruiter"], application_id, "screening", note="Internal: strong CV")
    db.session.commit()
    history = applications.history_of(None, status_links.open_link(token))
    assert [entry.to_stage for entry in history] == ["applied", "screening"]
    assert all(entry.note is None and entry.reason is None for entry in history)
    applications.withdraw_by_link(token)
    db.session.commit()
    assert db.session.get(Application, application_id).stage == "withdrawn"
    with pytest.raises(Forbidden):
        status_links.revoke(tenant["hiring_manager"], application_id)
    status_links.revoke(tenant["recruiter"], application_id)
    db.session.commit()
    with pytest.raises(NotFound):
        status_links.open_link(token)
    with pytest.raises(NotFound):
        status_links.open_link("x" * 43)


def test_staff_send_a_new_link_they_never_see(db, factory):
    tenant = factory.tenant()
    submission, token = apply_as_guest(tenant["job"].id)
    status_links.revoke(tenant["recruiter"], submission.application.id)
    status_links.reissue(tenant["recruiter"], submission.application.id)
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "status_link")).one()
    old, new = mailed_links(submission.application.candidate.email)
    assert old == token and new != token and status_links.open_link(new).id == submission.application.id


def test_an_account_made_from_the_link_lists_every_application_with_that_email(db, factory):
    one, two = factory.tenant(), factory.tenant()
    first, token = apply_as_guest(one["job"].id, email="ana@people.example")
    apply_as_guest(two["job"].id, email="ana@people.example")
    apply_as_guest(two["job"].id, email="someone.else@people.example")
    db.session.commit()
    user = status_links.create_account(token, full_name="Ana", password="a long enough password")
    db.session.commit()
    assert user.email == "ana@people.example" and user.email_verified_at is not None
    mine = applications.list_applications(user).items
    assert len(mine) == 2 and {a.company_id for a in mine} == {one["company"].id, two["company"].id}
    assert "withdrawn" in applications.allowed_moves(user, first.application)
    # Later guest applications with the proven address join the account too.
    third = factory.job(one["recruiter"])
    later, _ = apply_as_guest(third.id, email="ana@people.example")
    db.session.commit()
    assert later.application.candidate.user_id == user.id


def test_an_unproven_account_does_not_take_over_a_guest_record(db, factory):
    tenant = factory.tenant()
    guest, _ = apply_as_guest(tenant["job"].id, email="ana@people.example")
    db.session.commit()
    squatter = factory.candidate()
    squatter.email = "ana@people.example"
    db.session.commit()
    second = factory.job(tenant["recruiter"])
    submission = applying.submit(squatter, second.id, details=CandidateDetails(), consent=True)
    db.session.commit()
    assert submission.outcome == "created" and not submission.visible  # mailed to the address instead
    assert db.session.get(Candidate, guest.application.candidate_id).user_id is None
    assert applications.list_applications(squatter).items == []
    with pytest.raises(NotFound):
        applications.get_application(squatter, guest.application.id)


def test_origin_is_validated_and_truncated():
    assert applying.referrer_host("https://www.Example.org:8080/path") == "www.example.org"
    assert applying.referrer_host("javascript:alert(1)") is None
    assert applying.referrer_host("http://ats.example/jobs/1", own_host="ats.example:443") is None
    assert applying.referrer_host("not a host at all") is None
    origin = applying.origin_from(source="bogus", utm_source="a\nb\x00c" + "d" * 200, utm_medium="feed")
    assert origin.source == "job_board" and origin.utm_source == "abc" + "d" * 97
    assert applying.origin_from(source="api").source == "api"
