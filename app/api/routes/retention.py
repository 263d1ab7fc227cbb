"""Personal data: the company's retention policy, its preview and runs; erasing a candidate on request,
legal holds and withdrawn consent. Admins (withdrawn consent: recruiters too); API keys are refused."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.schemas.retention import (
    CandidateErasedOut,
    CandidatePrivacyOut,
    LegalHoldIn,
    RetentionPolicyIn,
    RetentionPolicyOut,
    RetentionPreviewOut,
    RetentionRunList,
    RetentionRunOut,
)
from app.models import Candidate
from app.services import erasure, retention

blp = Blueprint(
    "api_retention",
    __name__,
    url_prefix="/api/v1",
    tag="Retention and erasure",
    description="Retention, erasure, legal holds",
)

CANDIDATE = f"/candidates/<{ID}:candidate_id>"


def _due_out(item: retention.Due) -> dict:
    return {
        "candidate_id": item.candidate_id,
        "full_name": item.full_name,
        "rule": item.rule,
        "ended_at": item.ended_at,
        "why": item.why,
    }


def _state(candidate: Candidate) -> dict:
    return {
        "candidate_id": candidate.id,
        "anonymised_at": candidate.anonymised_at,
        "legal_hold_at": candidate.legal_hold_at,
        "legal_hold_reason": candidate.legal_hold_reason,
        "consent_withdrawn_at": candidate.consent_withdrawn_at,
    }


@blp.get("/retention-policy")
@jwt_required()
@blp.response(200, RetentionPolicyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def get_policy():
    """The company's retention policy (admins)."""
    return retention.get_policy(caller()).as_dict()


@blp.put("/retention-policy")
@jwt_required()
@blp.arguments(RetentionPolicyIn)
@blp.response(200, RetentionPolicyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="0 days, or not a number of days.")
@blp.doc(security=BEARER)
def put_policy(data):
    """Set the policy (admins): days after the last application ended, and after a hire; null turns one off."""
    return retention.set_policy(caller(), **data).as_dict()


@blp.get("/retention-policy/preview")
@jwt_required()
@blp.response(200, RetentionPreviewOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def preview():
    """Who a run would anonymise now, and why (a dry run: nothing changes)."""
    actor = caller()
    return {"policy": retention.get_policy(actor).as_dict(), "due": [_due_out(i) for i in retention.preview_for(actor)]}


@blp.get("/retention-runs")
@jwt_required()
@blp.response(200, RetentionRunList)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_runs():
    """The latest 50 runs, newest first (ids and rules, never names)."""
    return {"runs": retention.list_runs(caller())}


@blp.post("/retention-runs")
@jwt_required()
@blp.response(201, RetentionRunOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def run_now():
    """Run the policy now (admins): everyone the preview lists is anonymised, and the run is recorded."""
    return retention.run_for(caller())


@blp.post(f"{CANDIDATE}/erase")
@jwt_required()
@blp.response(200, CandidateErasedOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Under a legal hold, or erased already: nothing done.")
@blp.doc(security=BEARER)
def erase(candidate_id: int):
    """Anonymise the candidate now (admins), e.g. on an emailed request: identity, free text and files go."""
    done = erasure.erase(caller(), candidate_id)
    return {"candidate_id": done.candidate_id, "applications": done.applications, "files": done.files}


@blp.put(f"{CANDIDATE}/legal-hold")
@jwt_required()
@blp.arguments(LegalHoldIn)
@blp.response(200, CandidatePrivacyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def hold(data, candidate_id: int):
    """Keep the candidate from erasure until the hold is lifted (admins)."""
    return _state(erasure.set_legal_hold(caller(), candidate_id, data["reason"]))


@blp.delete(f"{CANDIDATE}/legal-hold")
@jwt_required()
@blp.response(200, CandidatePrivacyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def lift(candidate_id: int):
    """Lift the legal hold (admins)."""
    return _state(erasure.lift_legal_hold(caller(), candidate_id))


@blp.post(f"{CANDIDATE}/consent-withdrawal")
@jwt_required()
@blp.response(200, CandidatePrivacyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def withdraw_consent(candidate_id: int):
    """Record that the person withdrew consent (recruiters, admins): out of every pool, waiting emails cancelled."""
    return _state(erasure.withdraw_consent(caller(), candidate_id))
