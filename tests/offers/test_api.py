"""The offers API: problem+json errors, roles, tenancy, the flow to hired, approvers, the letter template."""

from __future__ import annotations

from app.extensions import db
from tests.api.conftest import assert_problem
from tests.offers.conftest import make_offer

BODY = {"salary_amount": "85000.50", "currency": "EUR", "start_date": "2027-01-15", "terms": "Gym."}


def test_the_whole_flow_through_the_api(api, token, hiring):
    recruiter, admin = token(hiring["recruiter"]), token(hiring["admin"])
    app_id = hiring["application"].id
    made = api.post(f"/applications/{app_id}/offers", json=BODY, token=recruiter)
    assert made.status_code == 201, made.get_json()
    offer = made.get_json()
    assert (offer["status"], offer["salary_amount"], offer["currency"]) == ("draft", "85000.50", "EUR")
    path = f"/offers/{offer['id']}"
    assert api.post(f"{path}/submit", json={}, token=recruiter).get_json()["status"] == "awaiting_approval"
    assert api.post(f"{path}/approve", json={"note": "Fine"}, token=admin).get_json()["status"] == "approved"
    sent = api.post(f"{path}/send", json={}, token=recruiter).get_json()
    assert sent["status"] == "sent" and sent["sent_at"]
    letter = api.get(f"{path}/letter", token=token(hiring["manager"]))
    assert letter.status_code == 200 and letter.mimetype == "text/html"
    assert "Ada Lovelace" in letter.get_data(as_text=True)
    moved = api.post(f"/applications/{app_id}/transitions", json={"to": "hired"}, token=recruiter)
    body = assert_problem(moved, 409)
    assert "accepted offer" in body["detail"]
    from app.services import offers

    offers.respond(hiring["application"], offer["id"], accept=True)
    db.session.commit()
    assert api.post(f"/applications/{app_id}/transitions", json={"to": "hired"}, token=recruiter).status_code == 200
    got = api.get(path, token=recruiter).get_json()
    assert [(h["from_status"], h["to_status"]) for h in got["history"]][-1] == ("sent", "accepted")
    listed = api.get(f"/applications/{app_id}/offers", token=recruiter).get_json()
    assert [item["id"] for item in listed["items"]] == [offer["id"]]


def test_bad_input_is_a_problem_beside_its_field(api, token, hiring):
    recruiter = token(hiring["recruiter"])
    path = f"/applications/{hiring['application'].id}/offers"
    for field, value in (("currency", "XYZ"), ("salary_amount", "0"), ("salary_amount", -1)):
        problem = assert_problem(api.post(path, json={**BODY, field: value}, token=recruiter), 422)
        assert field in problem["errors"]
    assert "bonus" in assert_problem(api.post(path, json={**BODY, "bonus": 1}, token=recruiter), 422)["errors"]
    assert_problem(api.post(path, json=BODY, token=token(hiring["manager"])), 403)


def test_one_open_offer_and_final_states(api, token, hiring):
    recruiter = token(hiring["recruiter"])
    offer = make_offer(hiring, status="accepted")
    path = f"/offers/{offer.id}"
    for step in ("submit", "approve", "send", "withdraw"):
        assert_problem(api.post(f"{path}/{step}", json={}, token=token(hiring["admin"])), 409)
    assert_problem(api.patch(path, json={"salary_amount": "1"}, token=recruiter), 409)
    second = api.post(f"/applications/{hiring['application'].id}/offers", json=BODY, token=recruiter)
    assert second.status_code == 201
    assert_problem(api.post(f"/applications/{hiring['application'].id}/offers", json=BODY, token=recruiter), 409)


def test_approving_your_own_offer_is_forbidden_with_a_message(api, token, hiring):
    admin = token(hiring["admin"])
    made = api.post(f"/applications/{hiring['application'].id}/offers", json=BODY, token=admin).get_json()
    api.post(f"/offers/{made['id']}/submit", json={}, token=admin)
    problem = assert_problem(api.post(f"/offers/{made['id']}/approve", json={}, token=admin), 403)
    assert "someone else must approve" in problem["detail"]
    patch = api.patch(f"/companies/{hiring['company'].id}", json={"offer_self_approval": True}, token=admin)
    assert patch.status_code == 200 and patch.get_json()["offer_self_approval"] is True
    assert api.post(f"/offers/{made['id']}/approve", json={}, token=admin).get_json()["status"] == "approved"


def test_a_stale_version_is_a_conflict_and_changed_terms_need_approval_again(api, token, hiring):
    offer = make_offer(hiring, status="approved")
    recruiter = token(hiring["recruiter"])
    assert_problem(api.patch(f"/offers/{offer.id}", json={"terms": "x", "version": 1}, token=recruiter), 409)
    changed = api.patch(f"/offers/{offer.id}", json={"start_date": "2027-03-01", "version": offer.version},
                        token=recruiter).get_json()  # fmt: skip
    assert (changed["status"], changed["approved_by_id"], changed["start_date"]) == (
        "awaiting_approval", None, "2027-03-01")  # fmt: skip


def test_another_company_gets_404(api, token, hiring, factory):
    offer = make_offer(hiring, status="draft")
    _company, stranger = factory.company()
    other = token(stranger)
    assert_problem(api.get(f"/offers/{offer.id}", token=other), 404)
    assert_problem(api.get(f"/offers/{offer.id}/letter", token=other), 404)
    assert_problem(api.post(f"/offers/{offer.id}/withdraw", json={}, token=other), 404)
    assert_problem(api.get(f"/applications/{hiring['application'].id}/offers", token=other), 404)
    assert_problem(api.get(f"/jobs/{hiring['job'].id}/offer-approvers", token=other), 404)
    assert_problem(api.post(f"/offers/{offer.id}/withdraw", json={}, token=token(hiring["candidate"])), 404)


def test_approvers_through_the_api(api, token, hiring, factory):
    path = f"/jobs/{hiring['job'].id}/offer-approvers"
    recruiter = token(hiring["recruiter"])
    _company, stranger = factory.company()
    problem = assert_problem(api.request("PUT", path, json={"user_ids": [stranger.id]}, token=recruiter), 422)
    assert "user_ids" in problem["errors"]
    saved = api.request("PUT", path, json={"user_ids": [hiring["manager"].id]}, token=recruiter)
    assert saved.status_code == 200
    assert [a["id"] for a in api.get(path, token=token(hiring["manager"])).get_json()["approvers"]] == [
        hiring["manager"].id
    ]
    assert_problem(api.request("PUT", path, json={"user_ids": []}, token=token(hiring["manager"])), 403)


def test_the_letter_template(api, token, hiring):
    admin = token(hiring["admin"])
    got = api.get("/offer-letter-template", token=token(hiring["recruiter"])).get_json()
    assert got["custom"] is False and "{{ candidate.full_name }}" in got["body"]
    assert {"offer.salary", "offer.currency", "offer.start_date"} <= {f["name"] for f in got["merge_fields"]}
    bad = assert_problem(
        api.request("PUT", "/offer-letter-template", json={"body": "{{ candidate.email }}"}, token=admin), 422
    )
    assert "Line 1" in bad["errors"]["body"][0]
    assert_problem(
        api.request("PUT", "/offer-letter-template", json={"body": "<p>Hi</p>"}, token=token(hiring["recruiter"])), 403
    )
    welcome = "<p>Welcome {{ candidate.first_name }}: {{ offer.salary }}</p>"
    saved = api.request("PUT", "/offer-letter-template", json={"body": welcome}, token=admin).get_json()
    assert saved["custom"] is True
    offer = make_offer(hiring, status="sent")
    assert offer.letter_html == "<p>Welcome Ada: 85,000.50 EUR</p>"
    assert api.delete("/offer-letter-template", token=admin).status_code == 204
    assert api.get("/offer-letter-template", token=admin).get_json()["custom"] is False


def test_company_settings(api, token, hiring):
    path = f"/companies/{hiring['company'].id}"
    got = api.get(path).get_json()
    assert (got["hire_requires_offer"], got["offer_self_approval"]) == (True, False)
    problem = assert_problem(api.patch(path, json={"hire_requires_offer": "no"}, token=token(hiring["admin"])), 422)
    assert "hire_requires_offer" in problem["errors"]
    assert api.patch(path, json={"hire_requires_offer": False}, token=token(hiring["admin"])).status_code == 200
    assert_problem(api.patch(path, json={"hire_requires_offer": True}, token=token(hiring["recruiter"])), 403)
