"""Possible duplicate candidates: list and dismiss proposals, preview and make a merge, undo it."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.common import PageArgs
from app.api.schemas.duplicates import (
    CandidateMergeIn,
    CandidateMergeOut,
    CandidateMergePreviewArgs,
    CandidateMergePreviewOut,
    DuplicateList,
    DuplicateOut,
    DuplicatePage,
)
from app.services import duplicates, merging

blp = Blueprint(
    "api_duplicates", __name__, url_prefix="/api/v1", tag="Duplicates",
    description="Possible duplicate candidates, merges and their undo",
)  # fmt: skip

CANDIDATE = f"/candidates/<{ID}:candidate_id>"


def person_out(candidate) -> dict:
    return {
        "id": candidate.id,
        "full_name": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "location": candidate.location,
        "links": candidate.links or {},
    }


def proposal_out(proposal: duplicates.Proposal) -> dict:
    return {
        "id": proposal.id,
        "candidate_a": person_out(proposal.a),
        "candidate_b": person_out(proposal.b),
        "reasons": proposal.reasons,
        "status": proposal.status,
        "found_at": proposal.found_at,
    }


def merge_out(record) -> dict:
    return {
        "id": record.id,
        "keep_id": record.keep_id,
        "other_id": record.other_id,
        "moved": record.moved,
        "merged_by_id": record.merged_by_id,
        "merged_at": record.merged_at,
        "undone_at": record.undone_at,
        "undo_until": merging.undo_deadline(record),
    }


@blp.get("/duplicates")
@jwt_required()
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, DuplicatePage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_duplicates(**args):
    """Open proposals of possible duplicates, newest first. Never merged automatically."""
    return page_response(duplicates.list_open(caller(), **args), proposal_out)


@blp.post(f"/duplicates/<{ID}:proposal_id>/dismiss")
@jwt_required()
@blp.response(200, DuplicateOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def dismiss_duplicate(proposal_id: int):
    """Not the same person: the pair stays dismissed (recruiters and admins)."""
    return proposal_out(duplicates.dismiss(caller(), proposal_id))


@blp.get(f"{CANDIDATE}/duplicates")
@jwt_required()
@blp.response(200, DuplicateList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def candidate_duplicates(candidate_id: int):
    """Open proposals naming this candidate."""
    duplicates.require_candidate(caller(), candidate_id)
    return {"items": [proposal_out(p) for p in duplicates.for_candidate(caller(), candidate_id)]}


@blp.get(f"{CANDIDATE}/merge-preview")
@jwt_required()
@blp.arguments(CandidateMergePreviewArgs, location="query", as_kwargs=True)
@blp.response(200, CandidateMergePreviewOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="One of them was merged already.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="The same record twice.")
@blp.doc(security=BEARER)
def merge_preview(candidate_id: int, other_id: int | None = None):
    """What merging `other_id` into this candidate would do: the fields that differ and whose value stays."""
    view = merging.preview(caller(), candidate_id, other_id)
    return {
        "keep": person_out(view.keep),
        "other": person_out(view.other),
        "conflicts": [
            {"field": c.name, "keep_value": c.keep_value, "other_value": c.other_value, "kept": c.kept}
            for c in view.fields
        ],
        "applications_moving": view.moving,
        "same_jobs": view.same_jobs,
        "notes": view.notes,
    }


@blp.post(f"{CANDIDATE}/merge")
@jwt_required()
@blp.arguments(CandidateMergeIn)
@blp.response(201, CandidateMergeOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="One of them was merged already, or changed meanwhile.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="The same record twice, or a bad field choice.")
@blp.doc(security=BEARER)
def merge_candidates(data, candidate_id: int):
    """Merge `other_id` into this candidate (recruiters and admins); recorded, undoable for MERGE_UNDO_DAYS."""
    return merge_out(merging.merge(caller(), candidate_id, data["other_id"], data.get("fields")))


@blp.post(f"/merges/<{ID}:merge_id>/undo")
@jwt_required()
@blp.response(200, CandidateMergeOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Undone already, too old, or no longer safe (says why).")
@blp.doc(security=BEARER)
def undo_merge(merge_id: int):
    """Move back exactly what the merge moved and restore the fields it overwrote."""
    return merge_out(merging.undo(caller(), merge_id))
