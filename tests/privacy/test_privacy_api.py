"""The API of retention and erasure: admins only, clear problems for bad input, nothing done when refused."""

from __future__ import annotations

from app.extensions import db
from app.models import Candidate
from tests.api.conftest import assert_problem
from tests.privacy.conftest import NAME, make_person


def test_policy_preview_run_and_history(api, token, world):
    acme = world["acme"]
    someone = make_person(acme)
    admin = token(acme["admin"])
    assert api.get("/retention-policy", token=admin).get_json() == {
        "retention_days": None,
        "retention_hired_days": None,
    }
    problem = assert_problem(
        api.put("/retention-policy", token=admin, json={"retention_days": 0, "retention_hired_days": None}), 422
    )
    assert "At least 1 day" in problem["errors"]["retention_days"][0]
    assert_problem(api.put("/retention-policy", token=admin, json={"retention_days": 5, "surprise": 1}), 422)
    policy = {"retention_days": 5, "retention_hired_days": None}
    assert_problem(api.put("/retention-policy", token=token(acme["recruiter"]), json=policy), 403)
    saved = api.put("/retention-policy", token=admin, json={"retention_days": 30, "retention_hired_days": 90})
    assert saved.status_code == 200 and saved.get_json()["retention_days"] == 30
    assert api.get("/retention-policy/preview", token=admin).get_json()["due"] == []  # still in applied
    ran = api.post("/retention-runs", token=admin)
    assert ran.status_code == 201 and ran.get_json()["count"] == 0
    assert [r["trigger"] for r in api.get("/retention-runs", token=admin).get_json()["runs"]] == ["admin"]
    assert db.session.get(Candidate, someone.candidate_id).anonymised_at is None


def test_erase_hold_and_consent(api, token, world):
    acme, globex = world["acme"], world["globex"]
    someone = make_person(acme)
    admin = token(acme["admin"])
    url = f"/candidates/{someone.candidate_id}"
    assert_problem(api.post(f"{url}/erase", token=token(globex["admin"])), 404)
    assert_problem(api.post(f"{url}/erase", token=token(acme["recruiter"])), 403)
    assert_problem(api.put(f"{url}/legal-hold", token=admin, json={"reason": ""}), 422)
    held = api.put(f"{url}/legal-hold", token=admin, json={"reason": "Tribunal claim"})
    assert held.status_code == 200 and held.get_json()["legal_hold_reason"] == "Tribunal claim"
    assert "legal hold" in assert_problem(api.post(f"{url}/erase", token=admin), 409)["detail"]
    db.session.expire_all()
    assert db.session.get(Candidate, someone.candidate_id).full_name == NAME
    assert api.delete(f"{url}/legal-hold", token=admin).get_json()["legal_hold_at"] is None
    withdrawn = api.post(f"{url}/consent-withdrawal", token=token(acme["recruiter"]))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["consent_withdrawn_at"]
    assert_problem(api.post(f"{url}/consent-withdrawal", token=token(acme["recruiter"])), 409)
    erased = api.post(f"{url}/erase", token=admin)
    assert erased.status_code == 200 and erased.get_json() == {
        "candidate_id": someone.candidate_id,
        "applications": 1,
        "files": 2,
    }
    profile = api.get(url, token=admin).get_json()
    assert profile["full_name"] == f"Erased candidate #{someone.candidate_id}" and profile["email"] is None
