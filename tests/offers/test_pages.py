"""The offer pages: the staff's offer page and its steps, approvers, the letter template, company settings,
and the candidate's answer from their account and from the private status link."""

from __future__ import annotations

import html

from sqlalchemy import select

from app.extensions import db
from app.models import Offer
from app.services import applications, offers
from tests.offers.conftest import TERMS, make_offer
from tests.web.conftest import login, post


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_recruiter_makes_and_submits_an_offer_and_an_admin_approves_and_sends_it(client, app, hiring):
    login(client, hiring["recruiter"])
    page = f"/dashboard/applications/{hiring['application'].id}/offer"
    assert client.get(f"/dashboard/applications/{hiring['application'].id}").status_code == 200
    assert "No offer yet" in _text(client.get(page))
    bad = post(client, page, {"salary_amount": "0", "currency": "EUX", "start_date": "2027-01-15"})
    assert bad.status_code == 422
    body = _text(bad)
    assert "Must be more than 0." in body and "ISO 4217" in body and 'aria-invalid="true"' in body
    made = post(client, page, {"salary_amount": "85000.50", "currency": "eur", "start_date": "2027-01-15",
                               "terms": "Gym."})  # fmt: skip
    assert made.status_code == 302
    offer = db.session.scalars(select(Offer)).one()
    assert (offer.salary_minor, offer.currency, offer.status) == (8500050, "EUR", "draft")
    assert post(client, f"/dashboard/offers/{offer.id}/submit").status_code == 302
    own = _text(client.get(page))
    assert "awaiting approval" in own and "85,000.50 EUR" in own and "offer-step-approve" not in own  # not theirs
    client = app.test_client()
    login(client, hiring["admin"])
    assert f"Offer #{offer.id}" in _text(client.get("/dashboard/offers"))
    post(client, f"/dashboard/offers/{offer.id}/approve", {"note": "Fine by me"})
    post(client, f"/dashboard/offers/{offer.id}/send")
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "sent"
    sent = _text(client.get(page))
    assert "The letter as sent" in sent and "Fine by me" in sent


def test_a_refused_step_is_said_on_the_page(client, hiring):
    offer = make_offer(hiring, status="awaiting_approval")
    login(client, hiring["recruiter"])
    response = post(client, f"/dashboard/offers/{offer.id}/approve", follow_redirects=True)
    assert "named approver" in _text(response)
    assert db.session.get(Offer, offer.id).status == "awaiting_approval"


def test_another_company_gets_404(client, hiring, factory):
    offer = make_offer(hiring, status="draft")
    _company, stranger = factory.company()
    login(client, stranger)
    assert client.get(f"/dashboard/applications/{hiring['application'].id}/offer").status_code == 404
    assert post(client, f"/dashboard/offers/{offer.id}/withdraw").status_code == 404
    assert client.get(f"/dashboard/jobs/{hiring['job'].id}/offer-approvers").status_code == 404


def test_approvers_page_names_members_of_the_company_only(client, hiring, factory):
    _company, stranger = factory.company()
    login(client, hiring["recruiter"])
    url = f"/dashboard/jobs/{hiring['job'].id}/offer-approvers"
    refused = post(client, url, {"user_ids": [str(stranger.id)]})
    assert refused.status_code == 422 and "Not active members of your company" in _text(refused)
    assert post(client, url, {"user_ids": [str(hiring["manager"].id)]}).status_code == 302
    assert offers.approvers_of(hiring["job"].id) == [hiring["manager"].id]


def test_the_letter_template_page(client, app, hiring):
    login(client, hiring["admin"])
    page = client.get("/dashboard/offer-letter")
    assert page.status_code == 200 and "Preview with sample values" in _text(page)
    bad = post(client, "/dashboard/offer-letter", {"body": "{{ candidate.email }}", "submit": "Save"})
    assert bad.status_code == 422 and "candidate.email is not a merge field" in _text(bad)
    preview = post(client, "/dashboard/offer-letter", {"body": "<p>Hi {{ candidate.first_name }}</p>", "preview": "1"})
    assert preview.status_code == 200 and "Hi Ada" in _text(preview)
    assert post(client, "/dashboard/offer-letter", {"body": "<p>Hi {{ candidate.first_name }}</p>",
                                                    "submit": "Save"}).status_code == 302  # fmt: skip
    assert offers.offer_letters.get_template(hiring["admin"]).custom is True
    client = app.test_client()
    login(client, hiring["recruiter"])
    assert post(client, "/dashboard/offer-letter", {"body": "<p>x</p>", "submit": "Save"}).status_code == 403


def test_company_settings_on_the_profile_page(client, hiring):
    login(client, hiring["admin"])
    company = hiring["company"]
    form = {"name": company.name, "default_language": "en", "offer_self_approval": "y"}
    assert post(client, "/dashboard/company", form).status_code == 302  # hire_requires_offer left unticked
    db.session.expire_all()
    assert (company.hire_requires_offer, company.offer_self_approval) == (False, True)


def test_the_candidate_accepts_from_their_account(client, hiring):
    offer = make_offer(hiring, status="approved")
    login(client, hiring["candidate"])
    url = f"/me/applications/{hiring['application'].id}"
    assert "Your offer" not in _text(client.get(url))  # not sent yet: not theirs to see
    offers.send(hiring["recruiter"], offer.id)
    db.session.commit()
    page = _text(client.get(url))
    assert "Your offer" in page and "85,000.50 EUR" in page
    assert post(client, f"{url}/offers/{offer.id}", {"accept": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "accepted"
    twice = post(client, f"{url}/offers/{offer.id}", {"decline": "1"}, follow_redirects=True)
    assert "can no longer be answered" in _text(twice)
    assert db.session.get(Offer, offer.id).status == "accepted"
    applications.move_stage(hiring["recruiter"], hiring["application"].id, "hired")  # now allowed


def test_another_candidate_cannot_answer(client, hiring, factory):
    offer = make_offer(hiring, status="sent")
    other = factory.candidate()
    own = factory.application(other, hiring["job"])
    login(client, other)
    assert post(client, f"/me/applications/{own.id}/offers/{offer.id}", {"accept": "1"}).status_code == 404
    assert post(client, f"/me/applications/{hiring['application'].id}/offers/{offer.id}",
                {"accept": "1"}).status_code == 404  # fmt: skip
    assert db.session.get(Offer, offer.id).status == "sent"


def test_a_guest_declines_from_the_status_page_and_not_after_withdrawal(client, hiring):
    from tests.guests import apply_as_guest, mailed_links

    submission, _token = apply_as_guest(hiring["job"].id, name="Grace Hopper")
    guest = submission.application
    first = offers.create_offer(hiring["recruiter"], guest.id, **TERMS)
    offers.submit(hiring["recruiter"], first.id)
    offers.approve(hiring["admin"], first.id)
    offers.send(hiring["recruiter"], first.id)
    db.session.commit()
    token = mailed_links(guest.candidate.email)[-1]
    page = _text(client.get(f"/status/{token}"))
    assert "Your offer" in page and "Grace Hopper" in page
    offers.withdraw(hiring["recruiter"], first.id)
    db.session.commit()
    late = post(client, f"/status/{token}/offers/{first.id}", {"accept": "1"}, follow_redirects=True)
    assert "can no longer be answered" in _text(late) and "The company withdrew this offer." in _text(late)
    second = offers.create_offer(hiring["recruiter"], guest.id, **TERMS)
    offers.submit(hiring["recruiter"], second.id)
    offers.approve(hiring["admin"], second.id)
    offers.send(hiring["recruiter"], second.id)
    db.session.commit()
    token = mailed_links(guest.candidate.email)[-1]
    assert post(client, f"/status/{token}/offers/{second.id}", {"decline": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, second.id).status == "declined"
    assert post(client, f"/status/{token}/offers/{hiring['application'].id + 999}", {"accept": "1"}).status_code == 404
