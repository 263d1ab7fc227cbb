"""The application stage machine.

    applied -> screening -> interview -> offer -> hired
    any non-final stage -> rejected   (reason required; recruiter or admin)
    any non-final stage -> withdrawn  (only the candidate who applied)
    hired, rejected and withdrawn are final

The `transitions` library holds the graph and performs the move; who may make a
move is decided here too, so both front doors share one answer.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from transitions import Machine, MachineError

from app.errors import Forbidden, IllegalTransition, ValidationFailed

PIPELINE = ("applied", "screening", "interview", "offer", "hired")
STAGES = (*PIPELINE, "rejected", "withdrawn")
FINAL_STAGES = frozenset({"hired", "rejected", "withdrawn"})
ACTIVE_STAGES = tuple(s for s in STAGES if s not in FINAL_STAGES)

STAGE_LABELS = {
    "applied": "Applied",
    "screening": "Screening",
    "interview": "Interview",
    "offer": "Offer",
    "hired": "Hired",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}

# Each trigger is named after its destination: "to" in the API is the trigger.
_TRANSITIONS: list[dict] = [
    *({"trigger": dest, "source": src, "dest": dest} for src, dest in itertools.pairwise(PIPELINE)),
    {"trigger": "rejected", "source": list(ACTIVE_STAGES), "dest": "rejected"},
    {"trigger": "withdrawn", "source": list(ACTIVE_STAGES), "dest": "withdrawn"},
]

# Who may perform a move into each destination.
_STAFF_MOVERS = frozenset({"recruiter", "admin"})


@dataclass
class _Stage:
    """The object the machine drives; `state` is the stage."""

    state: str


def _machine(stage: str) -> tuple[Machine, _Stage]:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    model = _Stage(stage)
    machine = Machine(
        model=model,
        states=list(STAGES),
        transitions=_TRANSITIONS,
        initial=stage,
        auto_transitions=False,
        model_attribute="state",
    )
    return machine, model


def graph_moves(stage: str) -> list[str]:
    """Every stage reachable in one move from `stage`, whoever moves it."""
    return list(_graph_moves(stage))


@lru_cache(maxsize=len(STAGES))
def _graph_moves(stage: str) -> tuple[str, ...]:
    machine, _ = _machine(stage)
    return tuple(t for t in machine.get_triggers(stage) if t in STAGES)


def may_move(role: str, is_applicant: bool, dest: str) -> bool:
    """Whether an actor of `role` may move an application into `dest`.

    `is_applicant` is true when the actor is the candidate who applied. Company
    membership is checked by the caller before this is asked.
    """
    if dest == "withdrawn":
        return is_applicant
    return role in _STAFF_MOVERS


def allowed_moves(stage: str, role: str, is_applicant: bool) -> list[str]:
    """The moves from `stage` that this actor may make."""
    return [dest for dest in graph_moves(stage) if may_move(role, is_applicant, dest)]


def move(stage: str, dest: str, *, role: str, is_applicant: bool, reason: str | None = None) -> str:
    """Validate and perform one move; returns the new stage.

    Raises Forbidden when the actor may not make such a move at all,
    IllegalTransition when the graph has no such move, ValidationFailed when a rejection has no reason.
    """
    if dest not in STAGES:
        raise ValidationFailed("Unknown stage.", errors={"to": [f"Must be one of: {', '.join(STAGES)}."]})
    if not may_move(role, is_applicant, dest):
        raise Forbidden(_forbidden_detail(role, dest))
    machine, model = _machine(stage)
    if dest not in machine.get_triggers(stage):
        raise IllegalTransition(stage, dest, graph_moves(stage))
    if dest == "rejected" and not (reason or "").strip():
        raise ValidationFailed("A rejection needs a reason.", errors={"reason": ["A reason is required to reject."]})
    try:
        getattr(model, dest)()
    except MachineError as exc:  # pragma: no cover - guarded by the checks above
        raise IllegalTransition(stage, dest, graph_moves(stage)) from exc
    return model.state


def _forbidden_detail(role: str, dest: str) -> str:
    if dest == "withdrawn":
        return "Only the candidate who applied can withdraw an application."
    if role == "candidate":
        return "Candidates can only withdraw their own applications."
    return "Only recruiters and admins can move applications between stages."
