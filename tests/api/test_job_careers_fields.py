"""The API's job fields for the careers site: department, headcount, closing date, salary visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import assert_problem


def _future(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def test_create_and_read_the_new_fields(api, world, token):
    recruiter = world["acme"]["recruiter"]
    closes = _future()
    body = {
        "title": "Welder",
        "department": "Workshop",
        "headcount": 2,
        "closes_at": closes,
        "salary_visible": False,
        "status": "open",
    }
    response = api.post("/jobs", json=body, token=token(recruiter))
    assert response.status_code == 201, response.get_data(as_text=True)
    job = response.get_json()
    assert (job["department"], job["headcount"], job["salary_visible"]) == ("Workshop", 2, False)
    assert datetime.fromisoformat(job["closes_at"]) == datetime.fromisoformat(closes)
    patched = api.patch(f"/jobs/{job['id']}", json={"headcount": 5, "closes_at": None}, token=token(recruiter))
    assert patched.status_code == 200
    assert patched.get_json()["headcount"] == 5 and patched.get_json()["closes_at"] is None


def test_bad_values_are_refused_field_by_field(api, world, token):
    auth = token(world["acme"]["recruiter"])
    cases = [
        ({"headcount": 0}, "headcount"),
        ({"headcount": 10_001}, "headcount"),
        ({"headcount": "2"}, "headcount"),
        ({"department": "d" * 101}, "department"),
        ({"salary_visible": "no"}, "salary_visible"),
        ({"closes_at": "2030-01-01T10:00:00"}, "closes_at"),  # no timezone
        ({"closes_at": "tomorrow"}, "closes_at"),
        ({"closes_at": "2020-01-01T10:00:00Z"}, "closes_at"),  # the past
    ]
    for fields, name in cases:
        problem = assert_problem(api.post("/jobs", json={"title": "X", **fields}, token=auth), 422)
        assert name in problem["errors"], (fields, problem)


def test_an_unpublished_salary_is_shown_to_the_company_only(api, world, token):
    recruiter = world["acme"]["recruiter"]
    body = {"title": "Quiet pay", "salary_min": 50_000, "salary_max": 60_000, "salary_currency": "EUR"}
    created = api.post("/jobs", json={**body, "status": "open", "salary_visible": False}, token=token(recruiter))
    job_id = created.get_json()["id"]
    for who in (None, world["ada"], world["globex"]["admin"]):
        auth = token(who) if who else None
        read = api.get(f"/jobs/{job_id}", token=auth).get_json()
        assert (read["salary_min"], read["salary_max"], read["salary_currency"]) == (None, None, None)
        listed = next(j for j in api.get("/jobs", token=auth).get_json()["items"] if j["id"] == job_id)
        assert listed["salary_min"] is None and listed["salary_visible"] is False
    own = api.get(f"/jobs/{job_id}", token=token(world["acme"]["hiring_manager"])).get_json()
    assert (own["salary_min"], own["salary_max"], own["salary_currency"]) == (50_000, 60_000, "EUR")
    api.patch(f"/jobs/{job_id}", json={"salary_visible": True}, token=token(recruiter))
    assert api.get(f"/jobs/{job_id}").get_json()["salary_min"] == 50_000


def test_openapi_documents_the_new_fields(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for name in ("JobIn", "JobPatch", "JobOut"):
        props = schemas[name]["properties"]
        assert {"department", "headcount", "closes_at", "salary_visible"} <= set(props), name
    assert schemas["JobIn"]["properties"]["headcount"]["maximum"] == 10_000
    assert schemas["JobOut"]["properties"]["closes_at"]["format"] == "date-time"
