"""The retention page and a candidate's privacy actions in the dashboard: admins only, messages on bad input."""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.models import Application, Candidate
from app.models.base import utcnow
from tests.privacy.conftest import NAME, make_person
from tests.web.conftest import csrf, login

PAGE = "/dashboard/privacy/retention"


def test_admin_sets_the_policy_sees_who_is_due_and_runs_it(factory, client):
    tenant = factory.tenant()
    someone = make_person(tenant)
    db.session.execute(
        update(Application)
        .where(Application.id == someone.application_id)
        .values(stage="rejected", stage_category="rejected", stage_entered_at=utcnow().replace(year=2020))
    )
    db.session.commit()
    login(client, tenant["admin"])
    page = client.get(PAGE)
    assert page.status_code == 200 and "No policy" in page.get_data(as_text=True)
    token = csrf(client, PAGE)
    refused = client.post(PAGE, data={"csrf_token": token, "retention_days": "0", "retention_hired_days": ""})
    assert refused.status_code == 422 and "At least 1 day" in refused.get_data(as_text=True)
    saved = client.post(PAGE, data={"csrf_token": token, "retention_days": "365", "retention_hired_days": ""})
    assert saved.status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    assert "Due now (1)" in html and NAME in html and "more than 365 days ago" in html
    assert client.post(f"{PAGE}/run", data={"csrf_token": token}).status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    assert "Due now (0)" in html and "admin" in html
    assert db.session.get(Candidate, someone.candidate_id).anonymised_at is not None


def test_only_admins_reach_the_page_and_erase(factory, client):
    tenant = factory.tenant()
    someone = make_person(tenant)
    login(client, tenant["recruiter"])
    assert client.get(PAGE).status_code == 403
    profile = f"/dashboard/candidates/{someone.candidate_id}"
    html = client.get(profile).get_data(as_text=True)
    assert "Record withdrawn consent" in html and "Erase this candidate" not in html
    token = csrf(client, profile)
    assert client.post(f"{profile}/erase", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{profile}/consent-withdrawal", data={"csrf_token": token}).status_code == 302
    assert "Consent withdrawn" in client.get(profile).get_data(as_text=True)


def test_hold_blocks_erasure_on_the_profile(factory, client):
    tenant = factory.tenant()
    someone = make_person(tenant)
    login(client, tenant["admin"])
    profile = f"/dashboard/candidates/{someone.candidate_id}"
    token = csrf(client, profile)
    client.post(f"{profile}/legal-hold", data={"csrf_token": token, "reason": "Tribunal <b>claim</b>"})
    html = client.get(profile).get_data(as_text=True)
    assert "Tribunal &lt;b&gt;claim&lt;/b&gt;" in html and "Erase this candidate" not in html
    client.post(f"{profile}/legal-hold/lift", data={"csrf_token": token})
    erased = client.post(f"{profile}/erase", data={"csrf_token": token}, follow_redirects=True)
    html = erased.get_data(as_text=True)
    assert "Erased: 1 application(s) emptied, 2 file(s) deleted." in html
    assert f"Erased candidate #{someone.candidate_id}" in html and NAME not in html
