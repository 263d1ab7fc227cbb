"""A candidate's profile: read it, edit the details, put tags on and take them off."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import no_content
from app.api.render import candidate_details_out
from app.api.schemas.profiles import CandidateOut, CandidatePatch, TagNameArgs, TagNameIn, TagOut
from app.services import candidate_profiles, tags

blp = Blueprint(
    "api_candidate_profiles", __name__, url_prefix="/api/v1", tag="Candidate profiles",
    description="One candidate: details, applications, tags",
)  # fmt: skip

CANDIDATE = f"/candidates/<{ID}:candidate_id>"


def tag_out(tag) -> dict:
    return {"id": tag.id, "name": tag.name, "colour": tag.colour}


def candidate_out(candidate, *, tag_list=(), pool_list=()) -> dict:
    return {
        **candidate_details_out(candidate, iso=False),
        "tags": [tag_out(tag) for tag in tag_list],
        "pools": [{"id": pool.id, "name": pool.name} for pool in pool_list],
    }


def profile_out(view: candidate_profiles.Profile) -> dict:
    out = candidate_out(view.candidate, tag_list=view.tags, pool_list=view.pools)
    out["applications"] = [
        {
            "id": line.id,
            "job": {"id": line.job_id, "title": line.job_title},
            "stage": line.stage,
            "stage_category": line.stage_category,
            "source": line.source,
            "applied_at": line.applied_at,
            "stage_entered_at": line.stage_entered_at,
            "resume": {"filename": line.resume_filename, "url": f"/api/v1/applications/{line.id}/resume"}
            if line.has_resume
            else None,
            "merged_from_id": line.merged_from_id,
        }
        for line in view.applications
    ]
    out["history"] = [
        {
            "id": line.id,
            "application_id": line.application_id,
            "job_title": line.job_title,
            "from_stage": line.from_stage,
            "to_stage": line.to_stage,
            "created_at": line.created_at,
        }
        for line in view.history
    ]
    return out


@blp.get(CANDIDATE)
@jwt_required()
@blp.response(200, CandidateOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_candidate(candidate_id: int):
    """A candidate of your company: details, every application with its stage, the stage history across
    them, resumes, tags and pools (the company's staff)."""
    return profile_out(candidate_profiles.profile(caller(), candidate_id))


@blp.patch(CANDIDATE)
@jwt_required()
@blp.arguments(CandidatePatch)
@blp.response(200, CandidateOut)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers read profiles only.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Stale `version`, or the email belongs to another candidate.")
@blp.doc(security=BEARER)
def update_candidate(data, candidate_id: int):
    """Edit the details (recruiters and admins). Send the `version` you read: a changed one is a 409.

    A phone starting with + and a country code is stored as E.164; one without is kept as typed and
    `warnings.phone` says so.
    """
    version = data.pop("version", None)
    if "links" in data:
        data["links"] = {kind: url for kind, url in data["links"].items() if url}
    edited = candidate_profiles.update(caller(), candidate_id, expected_version=version, **data)
    view = candidate_profiles.profile(caller(), edited.candidate.id, candidate=edited.candidate)
    return {**profile_out(view), "warnings": edited.warnings}


@blp.post(f"{CANDIDATE}/tags")
@jwt_required()
@blp.arguments(TagNameIn)
@blp.response(201, TagOut)
@blp.alt_response(403, response="FORBIDDEN", description="An unknown name named by a hiring manager.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def add_tag(data, candidate_id: int):
    """Put a tag on the candidate by name (any case); an unknown name creates the tag (recruiters, admins)."""
    return tag_out(tags.tag_candidate(caller(), candidate_id, data["name"]))


@blp.delete(f"{CANDIDATE}/tags")
@jwt_required()
@blp.arguments(TagNameArgs, location="query")
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def remove_tag(args, candidate_id: int):
    """Take a tag (`?name=`, any case) off the candidate."""
    tags.untag_candidate(caller(), candidate_id, args["name"])
    return no_content()
