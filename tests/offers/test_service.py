"""The offer service: terms, the status machine, approval rules, the candidate's answer, hiring."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Event, Notification, OfferEvent, OutboxMessage
from app.services import applications, bulk, offers
from tests.offers.conftest import TERMS, make_offer


def _history(offer) -> list[tuple]:
    rows = db.session.scalars(select(OfferEvent).where(OfferEvent.offer_id == offer.id).order_by(OfferEvent.id))
    return [(row.from_status, row.to_status) for row in rows]


def test_an_offer_goes_from_draft_to_accepted_with_its_history(hiring):
    offer = make_offer(hiring, status="accepted")
    assert offer.status == "accepted" and offer.responded_at is not None
    assert offer.salary_minor == 8500050 and offer.currency == "EUR"
    assert _history(offer) == [(None, "draft"), ("draft", "awaiting_approval"), ("awaiting_approval", "approved"),
                               ("approved", "sent"), ("sent", "accepted")]  # fmt: skip
    assert "Ada Lovelace" in offer.letter_html and "85,000.50 EUR" in offer.letter_html
    assert "15 January 2027" in offer.letter_html


def test_the_amount_is_exact_in_minor_units(hiring):
    offer = offers.create_offer(hiring["recruiter"], hiring["application"].id,
                                **{**TERMS, "salary_amount": "1200000", "currency": "jpy"})  # fmt: skip
    assert (offer.salary_minor, offer.currency) == (1200000, "JPY")
    assert offers.as_dict(offer)["salary_amount"] == "1200000"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "EUX", "ISO 4217"),
        ("currency", None, "ISO 4217"),
        ("salary_amount", "0", "more than 0"),
        ("salary_amount", -5, "more than 0"),
        ("salary_amount", "12.345", "decimal places"),
        ("salary_amount", "lots", "amount such as"),
        ("start_date", "2027-02-30", "date such as"),
    ],
)
def test_bad_terms_are_refused_beside_their_field(hiring, field, value, message):
    with pytest.raises(ValidationFailed) as caught:
        offers.create_offer(hiring["recruiter"], hiring["application"].id, **{**TERMS, field: value})
    assert message in " ".join(caught.value.errors[field])


def test_unknown_fields_are_refused(hiring):
    with pytest.raises(ValidationFailed) as caught:
        offers.create_offer(hiring["recruiter"], hiring["application"].id, **TERMS, bonus="1")
    assert caught.value.errors == {"bonus": ["Unknown field."]}


def test_only_one_open_offer_per_application(hiring):
    first = make_offer(hiring, status="draft")
    with pytest.raises(Conflict, match="open offer already"):
        offers.create_offer(hiring["recruiter"], hiring["application"].id, **TERMS)
    offers.withdraw(hiring["recruiter"], first.id)
    again = offers.create_offer(hiring["recruiter"], hiring["application"].id, **TERMS)
    assert again.status == "draft"


def test_hiring_managers_read_but_do_not_make_offers(hiring):
    offer = make_offer(hiring, status="draft")
    assert offers.get_offer(hiring["manager"], offer.id).id == offer.id
    with pytest.raises(Forbidden):
        offers.create_offer(hiring["manager"], hiring["application"].id, **TERMS)
    with pytest.raises(Forbidden):
        offers.withdraw(hiring["manager"], offer.id)


def test_another_company_sees_nothing(hiring, factory):
    offer = make_offer(hiring, status="draft")
    _company, stranger = factory.company()
    with pytest.raises(NotFound):
        offers.get_offer(stranger, offer.id)
    with pytest.raises(NotFound):
        offers.create_offer(stranger, hiring["application"].id, **TERMS)
    with pytest.raises(NotFound):
        offers.list_approvers(stranger, hiring["job"].id)


def test_the_creator_may_not_approve_unless_the_company_allows_it(hiring):
    admin = hiring["admin"]
    offer = offers.create_offer(admin, hiring["application"].id, **TERMS)
    offers.submit(admin, offer.id)
    with pytest.raises(Forbidden, match="someone else must approve"):
        offers.approve(admin, offer.id)
    hiring["company"].offer_self_approval = True
    assert offers.approve(admin, offer.id).status == "approved"


def test_named_approvers_approve_and_others_do_not(hiring):
    offer = make_offer(hiring, status="awaiting_approval")
    with pytest.raises(Forbidden, match="named approver"):
        offers.approve(hiring["manager"], offer.id)
    offers.set_approvers(hiring["recruiter"], hiring["job"].id, [hiring["manager"].id])
    assert [u.id for u in offers.list_approvers(hiring["manager"], hiring["job"].id)] == [hiring["manager"].id]
    assert [o.id for o in offers.awaiting_approval(hiring["manager"])] == [offer.id]
    assert offers.approve(hiring["manager"], offer.id).approved_by_id == hiring["manager"].id


def test_approvers_from_another_company_are_refused(hiring, factory):
    _company, stranger = factory.company()
    with pytest.raises(ValidationFailed) as caught:
        offers.set_approvers(hiring["recruiter"], hiring["job"].id, [hiring["manager"].id, stranger.id])
    assert str(stranger.id) in caught.value.errors["user_ids"][0]
    with pytest.raises(Forbidden):
        offers.set_approvers(hiring["manager"], hiring["job"].id, [])


def test_changing_terms_after_approval_clears_it_and_says_so(hiring):
    offer = make_offer(hiring, status="approved")
    offers.update_offer(hiring["recruiter"], offer.id, salary_amount="90000")
    assert (offer.status, offer.approved_by_id, offer.approved_at) == ("awaiting_approval", None, None)
    assert offer.salary_minor == 9000000
    last = db.session.scalars(
        select(OfferEvent).where(OfferEvent.offer_id == offer.id).order_by(OfferEvent.id.desc())
    ).first()
    assert (last.from_status, last.to_status) == ("approved", "awaiting_approval")
    assert "approval was cleared" in last.note and "salary" in last.note


def test_the_same_terms_change_nothing(hiring):
    offer = make_offer(hiring, status="approved")
    offers.update_offer(hiring["recruiter"], offer.id, currency="EUR", terms=TERMS["terms"])
    assert offer.status == "approved"


@pytest.mark.parametrize("status", ["sent", "accepted"])
def test_sent_and_final_offers_keep_their_terms(hiring, status):
    offer = make_offer(hiring, status=status)
    with pytest.raises(Conflict):
        offers.update_offer(hiring["recruiter"], offer.id, salary_amount="1")


def test_end_states_are_final(hiring):
    offer = make_offer(hiring, status="accepted")
    for step in (offers.submit, offers.approve, offers.send, offers.withdraw):
        with pytest.raises(Conflict):
            step(hiring["admin"], offer.id)


def test_out_of_order_steps_are_conflicts(hiring):
    offer = make_offer(hiring, status="draft")
    with pytest.raises(Conflict, match="awaiting approval"):
        offers.approve(hiring["admin"], offer.id)
    with pytest.raises(Conflict, match="approved offer can be sent"):
        offers.send(hiring["recruiter"], offer.id)


def test_sending_queues_the_email_with_a_private_link_for_a_guest(hiring, factory):
    offer = make_offer(hiring, status="sent")
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer_sent")).one()
    assert message.to_address == hiring["candidate"].email and message.application_id == hiring["application"].id
    assert message.context["link"].endswith(f"/me/applications/{hiring['application'].id}")  # an account holder
    assert offer.sent_at is not None


def test_the_candidate_answers_once(hiring):
    offer = make_offer(hiring, status="sent")
    application = hiring["application"]
    offers.respond_as(hiring["candidate"], application.id, offer.id, accept=False)
    assert offer.status == "declined"
    with pytest.raises(Conflict, match="no longer be answered"):
        offers.respond_as(hiring["candidate"], application.id, offer.id, accept=True)
    told = db.session.scalars(select(Notification.kind)).all()
    assert told and set(told) == {"offer_declined"}
    assert db.session.scalars(select(Event.type).where(Event.type.like("offer.%"))).all() == ["offer.declined"]


def test_a_withdrawn_offer_cannot_be_accepted(hiring):
    offer = make_offer(hiring, status="sent")
    offers.withdraw(hiring["recruiter"], offer.id)
    with pytest.raises(Conflict):
        offers.respond(hiring["application"], offer.id, accept=True)


def test_someone_else_cannot_answer(hiring, factory):
    offer = make_offer(hiring, status="sent")
    other = factory.candidate()
    with pytest.raises(NotFound):
        offers.respond_as(other, hiring["application"].id, offer.id, accept=True)
    own = factory.application(other, hiring["job"])
    with pytest.raises(NotFound):
        offers.respond_as(other, own.id, offer.id, accept=True)


def test_an_unsent_offer_is_not_the_candidates_to_see(hiring):
    offer = make_offer(hiring, status="approved")
    assert offers.sent_offer(hiring["application"]) is None
    with pytest.raises(NotFound):
        offers.respond(hiring["application"], offer.id, accept=True)


def test_hired_needs_an_accepted_offer(hiring):
    recruiter, application = hiring["recruiter"], hiring["application"]
    with pytest.raises(Conflict, match="Hiring needs an accepted offer"):
        applications.move_stage(recruiter, application.id, "hired")
    make_offer(hiring, status="accepted")
    assert applications.move_stage(recruiter, application.id, "hired").stage == "hired"


def test_the_rule_can_be_turned_off(hiring):
    hiring["company"].hire_requires_offer = False
    db.session.commit()
    assert applications.move_stage(hiring["recruiter"], hiring["application"].id, "hired").stage == "hired"


def test_a_bulk_hire_skips_applications_without_an_accepted_offer(hiring, factory):
    recruiter = hiring["recruiter"]
    second = factory.application(factory.candidate(), hiring["job"])
    for stage in ("screening", "interview", "offer"):
        applications.move_stage(recruiter, second.id, stage)
    make_offer(hiring, status="accepted")
    db.session.commit()
    result = bulk.run(recruiter, action="move", items=[hiring["application"].id, second.id], to="hired")
    assert [done.id for done in result.succeeded] == [hiring["application"].id]
    assert [(f.id, f.code) for f in result.failed] == [(second.id, "offer_required")]


def test_a_guest_gets_a_new_private_link_in_the_offer_email(hiring):
    from app.services import status_links
    from tests.guests import apply_as_guest, mailed_links

    submission, old_token = apply_as_guest(hiring["job"].id, name="Grace Hopper")
    guest = submission.application
    for stage in ("screening", "interview", "offer"):
        applications.move_stage(hiring["recruiter"], guest.id, stage)
    offer = offers.create_offer(hiring["recruiter"], guest.id, **TERMS)
    offers.submit(hiring["recruiter"], offer.id)
    offers.approve(hiring["admin"], offer.id)
    offers.send(hiring["recruiter"], offer.id)
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer_sent")).one()
    assert message.context["link_private"] is True
    assert "/status/" not in (message.text_body or "")  # our copy keeps no private link once it is sent
    new_token = mailed_links(guest.candidate.email)[-1]
    assert new_token != old_token and status_links.open_link(new_token).id == guest.id
    with pytest.raises(NotFound):
        status_links.open_link(old_token)
