"""Pipelines through the API: stage templates, each job's pipeline, rejection reasons, and moves in custom pipelines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import RejectionReason, StageChange, StageTemplate
from app.models.pipelines import DEFAULT_REJECTION_REASONS
from tests.api.conftest import assert_problem

STANDARD_KEYS = ["applied", "screening", "interview", "offer", "hired", "rejected", "withdrawn"]
ENGINEERING = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening", "internal": True},
    {"name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


@pytest.fixture
def acme(world, token) -> dict:
    """Tokens of acme's staff by role, and of globex's admin."""
    return {role: token(world["acme"][role]) for role in ("admin", "recruiter", "hiring_manager")} | {
        "globex": token(world["globex"]["admin"])
    }


def _template(api, access, name="Engineering", stages=ENGINEERING, **fields):
    response = api.post("/stage-templates", json={"name": name, "stages": stages, **fields}, token=access)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _job(api, access, **fields) -> dict:
    response = api.post("/jobs", json={"title": "Engineer", "status": "open", **fields}, token=access)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _apply(api, token, candidate, job_id) -> dict:
    response = api.post(f"/jobs/{job_id}/applications", json={"cover_letter": "Hi", "consent": True},
                        token=token(candidate))  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _move(api, application_id, access, **body):
    return api.post(f"/applications/{application_id}/transitions", json=body, token=access)


# -- Stage templates -------------------------------------------------------------------------------


def test_every_company_starts_with_the_standard_template(api, acme):
    for role in ("admin", "recruiter", "hiring_manager"):
        response = api.get("/stage-templates", token=acme[role])
        assert response.status_code == 200
        (standard,) = response.get_json()["templates"]
        assert (standard["name"], standard["is_default"], standard["allow_skip"]) == ("Standard", True, False)
        assert [s["key"] for s in standard["stages"]] == STANDARD_KEYS
        assert [s["final"] for s in standard["stages"]] == [False] * 4 + [True] * 3


def test_a_new_company_has_its_template_and_reasons_before_anyone_reads_them(factory):
    company, _admin = factory.company("Fresh Co")
    templates = db.session.scalars(select(StageTemplate).where(StageTemplate.company_id == company.id)).all()
    assert [(t.name, t.is_default) for t in templates] == [("Standard", True)]
    reasons = db.session.scalars(
        select(RejectionReason).where(RejectionReason.company_id == company.id).order_by(RejectionReason.position)
    ).all()
    assert [r.label for r in reasons] == list(DEFAULT_REJECTION_REASONS)


def test_admins_create_read_update_and_delete_templates(api, acme):
    made = _template(api, acme["admin"], allow_skip=True)
    assert [s["key"] for s in made["stages"]] == [
        "applied", "phone_screen", "take_home", "onsite", "offer", "hired", "rejected", "withdrawn"]  # fmt: skip
    assert made["stages"][2]["internal"] is True and made["is_default"] is False and made["version"] == 1
    listed = api.get("/stage-templates", token=acme["recruiter"]).get_json()["templates"]
    assert [t["name"] for t in listed] == ["Standard", "Engineering"]  # the default first
    assert api.get(f"/stage-templates/{made['id']}", token=acme["hiring_manager"]).get_json() == made
    stages = [{**s, "name": "Recruiter call"} if s["key"] == "phone_screen" else s for s in made["stages"][:6]]
    stages = [{k: v for k, v in s.items() if k != "final"} for s in stages]
    response = api.patch(f"/stage-templates/{made['id']}", json={"name": "Eng", "stages": stages, "version": 1},
                         token=acme["admin"])  # fmt: skip
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["name"] == "Eng" and changed["version"] == 2
    assert (changed["stages"][1]["key"], changed["stages"][1]["name"]) == ("phone_screen", "Recruiter call")
    # A stale version is refused.
    stale = assert_problem(api.patch(f"/stage-templates/{made['id']}", json={"name": "X", "version": 1},
                                     token=acme["admin"]), 409)  # fmt: skip
    assert stale["version"] == 2
    assert api.delete(f"/stage-templates/{made['id']}", token=acme["admin"]).status_code == 204
    assert_problem(api.get(f"/stage-templates/{made['id']}", token=acme["admin"]), 404)


def test_only_admins_write_templates(api, acme):
    standard = api.get("/stage-templates", token=acme["admin"]).get_json()["templates"][0]
    for role in ("recruiter", "hiring_manager"):
        assert_problem(api.post("/stage-templates", json={"name": "Mine", "stages": ENGINEERING},
                                token=acme[role]), 403)  # fmt: skip
        assert_problem(api.patch(f"/stage-templates/{standard['id']}", json={"name": "Mine"}, token=acme[role]), 403)
        assert_problem(api.delete(f"/stage-templates/{standard['id']}", token=acme[role]), 403)
    assert_problem(api.get("/stage-templates"), 401)


def test_another_companys_template_is_not_found(api, acme):
    theirs = _template(api, acme["globex"], name="Theirs")
    for response in (
        api.get(f"/stage-templates/{theirs['id']}", token=acme["admin"]),
        api.patch(f"/stage-templates/{theirs['id']}", json={"name": "Mine"}, token=acme["admin"]),
        api.delete(f"/stage-templates/{theirs['id']}", token=acme["admin"]),
    ):
        assert_problem(response, 404)
    names = [t["name"] for t in api.get("/stage-templates", token=acme["admin"]).get_json()["templates"]]
    assert names == ["Standard"]


def test_the_default_cannot_be_deleted_or_unset_only_replaced(api, acme):
    standard = api.get("/stage-templates", token=acme["admin"]).get_json()["templates"][0]
    problem = assert_problem(api.delete(f"/stage-templates/{standard['id']}", token=acme["admin"]), 409)
    assert "default" in problem["detail"]
    problem = assert_problem(api.patch(f"/stage-templates/{standard['id']}", json={"is_default": False},
                                       token=acme["admin"]), 409)  # fmt: skip
    assert "is_default" in problem["errors"]
    made = _template(api, acme["admin"], is_default=True)
    listed = api.get("/stage-templates", token=acme["admin"]).get_json()["templates"]
    assert [(t["name"], t["is_default"]) for t in listed] == [("Engineering", True), ("Standard", False)]
    assert api.delete(f"/stage-templates/{standard['id']}", token=acme["admin"]).status_code == 204
    assert_problem(api.delete(f"/stage-templates/{made['id']}", token=acme["admin"]), 409)


@pytest.mark.parametrize(
    ("stages", "field", "message"),
    [
        ([{"name": "In", "category": "applied"}, {"name": "Call", "category": "phone"},
          {"name": "Offer", "category": "offer"}, {"name": "Hired", "category": "hired"}],
         "stages.1.category", "Must be one of"),
        ([{"name": "In", "category": "applied"}, {"name": "Offer", "category": "offer"},
          {"name": "Call", "category": "screening"}, {"name": "Hired", "category": "hired"}],
         "stages", "category order"),
        ([{"name": "In", "category": "applied"}, {"name": "Offer", "category": "offer"},
          {"name": "Hired", "category": "hired"}, {"name": "Hired again", "category": "hired"}],
         "stages", "exactly one stage of the hired category"),
        ([{"name": "In", "category": "applied", "key": "rejected"}, {"name": "Offer", "category": "offer"},
          {"name": "Hired", "category": "hired"}],
         "stages.0.key", "Reserved"),
        ([{"name": "In", "category": "applied", "key": "same"}, {"name": "Offer", "category": "offer", "key": "same"},
          {"name": "Hired", "category": "hired"}],
         "stages.1.key", "Already used"),
        ([{"name": "In", "category": "applied"}, {"name": "Offer", "category": "offer"},
          {"name": "Hired", "category": "hired", "colour": "red"}],
         "stages.2.colour", "Unknown field"),
    ],
)  # fmt: skip
def test_template_errors_name_the_field(api, acme, stages, field, message):
    problem = assert_problem(api.post("/stage-templates", json={"name": "Bad", "stages": stages},
                                      token=acme["admin"]), 422)  # fmt: skip
    assert field in problem["errors"], problem["errors"]
    assert message in " ".join(problem["errors"][field])


def test_a_taken_name_and_unknown_fields_are_refused(api, acme):
    problem = assert_problem(api.post("/stage-templates", json={"name": "standard", "stages": ENGINEERING},
                                      token=acme["admin"]), 409)  # fmt: skip
    assert "name" in problem["errors"]
    problem = assert_problem(api.post("/stage-templates", json={"name": "X", "stages": ENGINEERING, "colour": 1},
                                      token=acme["admin"]), 422)  # fmt: skip
    assert "colour" in problem["errors"]


# -- A job's pipeline ------------------------------------------------------------------------------


def test_a_new_job_copies_the_default_a_chosen_template_or_a_given_pipeline(api, acme, world, token):
    standard_job = _job(api, acme["recruiter"])
    pipeline = api.get(f"/jobs/{standard_job['id']}/pipeline", token=acme["hiring_manager"]).get_json()
    assert [s["key"] for s in pipeline["stages"]] == STANDARD_KEYS
    assert pipeline["version"] == 1 and pipeline["allow_skip"] is False and pipeline["template_id"] is not None
    made = _template(api, acme["admin"], allow_skip=True)
    chosen = _job(api, acme["recruiter"], stage_template_id=made["id"])
    pipeline = api.get(f"/jobs/{chosen['id']}/pipeline", token=acme["recruiter"]).get_json()
    assert [s["key"] for s in pipeline["stages"]][:6] == [s["key"] for s in made["stages"]][:6]
    assert (pipeline["allow_skip"], pipeline["template_id"]) == (True, made["id"])
    given = _job(api, acme["recruiter"], pipeline=[{"name": "New", "category": "applied"},
                 {"name": "Offer", "category": "offer"}, {"name": "Hired", "category": "hired"}],
                 pipeline_allow_skip=False)  # fmt: skip
    pipeline = api.get(f"/jobs/{given['id']}/pipeline", token=acme["recruiter"]).get_json()
    assert [s["key"] for s in pipeline["stages"]] == ["new", "offer", "hired", "rejected", "withdrawn"]
    assert pipeline["template_id"] is None
    # The first stage is where applications enter.
    application = _apply(api, token, world["ada"], given["id"])
    assert application["stage"] == "new" and application["stage_category"] == "applied"


def test_a_new_job_refuses_another_companys_template_and_a_bad_pipeline(api, acme):
    theirs = _template(api, acme["globex"], name="Theirs")
    problem = assert_problem(api.post("/jobs", json={"title": "X", "stage_template_id": theirs["id"]},
                                      token=acme["recruiter"]), 422)  # fmt: skip
    assert "stage_template_id" in problem["errors"]
    problem = assert_problem(api.post("/jobs", json={"title": "X", "pipeline": [{"name": "Only", "category": "x"}]},
                                      token=acme["recruiter"]), 422)  # fmt: skip
    assert "pipeline.0.category" in problem["errors"]


@pytest.mark.parametrize("name", ["Call\x00", "Call \ud800"])
def test_a_given_pipeline_refuses_characters_that_cannot_be_stored(api, acme, name):
    stages = [{"name": "In", "category": "applied"}, {"name": name, "category": "offer"},
              {"name": "Hired", "category": "hired"}]  # fmt: skip
    problem = assert_problem(api.post("/jobs", json={"title": "X", "pipeline": stages}, token=acme["recruiter"]), 422)
    assert problem["errors"] == {"pipeline.1.name": ["Contains a character that is not allowed."]}


def test_the_pipeline_lists_stages_with_their_applications(api, acme, world, token):
    job_id = world["acme"]["job"].id
    application = _apply(api, token, world["ada"], job_id)
    _apply(api, token, world["bob"], job_id)
    assert _move(api, application["id"], acme["recruiter"], to="screening").status_code == 200
    pipeline = api.get(f"/jobs/{job_id}/pipeline", token=acme["hiring_manager"]).get_json()
    counts = {s["key"]: s["applications"] for s in pipeline["stages"]}
    assert counts == {"applied": 1, "screening": 1} | dict.fromkeys(STANDARD_KEYS[2:], 0)
    assert_problem(api.get(f"/jobs/{job_id}/pipeline", token=acme["globex"]), 404)
    assert_problem(api.get(f"/jobs/{job_id}/pipeline", token=token(world["ada"])), 404)


def _stages_of(api, access, job_id) -> tuple[list[dict], int]:
    body = api.get(f"/jobs/{job_id}/pipeline", token=access).get_json()
    stages = [{k: s[k] for k in ("key", "name", "category", "internal")} for s in body["stages"] if not s["final"]]
    stages.append(
        {k: v for k, v in body["stages"][len(stages)].items() if k in ("key", "name", "category", "internal")}
    )
    return stages, body["version"]


def test_put_renames_keeps_keys_adds_and_removes_empty_stages(api, acme, world, token):
    job_id = world["acme"]["job"].id
    application = _apply(api, token, world["ada"], job_id)
    stages, version = _stages_of(api, acme["recruiter"], job_id)
    assert [s["key"] for s in stages] == ["applied", "screening", "interview", "offer", "hired"]
    stages[1]["name"] = "Phone screen"
    stages.insert(3, {"name": "Onsite", "category": "interview", "internal": True})
    del stages[2]  # the empty interview stage goes
    response = api.request("PUT", f"/jobs/{job_id}/pipeline", json={"stages": stages, "version": version},
                           token=acme["recruiter"])  # fmt: skip
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [(s["key"], s["name"]) for s in body["stages"]][:4] == [
        ("applied", "Applied"), ("screening", "Phone screen"), ("onsite", "Onsite"), ("offer", "Offer")]  # fmt: skip
    assert body["version"] == version + 1
    # The application moves through the new stages by their keys.
    assert _move(api, application["id"], acme["recruiter"], to="screening").status_code == 200
    moved = _move(api, application["id"], acme["recruiter"], to="onsite")
    assert moved.status_code == 200 and moved.get_json()["stage_name"] == "Onsite"
    problem = assert_problem(_move(api, application["id"], acme["recruiter"], to="interview"), 422)
    assert "to" in problem["errors"]


def test_a_new_stage_named_like_a_kept_one_gets_a_key_of_its_own(api, acme, world, token):
    job_id = world["acme"]["job"].id
    application = _apply(api, token, world["ada"], job_id)
    assert _move(api, application["id"], acme["recruiter"], to="screening").status_code == 200
    stages, _version = _stages_of(api, acme["recruiter"], job_id)
    stages.insert(1, {"name": "Screening", "category": "screening"})  # before the kept "screening" stage
    response = api.request("PUT", f"/jobs/{job_id}/pipeline", json={"stages": stages}, token=acme["recruiter"])
    assert response.status_code == 200, response.get_json()
    keys = [s["key"] for s in response.get_json()["stages"]]
    assert keys[:3] == ["applied", "screening_2", "screening"]
    detail = api.get(f"/applications/{application['id']}", token=acme["recruiter"]).get_json()
    assert detail["stage"] == "screening"


def test_put_refuses_to_remove_an_occupied_stage_a_stale_version_and_bad_stages(api, acme, world, token):
    job_id = world["acme"]["job"].id
    for who in ("ada", "bob"):
        application = _apply(api, token, world[who], job_id)
        assert _move(api, application["id"], acme["recruiter"], to="screening").status_code == 200
    stages, version = _stages_of(api, acme["admin"], job_id)
    without_screening = [s for s in stages if s["key"] != "screening"]

    def put(body, who="admin"):
        return api.request("PUT", f"/jobs/{job_id}/pipeline", json=body, token=acme[who])

    problem = assert_problem(put({"stages": without_screening, "version": version}), 409)
    assert problem["occupied"] == [{"stage": "screening", "name": "Screening", "applications": 2}]
    assert "2 in Screening (screening)" in problem["detail"]
    recategorised = [{**s, "category": "interview"} if s["key"] == "screening" else s for s in stages]
    problem = assert_problem(put({"stages": recategorised}), 409)
    assert problem["recategorised"] == ["screening"]
    problem = assert_problem(put({"stages": stages, "version": version + 5}), 409)
    assert problem["type"] == "/problems/stale-update" and problem["version"] == version
    bad = [{**s, "name": ""} if s["key"] == "offer" else s for s in stages]
    problem = assert_problem(put({"stages": bad}), 422)
    assert any(field.startswith("stages.3") for field in problem["errors"]), problem["errors"]
    problem = assert_problem(put({"stages": [*stages[:4], {"name": "Hired", "category": "hired", "key": "offer"}]}),
                             422)  # fmt: skip
    assert "stages.4.key" in problem["errors"]
    assert_problem(put({"stages": stages}, "hiring_manager"), 403)
    assert_problem(put({"stages": stages}, "globex"), 404)
    after, after_version = _stages_of(api, acme["admin"], job_id)
    assert (after, after_version) == (stages, version)


# -- Rejection reasons -----------------------------------------------------------------------------


def test_reasons_are_listed_added_relabelled_reordered_and_archived(api, acme):
    listed = api.get("/rejection-reasons", token=acme["recruiter"]).get_json()["reasons"]
    assert [r["label"] for r in listed] == list(DEFAULT_REJECTION_REASONS)
    made = api.post("/rejection-reasons", json={"label": "Salary too high"}, token=acme["admin"])
    assert made.status_code == 201
    reason = made.get_json()
    assert reason["position"] > listed[-1]["position"] and reason["archived"] is False
    patched = api.patch(f"/rejection-reasons/{reason['id']}", json={"label": "Salary", "position": 0},
                        token=acme["admin"])  # fmt: skip
    assert patched.status_code == 200 and patched.get_json()["label"] == "Salary"
    labels = [r["label"] for r in api.get("/rejection-reasons", token=acme["admin"]).get_json()["reasons"]]
    assert labels[:2] == ["Not enough experience", "Salary"]  # by position, then the older first
    assert api.delete(f"/rejection-reasons/{reason['id']}", token=acme["admin"]).status_code == 204
    labels = [r["label"] for r in api.get("/rejection-reasons", token=acme["admin"]).get_json()["reasons"]]
    assert "Salary" not in labels
    every = api.get("/rejection-reasons?include_archived=true", token=acme["admin"]).get_json()["reasons"]
    assert [r["archived"] for r in every if r["label"] == "Salary"] == [True]
    restored = api.patch(f"/rejection-reasons/{reason['id']}", json={"archived": False}, token=acme["admin"])
    assert restored.get_json()["archived"] is False


def test_only_admins_write_reasons_and_only_their_companys(api, acme):
    first = api.get("/rejection-reasons", token=acme["admin"]).get_json()["reasons"][0]
    for role in ("recruiter", "hiring_manager"):
        assert_problem(api.post("/rejection-reasons", json={"label": "Mine"}, token=acme[role]), 403)
        assert_problem(api.patch(f"/rejection-reasons/{first['id']}", json={"label": "Mine"}, token=acme[role]), 403)
        assert_problem(api.delete(f"/rejection-reasons/{first['id']}", token=acme[role]), 403)
    assert_problem(api.patch(f"/rejection-reasons/{first['id']}", json={"label": "Mine"}, token=acme["globex"]), 404)
    assert_problem(api.delete(f"/rejection-reasons/{first['id']}", token=acme["globex"]), 404)
    problem = assert_problem(api.post("/rejection-reasons", json={"label": ""}, token=acme["admin"]), 422)
    assert "label" in problem["errors"]
    problem = assert_problem(api.patch(f"/rejection-reasons/{first['id']}", json={"colour": "red"},
                                       token=acme["admin"]), 422)  # fmt: skip
    assert "colour" in problem["errors"]


def test_rejecting_with_a_reason_id_records_it(api, acme, world, token):
    application = _apply(api, token, world["ada"], world["acme"]["job"].id)
    reasons = api.get("/rejection-reasons", token=acme["recruiter"]).get_json()["reasons"]
    theirs = api.post("/rejection-reasons", json={"label": "Theirs"}, token=acme["globex"]).get_json()
    archived = reasons[1]
    assert api.delete(f"/rejection-reasons/{archived['id']}", token=acme["admin"]).status_code == 204
    for reason_id in (theirs["id"], archived["id"], 999999):
        problem = assert_problem(_move(api, application["id"], acme["recruiter"], to="rejected", reason_id=reason_id),
                                 422)  # fmt: skip
        assert "reason_id" in problem["errors"]
    problem = assert_problem(_move(api, application["id"], acme["recruiter"], to="rejected"), 422)
    assert "reason" in problem["errors"]
    response = _move(api, application["id"], acme["recruiter"], to="rejected", reason_id=reasons[0]["id"],
                     note="Private")  # fmt: skip
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["history"][-1]["reason"] == reasons[0]["label"]
    change = db.session.scalars(
        select(StageChange).where(StageChange.application_id == application["id"]).order_by(StageChange.id.desc())
    ).first()
    assert (change.to_stage, change.reason_id, change.reason, change.note) == (
        "rejected", reasons[0]["id"], reasons[0]["label"], "Private")  # fmt: skip
    # The candidate never sees the reason.
    mine = api.get(f"/applications/{application['id']}/history", token=token(world["ada"])).get_json()
    assert mine[-1]["to_stage"] == "rejected" and mine[-1].get("reason") is None and mine[-1].get("note") is None


# -- Moves in custom pipelines ---------------------------------------------------------------------

QUICK = [
    {"name": "New", "category": "applied"},
    {"name": "Culture chat", "category": "screening", "internal": True},
    {"name": "Panel", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]


def test_a_skipping_pipeline_moves_from_applied_to_offer_to_hired(api, acme, world, token):
    template = _template(api, acme["admin"], name="Quick", stages=QUICK, allow_skip=True)
    job = _job(api, acme["recruiter"], stage_template_id=template["id"])
    application = _apply(api, token, world["ada"], job["id"])
    assert application["stage"] == "new"
    detail = api.get(f"/applications/{application['id']}", token=acme["recruiter"]).get_json()
    assert detail["allowed_transitions"] == ["culture_chat", "panel", "offer", "rejected"]  # never straight to hired
    assert_problem(_move(api, application["id"], acme["recruiter"], to="hired"), 409)
    offered = _move(api, application["id"], acme["recruiter"], to="offer")
    assert offered.status_code == 200 and offered.get_json()["stage_category"] == "offer"
    hired = _move(api, application["id"], acme["recruiter"], to="hired")
    assert hired.status_code == 200
    assert [h["to_stage"] for h in hired.get_json()["history"]] == ["new", "offer", "hired"]


def test_without_skipping_the_conflict_lists_what_is_allowed(api, acme, world, token):
    template = _template(api, acme["admin"], name="Strict", stages=QUICK)
    job = _job(api, acme["recruiter"], stage_template_id=template["id"])
    application = _apply(api, token, world["ada"], job["id"])
    problem = assert_problem(_move(api, application["id"], acme["recruiter"], to="offer"), 409)
    assert problem["type"] == "/problems/illegal-transition"
    assert (problem["current_stage"], problem["allowed"]) == ("new", ["culture_chat", "rejected", "withdrawn"])


def test_a_candidate_sees_an_internal_stage_by_its_category(api, acme, world, token):
    template = _template(api, acme["admin"], name="Quick", stages=QUICK)
    job = _job(api, acme["recruiter"], stage_template_id=template["id"])
    application = _apply(api, token, world["ada"], job["id"])
    staff = _move(api, application["id"], acme["recruiter"], to="culture_chat").get_json()
    assert (staff["stage"], staff["stage_name"], staff["stage_category"]) == (
        "culture_chat", "Culture chat", "screening")  # fmt: skip
    ada = token(world["ada"])
    mine = api.get(f"/applications/{application['id']}", token=ada).get_json()
    assert (mine["stage"], mine["stage_name"], mine["stage_category"]) == ("screening", "Screening", "screening")
    assert "Culture chat" not in str(mine) and "culture_chat" not in str(mine)
    listed = api.get("/applications", token=ada).get_json()
    assert "culture_chat" not in str(listed) and "Culture chat" not in str(listed)
    history = api.get(f"/applications/{application['id']}/history", token=ada).get_json()
    assert [h["to_stage"] for h in history] == ["new", "screening"]
    # A stage that is not internal reads by its own name.
    _move(api, application["id"], acme["recruiter"], to="panel")
    assert api.get(f"/applications/{application['id']}", token=ada).get_json()["stage_name"] == "Panel"
