"""A company's privacy notice: what people agree to when they apply."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.schemas.privacy import PrivacyNoticeIn, PrivacyNoticeOut
from app.services import companies, privacy

blp = Blueprint(
    "api_privacy", __name__, url_prefix="/api/v1", tag="Privacy", description="Privacy notices applicants agree to"
)

NOTICE = f"/companies/<{ID}:company_id>/privacy-notice"


@blp.get(NOTICE)
@blp.response(200, PrivacyNoticeOut)
@blp.alt_response(404, response="NOT_FOUND")
def get_notice(company_id: int):
    """The notice in force (public: applicants read it before they agree); version 0 is the default text."""
    company = companies.get_company(company_id)
    return privacy.current_notice(company.id, company.name)


@blp.put(NOTICE)
@jwt_required()
@blp.arguments(PrivacyNoticeIn)
@blp.response(200, PrivacyNoticeOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def put_notice(data, company_id: int):
    """Save a new version (admins); earlier versions stay, and consents name the version they were given to."""
    return privacy.save_notice(caller(), company_id, data["text"])
