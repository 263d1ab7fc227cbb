"""The questions and report over the API, the pages, granting the role, erasure reaching the answers."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import EeoResponse, User
from app.services import api_keys, eeo, erasure, status_links
from tests.api.conftest import assert_problem
from tests.eeo.conftest import MARKER, add_applicant
from tests.web.conftest import csrf, login

QUESTIONS = [{"key": "gender", "label": "Gender", "options": ["Woman", "Man"]}]


def test_admins_get_and_put_the_questions(api, token, world, compliance):
    acme = world["acme"]
    admin = token(acme["admin"])
    assert api.get("/eeo/questions", token=admin).get_json()["questions"] == eeo.DEFAULT_QUESTIONS
    response = api.put("/eeo/questions", token=admin, json={"questions": QUESTIONS})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["questions"][0]["options"] == ["Woman", "Man", eeo.PREFER_NOT]
    assert api.get("/eeo/questions", token=token(compliance)).get_json() == response.get_json()
    assert_problem(api.put("/eeo/questions", token=token(compliance), json={"questions": QUESTIONS}), 403)
    assert_problem(api.put("/eeo/questions", token=admin, json={"questions": QUESTIONS, "x": 1}), 422)
    assert_problem(api.put("/eeo/questions", token=admin, json={"questions": [{"key": "k"}]}), 422)
    assert_problem(api.get("/eeo/questions", token=token(acme["recruiter"])), 403)


def test_the_report_over_the_api(api, token, world, compliance):
    acme = world["acme"]
    for n in range(5):
        eeo.submit(add_applicant(acme, n), {"gender": "Man"})
    db.session.commit()
    body = api.get(f"/eeo/report?job_id={acme['job'].id}", token=token(compliance)).get_json()
    man = next(g for g in body["questions"][0]["groups"] if g["answer"] == "Man")
    assert man["counts"] == {"applied": 5, "screening": "<5", "interview": "<5", "offer": "<5", "hired": "<5"}
    assert_problem(api.get("/eeo/report", token=token(acme["hiring_manager"])), 403)
    assert_problem(api.get("/eeo/report?nope=1", token=token(compliance)), 422)
    assert_problem(api.get(f"/eeo/report?job_id={world['globex']['job'].id}", token=token(compliance)), 404)
    key = api_keys.create_key(acme["admin"], name="All", scopes=list(api_keys.SCOPES)).secret
    db.session.commit()
    assert api.get("/eeo/report", token=key).status_code in (401, 403)  # keys may not read it


def test_an_admin_grants_the_compliance_role(api, token, world, factory):
    acme = world["acme"]
    company_id = acme["company"].id
    response = api.patch(
        f"/companies/{company_id}/members/{acme['hiring_manager'].id}",
        token=token(acme["admin"]),
        json={"role": "compliance"},
    )
    assert response.status_code == 200, response.get_json()
    assert db.session.get(User, acme["hiring_manager"].id).role == "compliance"
    invited = api.post(
        f"/companies/{company_id}/members",
        token=token(acme["admin"]),
        json={"email": "auditor@acme.example", "full_name": "Audra Auditor", "role": "compliance"},
    )
    assert invited.status_code == 201, invited.get_json()
    assert_problem(
        api.patch(f"/companies/{company_id}/members/{acme['admin'].id}", token=token(acme["recruiter"]),
                  json={"role": "compliance"}), 403)  # fmt: skip


def test_the_team_page_offers_the_role(client, world):
    assert login(client, world["acme"]["admin"]).status_code == 302
    assert 'value="compliance"' in client.get("/dashboard/team").get_data(as_text=True)


def test_compliance_signs_in_to_the_report_and_sees_only_it(client, world, compliance, marked):
    response = login(client, compliance)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/eeo")
    page = client.get("/dashboard/eeo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Woman" in html and "&lt;5" in html and MARKER not in html
    assert "Equal-opportunity report" in html and "/dashboard/candidates" not in html and "/dashboard/jobs" not in html
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/eeo/questions").status_code == 403
    assert client.get("/dashboard/eeo?from=bad").status_code == 422


def test_admins_edit_the_questions_on_their_page(client, world):
    assert login(client, world["acme"]["admin"]).status_code == 302
    page = client.get("/dashboard/eeo/questions")
    assert page.status_code == 200 and "gender | Gender | Woman" in page.get_data(as_text=True)
    token = csrf(client, "/dashboard/eeo/questions")
    bad = client.post("/dashboard/eeo/questions", data={"csrf_token": token, "questions": "just words"})
    assert bad.status_code == 422 and "Line 1" in bad.get_data(as_text=True)
    good = client.post(
        "/dashboard/eeo/questions", data={"csrf_token": token, "questions": "band | Age band | Under 40; 40+"}
    )
    assert good.status_code == 302
    assert eeo.questions_for(world["acme"]["company"].id)[0]["options"] == ["Under 40", "40+", eeo.PREFER_NOT]


def test_the_candidate_answers_once_on_their_application_page(client, world, factory):
    acme = world["acme"]
    application = factory.application(world["ada"], acme["job"])
    assert login(client, world["ada"]).status_code == 302
    url = f"/me/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="eeo-survey"' in page and "Prefer not to say" in page
    token = csrf(client, url)
    response = client.post(f"{url}/eeo", data={"csrf_token": token, "eeo_gender": "Woman", "submit": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(EeoResponse.answers)) == {"gender": "Woman"}
    assert 'id="eeo-survey"' not in client.get(url).get_data(as_text=True)
    again = client.post(f"{url}/eeo", data={"csrf_token": token, "eeo_gender": "Man", "submit": "1"})
    assert again.status_code == 302 and db.session.scalar(select(EeoResponse.answers)) == {"gender": "Woman"}
    other = factory.application(world["bob"], acme["job"])
    assert client.post(f"/me/applications/{other.id}/eeo", data={"csrf_token": token}).status_code == 404


def test_a_guest_skips_on_the_status_page(client, world):
    application = add_applicant(world["acme"], 1)
    link = status_links.replace(application)
    db.session.commit()
    page = client.get(f"/status/{link}")
    assert 'id="eeo-survey"' in page.get_data(as_text=True)
    token = csrf(client, f"/status/{link}")
    response = client.post(f"/status/{link}/eeo", data={"csrf_token": token, "eeo_gender": "Man", "skip": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(EeoResponse.answers)) == {}
    assert 'id="eeo-survey"' not in client.get(f"/status/{link}").get_data(as_text=True)


def test_erasure_deletes_the_answers(world, marked):
    erasure.erase(world["acme"]["admin"], marked.candidate_id)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(EeoResponse)) == 0
