"""Companies and their staff."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.companies import (
    CompanyCreatedOut,
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    LogoIn,
    MemberIn,
    MemberListArgs,
    MemberOut,
    MemberPage,
    MemberPatch,
)
from app.services import companies, logos

blp = Blueprint(
    "api_companies", __name__, url_prefix="/api/v1", tag="Companies", description="Companies and their staff"
)

COMPANY = f"/companies/<{ID}:company_id>"


@blp.post("/companies")
@blp.arguments(CompanyIn)
@blp.response(201, CompanyCreatedOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
def create_company(data):
    """Public company sign-up: the company and its first admin (the server may switch this off)."""
    admin = data["admin"]
    company, user = companies.create_company(
        name=data["name"],
        admin_email=admin["email"],
        admin_password=admin["password"],
        admin_full_name=admin["full_name"],
        public=True,
    )
    return {"company": company, "admin": user}


@blp.get(COMPANY)
@blp.response(200, CompanyOut)
@blp.alt_response(404, response="NOT_FOUND")
def get_company(company_id: int):
    """A company's public profile."""
    return companies.get_company(company_id)


_MEMBER_OUT = MemberOut()


@blp.patch(COMPANY)
@jwt_required()
@blp.arguments(CompanyPatch)
@blp.response(200, CompanyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def update_company(data, company_id: int):
    """Change the public profile: name, description, website (admins only; the slug and its URLs stay)."""
    return companies.update_company(caller(), company_id, **data)


@blp.put(f"{COMPANY}/logo")
@jwt_required()
@blp.arguments(LogoIn, location="files")
@blp.response(200, CompanyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def set_logo(files, company_id: int):
    """Upload the logo (multipart `logo`: PNG or JPEG, checked by its content; admins only)."""
    upload = files["logo"]
    return logos.set_logo(caller(), company_id, logos.LogoUpload(upload.filename or "logo", upload.read()))


@blp.delete(f"{COMPANY}/logo")
@jwt_required()
@blp.response(200, CompanyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def remove_logo(company_id: int):
    """Remove the logo (admins only)."""
    return logos.remove_logo(caller(), company_id)


@blp.get(f"{COMPANY}/members")
@jwt_required()
@blp.arguments(MemberListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, MemberPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_members(company_id: int, **args):
    """The company's staff, newest first (its own staff only; to anyone else the company's members do not exist)."""
    return page_response(companies.page_members(caller(), company_id, **args), _MEMBER_OUT.dump)


@blp.post(f"{COMPANY}/members")
@jwt_required()
@blp.arguments(MemberIn)
@blp.response(201, MemberOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def add_member(data, company_id: int):
    """Invite a member (admins only): the account is created and emailed a link to set its password."""
    return companies.add_staff(
        caller(), company_id, email=data["email"], full_name=data["full_name"], role=data["role"]
    )


@blp.patch(f"{COMPANY}/members/<{ID}:user_id>")
@jwt_required()
@blp.arguments(MemberPatch)
@blp.response(200, MemberOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.doc(security=BEARER)
def update_member(data, company_id: int, user_id: int):
    """Change a member's role or deactivate them (admins only); a deactivated member's tokens stop at once."""
    return companies.update_member(caller(), company_id, user_id, role=data.get("role"), active=data.get("active"))
