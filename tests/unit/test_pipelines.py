"""Machines built from pipelines other than the Standard one, and the rules every pipeline keeps."""

import pytest

from app import workflow
from app.errors import Forbidden, IllegalTransition, ValidationFailed


def stage(key, category, name=None, internal=False):
    return {"key": key, "name": name or key.replace("_", " ").capitalize(), "category": category, "internal": internal}


ENGINEERING = [
    stage("applied", "applied"),
    stage("phone_screen", "screening"),
    stage("take_home", "screening", internal=True),
    stage("technical", "interview"),
    stage("onsite", "interview"),
    stage("offer", "offer"),
    stage("hired", "hired"),
]
WAREHOUSE = [stage("applied", "applied"), stage("offer", "offer"), stage("hired", "hired")]


def test_without_skipping_each_stage_leads_to_the_next_only():
    pipeline = workflow.compile_pipeline(ENGINEERING)
    assert pipeline.graph_moves("applied") == ["phone_screen", "rejected", "withdrawn"]
    assert pipeline.graph_moves("phone_screen") == ["take_home", "rejected", "withdrawn"]
    assert pipeline.graph_moves("onsite") == ["offer", "rejected", "withdrawn"]
    assert pipeline.graph_moves("offer") == ["hired", "rejected", "withdrawn"]
    for final in ("hired", "rejected", "withdrawn"):
        assert pipeline.graph_moves(final) == []


def test_skipping_forward_reaches_every_later_stage_but_hired_only_from_an_offer():
    pipeline = workflow.compile_pipeline(ENGINEERING, allow_skip=True)
    assert pipeline.graph_moves("applied") == [
        "phone_screen", "take_home", "technical", "onsite", "offer", "rejected", "withdrawn",
    ]  # fmt: skip
    assert "hired" not in pipeline.graph_moves("onsite")
    assert pipeline.move("applied", "onsite", role="recruiter", is_applicant=False) == "onsite"
    with pytest.raises(IllegalTransition) as info:
        pipeline.move("applied", "hired", role="recruiter", is_applicant=False)
    assert info.value.to_problem()["current_stage"] == "applied"
    assert "hired" not in info.value.to_problem()["allowed"]


def test_no_moving_backwards_even_when_skipping():
    pipeline = workflow.compile_pipeline(ENGINEERING, allow_skip=True)
    with pytest.raises(IllegalTransition):
        pipeline.move("onsite", "phone_screen", role="admin", is_applicant=False)


def test_a_short_pipeline_goes_straight_to_the_offer():
    pipeline = workflow.compile_pipeline(WAREHOUSE)
    assert pipeline.graph_moves("applied") == ["offer", "rejected", "withdrawn"]
    assert pipeline.move("offer", "hired", role="admin", is_applicant=False) == "hired"


def test_roles_and_reasons_are_the_same_in_every_pipeline():
    pipeline = workflow.compile_pipeline(ENGINEERING)
    with pytest.raises(Forbidden):
        pipeline.move("applied", "phone_screen", role="hiring_manager", is_applicant=False)
    with pytest.raises(Forbidden):
        pipeline.move("applied", "withdrawn", role="recruiter", is_applicant=False)
    assert pipeline.move("take_home", "withdrawn", role="candidate", is_applicant=True) == "withdrawn"
    with pytest.raises(ValidationFailed) as info:
        pipeline.move("technical", "rejected", role="recruiter", is_applicant=False, reason=" ")
    assert "reason" in info.value.errors
    assert pipeline.allowed_moves("technical", "candidate", True) == ["withdrawn"]


def test_a_key_of_another_pipeline_is_unknown_here():
    pipeline = workflow.compile_pipeline(WAREHOUSE)
    with pytest.raises(ValidationFailed) as info:
        pipeline.move("applied", "phone_screen", role="recruiter", is_applicant=False)
    assert "to" in info.value.errors


def test_categories_labels_and_what_candidates_see():
    pipeline = workflow.compile_pipeline(ENGINEERING)
    assert pipeline.keys_in(["screening"]) == ["phone_screen", "take_home"]
    assert pipeline.category("take_home") == "screening"
    assert pipeline.label("take_home") == "Take home"
    assert pipeline.public_label("take_home") == "Screening"  # internal: its category
    assert pipeline.public_key("take_home") == "screening"
    assert pipeline.public_label("phone_screen") == "Phone screen"
    assert pipeline.public_key("phone_screen") == "phone_screen"


def test_compiled_once_per_distinct_pipeline():
    assert workflow.compile_pipeline(ENGINEERING) is workflow.compile_pipeline([dict(s) for s in ENGINEERING])
    assert workflow.compile_pipeline(ENGINEERING) is not workflow.compile_pipeline(ENGINEERING, allow_skip=True)
    assert workflow.compile_pipeline(workflow.standard_stages_json()) is workflow.STANDARD


def test_the_standard_pipeline_is_the_former_machine():
    assert workflow.STANDARD.keys == workflow.STAGES
    for key in workflow.STAGES:
        assert workflow.STANDARD.graph_moves(key) == workflow.graph_moves(key)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([stage("screen", "screening"), stage("offer", "offer"), stage("hired", "hired")], "first stage"),
        (
            [
                stage("a", "applied"),
                stage("i", "interview"),
                stage("s", "screening"),
                stage("o", "offer"),
                stage("h", "hired"),
            ],
            "category order",
        ),
        ([stage("a", "applied"), stage("o", "offer")], "exactly one"),
        ([stage("a", "applied"), stage("i", "interview"), stage("h", "hired")], "offer category"),
        ([stage("a", "applied"), stage("o", "offer"), stage("h", "hired"), stage("h2", "hired")], "exactly one"),
    ],
)
def test_pipelines_that_break_the_rules_are_refused(stages, message):
    _, errors = workflow.validate_stages(stages)
    assert message in " ".join(errors["stages"])


def test_stage_fields_are_checked_one_by_one():
    raw = [
        {"name": "Applied", "category": "applied"},
        {"key": "rejected", "name": "Screen", "category": "screening"},
        {"key": "Bad Key", "name": "X", "category": "screening"},
        {"name": "", "category": "nope"},
        {"name": "Offer", "category": "offer", "internal": "yes"},
        {"name": "Hired", "category": "hired"},
    ]
    _, errors = workflow.validate_stages(raw)
    assert set(errors) == {"stages.1.key", "stages.2.key", "stages.3.name", "stages.3.category", "stages.4.internal"}


def test_keys_are_made_from_names_and_kept_unique():
    clean, errors = workflow.validate_stages(
        [
            {"name": "Applied", "category": "applied"},
            {"name": "Phone screen!", "category": "screening"},
            {"name": "Phone  screen", "category": "screening"},
            {"name": "2nd interview", "category": "interview"},
            {"name": "Offer", "category": "offer"},
            {"name": "Hired", "category": "hired"},
        ]
    )
    assert errors == {}
    assert [s["key"] for s in clean] == [
        "applied",
        "phone_screen",
        "phone_screen_2",
        "s_2nd_interview",
        "offer",
        "hired",
    ]
    assert clean[2]["name"] == "Phone screen"


def test_too_many_stages_or_none():
    assert workflow.validate_stages([])[1]
    many = [stage(f"s{n}", "screening") for n in range(workflow.MAX_STAGES + 1)]
    assert "At most" in workflow.validate_stages(many)[1]["stages"][0]
