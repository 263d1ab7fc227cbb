"""The company's candidates: the list, the search, and the same as CSV."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.candidate_search import CandidateFilterArgs, CandidateListArgs, CandidatePage
from app.search import csv_export
from app.services import candidate_search

blp = Blueprint("api_candidate_search", __name__, url_prefix="/api/v1", tag="Candidates", description="Candidates")

FILTERS = ("job_id", "stage", "source", "applied_from", "applied_to", "flagged", "has_resume")


def split(args: dict) -> tuple[str | None, candidate_search.Filters]:
    """The search words and the filters of a list's query arguments."""
    return args.get("q"), candidate_search.Filters(**{k: args.get(k) for k in FILTERS})


def hit_out(hit: candidate_search.Hit) -> dict:
    return {
        "id": hit.id,
        "full_name": hit.full_name,
        "email": hit.email,
        "phone": hit.phone,
        "location": hit.location,
        "source": hit.source,
        "created_at": hit.created_at.isoformat(),
        "snippet_html": str(hit.snippet) if hit.snippet is not None else None,
        "rank": hit.rank,
    }


@blp.get("/candidates")
@jwt_required()
@blp.arguments(CandidateListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, CandidatePage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def list_candidates(limit: int | None = None, cursor: str | None = None, **args):
    """Every candidate of the caller's company, newest first; with `q`, by relevance (staff)."""
    q, filters = split(args)
    page = candidate_search.search(caller(), q=q, filters=filters, limit=limit, cursor=cursor)
    return page_response(page, hit_out)


@blp.get("/candidates/export.csv")
@jwt_required()
@blp.arguments(CandidateFilterArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, description="The list or search as CSV (text/csv), streamed.", content_type="text/csv")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def export_candidates(**args):
    """The same candidates as the list, every page, as CSV; cells that start like a formula are quoted (staff)."""
    q, filters = split(args)
    return csv_export.response(caller(), q, filters)
