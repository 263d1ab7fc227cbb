"""Equal-opportunity data: the survey questions (admins) and the aggregate report (admins, compliance).

API keys are refused (the blueprint is not in key_auth.RESOURCES): the report is for people, not integrations.
"""

from __future__ import annotations

import marshmallow as ma

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.schemas.eeo import EeoQuestionsIn, EeoQuestionsOut, EeoReportArgs, EeoReportOut
from app.services import eeo

blp = Blueprint(
    "api_eeo", __name__, url_prefix="/api/v1/eeo", tag="Equal opportunity", description="Voluntary survey, aggregates"
)


@blp.get("/questions")
@jwt_required()
@blp.response(200, EeoQuestionsOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def get_questions():
    """The company's survey questions (admins and compliance staff)."""
    return {"questions": eeo.get_questions(caller())}


@blp.put("/questions")
@jwt_required()
@blp.arguments(EeoQuestionsIn)
@blp.response(200, EeoQuestionsOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def put_questions(data):
    """Replace the survey questions (admins); each keeps a "Prefer not to say" option."""
    return {"questions": eeo.set_questions(caller(), data["questions"])}


@blp.get("/report")
@jwt_required()
@blp.arguments(EeoReportArgs, location="query", unknown=ma.RAISE)
@blp.response(200, EeoReportOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def report(args):
    """Counts per answer and stage category, selection rates and four-fifths ratios; cells under 5 hidden."""
    found = eeo.report(
        caller(), job_id=args.get("job_id"), date_from=args.get("date_from"), date_to=args.get("date_to")
    )
    return {"questions": eeo.report_as_dict(found)}
