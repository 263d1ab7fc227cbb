"""The stage machine on its own: every legal and illegal move by every role."""

import itertools

import pytest

from app import workflow
from app.errors import Forbidden, IllegalTransition, ValidationFailed

# Candidates acting on their own application or someone else's; staff never apply.
ACTORS = [("candidate", True), ("candidate", False), ("recruiter", False), ("hiring_manager", False), ("admin", False)]
LEGAL = {
    ("applied", "screening"),
    ("screening", "interview"),
    ("interview", "offer"),
    ("offer", "hired"),
    *((s, "rejected") for s in ("applied", "screening", "interview", "offer")),
    *((s, "withdrawn") for s in ("applied", "screening", "interview", "offer")),
}


def test_graph_matches_the_documented_machine():
    for stage in workflow.STAGES:
        expected = {dest for src, dest in LEGAL if src == stage}
        assert set(workflow.graph_moves(stage)) == expected, stage


def test_final_stages_have_no_moves():
    for stage in ("hired", "rejected", "withdrawn"):
        assert workflow.graph_moves(stage) == []


@pytest.mark.parametrize(("src", "dest"), list(itertools.product(workflow.STAGES, workflow.STAGES)))
@pytest.mark.parametrize(("role", "is_applicant"), ACTORS)
def test_every_move_by_every_role(src, dest, role, is_applicant):
    reason = "Not a fit" if dest == "rejected" else None
    permitted = is_applicant if dest == "withdrawn" else role in ("recruiter", "admin")
    if not permitted:
        with pytest.raises(Forbidden):
            workflow.move(src, dest, role=role, is_applicant=is_applicant, reason=reason)
    elif (src, dest) not in LEGAL:
        with pytest.raises(IllegalTransition) as info:
            workflow.move(src, dest, role=role, is_applicant=is_applicant, reason=reason)
        assert info.value.current == src
        assert info.value.allowed == workflow.graph_moves(src)
        assert src in info.value.detail
    else:
        assert workflow.move(src, dest, role=role, is_applicant=is_applicant, reason=reason) == dest


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_rejection_needs_a_reason(reason):
    with pytest.raises(ValidationFailed) as info:
        workflow.move("screening", "rejected", role="recruiter", is_applicant=False, reason=reason)
    assert "reason" in info.value.errors


def test_unknown_destination_is_a_validation_error():
    with pytest.raises(ValidationFailed) as info:
        workflow.move("applied", "promoted", role="admin", is_applicant=False)
    assert "to" in info.value.errors


def test_illegal_move_names_current_stage_and_allowed_moves():
    with pytest.raises(IllegalTransition) as info:
        workflow.move("applied", "offer", role="recruiter", is_applicant=False)
    assert info.value.to_problem()["current_stage"] == "applied"
    assert info.value.to_problem()["allowed"] == ["screening", "rejected", "withdrawn"]


def test_allowed_moves_per_actor():
    assert workflow.allowed_moves("interview", "recruiter", False) == ["offer", "rejected"]
    assert workflow.allowed_moves("interview", "candidate", True) == ["withdrawn"]
    assert workflow.allowed_moves("interview", "candidate", False) == []
    assert workflow.allowed_moves("interview", "hiring_manager", False) == []
    assert workflow.allowed_moves("hired", "admin", False) == []
