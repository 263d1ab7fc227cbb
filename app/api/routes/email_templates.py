"""The company's email templates: read by its staff, edited and reset by its admins, previewed on real data."""

from __future__ import annotations

from dataclasses import asdict

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.lists import no_content
from app.api.schemas.email_templates import (
    EmailTemplateIn,
    EmailTemplateList,
    EmailTemplateOut,
    LanguageArgs,
    PreviewIn,
    PreviewOut,
)
from app.mail.templating import MERGE_FIELDS
from app.services import email_templates

blp = Blueprint(
    "api_email_templates", __name__, url_prefix="/api/v1", tag="Email templates", description="Email templates"
)

TEMPLATE = "/email-templates/<key>"


def template_out(view: email_templates.TemplateView) -> dict:
    editor = view.updated_by
    return {
        **{name: value for name, value in asdict(view).items() if name != "updated_by"},
        "updated_by": {"id": editor.id, "full_name": editor.full_name} if editor is not None else None,
    }


def merge_fields_out() -> list[dict]:
    return [{"name": field.name, "description": field.description, "example": field.sample} for field in MERGE_FIELDS]


@blp.get("/email-templates")
@jwt_required()
@blp.arguments(LanguageArgs, location="query")
@blp.response(200, EmailTemplateList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_templates(args):
    """Every email template in effect for your company, and the merge fields templates may use (staff).

    One per event: `application_received`, `stage_screening`, `stage_interview`,
    `stage_offer`, `stage_hired`, `stage_rejected`, and `stage_rejected.reason_<id>`
    for each rejection reason still offered (the rejection template until it has its own).
    """
    views = email_templates.list_templates(caller(), language=args.get("language"))
    return {"templates": [template_out(view) for view in views], "merge_fields": merge_fields_out()}


@blp.get(TEMPLATE)
@jwt_required()
@blp.arguments(LanguageArgs, location="query")
@blp.response(200, EmailTemplateOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_template(args, key: str):
    """One email template in effect (staff)."""
    return template_out(email_templates.get_template(caller(), key, language=args.get("language")))


@blp.put(TEMPLATE)
@jwt_required()
@blp.arguments(LanguageArgs, location="query")
@blp.arguments(EmailTemplateIn)
@blp.response(200, EmailTemplateOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def save_template(args, data, key: str):
    """Your own template for this event and language (admins).

    Checked before it is kept: a syntax error, a merge field that does not
    exist or a refused construct is a 422 naming the field and the line
    (`errors.text_body: ["Line 3: candidate.age is not a merge field."]`).
    """
    view = email_templates.save_template(caller(), key, language=args.get("language"), **data)
    return template_out(view)


@blp.delete(TEMPLATE)
@jwt_required()
@blp.arguments(LanguageArgs, location="query")
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def reset_template(args, key: str):
    """Back to the default (admins): your template for this event and language is deleted."""
    email_templates.reset_template(caller(), key, language=args.get("language"))
    return no_content()


@blp.post(f"{TEMPLATE}/preview")
@jwt_required()
@blp.arguments(LanguageArgs, location="query")
@blp.arguments(PreviewIn)
@blp.response(200, PreviewOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def preview_template(args, data, key: str):
    """The email this template makes for one of your applications, nothing sent (staff).

    Send `subject` and `text_body` (and `html_body`) to preview an unsaved draft.
    """
    application_id = data.pop("application_id")
    draft = data if "subject" in data or "text_body" in data or "html_body" in data else None
    result = email_templates.preview(caller(), key, application_id, language=args.get("language"), draft=draft)
    return asdict(result)
