"""The company's email templates in the dashboard: the list, the editor with its merge fields, preview, reset.

Every staff member reads them and previews them on one of the company's
applications; admins save and reset them (the service says so). Problems
found on save are shown beside their field, each with its line.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationFailed
from app.mail.templating import MERGE_FIELDS
from app.models import Role
from app.services import email_templates
from app.web.dashboard import bp
from app.web.dashboard.email_template_forms import EmailTemplateForm, ResetForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

RENAME = {"template": "text_body"}


def _language() -> str:
    return email_templates.normalize_language(request.args.get("language"))


def _language_arg() -> str | None:
    """The language for a link: left out when it is the default."""
    language = _language()
    return None if language == email_templates.DEFAULT_LANGUAGE else language


@bp.get("/email-templates")
@staff_required
def email_templates_page():
    language = _language()
    return render_template(
        "dashboard/email_templates.html",
        templates=email_templates.list_templates(current_user, language=language),
        language=language,
        can_edit=current_user.role == Role.ADMIN,
    )


def _editor(key: str, form: EmailTemplateForm, *, preview=None, status: int = 200):
    language = _language()
    view = email_templates.get_template(current_user, key, language=language)
    if not form.is_submitted():
        form.fill(view)
    recent = email_templates.recent_applications(current_user)
    form.application_id.choices = [
        (application.id, f"{application.candidate.full_name} · {application.job.title}") for application in recent
    ]
    page = render_template(
        "dashboard/email_template.html",
        view=view,
        form=form,
        reset_form=ResetForm(),
        preview=preview,
        language=language,
        merge_fields=MERGE_FIELDS,
        can_edit=current_user.role == Role.ADMIN,
        has_applications=bool(recent),
    )
    return page, status


@bp.route("/email-templates/<key>", methods=["GET", "POST"])
@staff_required
def email_template(key: str):
    form = EmailTemplateForm()
    if form.validate_on_submit():
        try:
            email_templates.save_template(current_user, key, language=_language(), **form.draft())
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash("The template is saved: the next emails use it.", "success")
            return redirect(url_for("dashboard.email_template", key=key, language=_language_arg()))
    return _editor(key, form, status=422 if form.errors or form.form_errors else 200)


@bp.post("/email-templates/<key>/preview")
@staff_required
def preview_email_template(key: str):
    """The form's template (saved or not) rendered with one of the company's applications; nothing is saved."""
    form = EmailTemplateForm()
    result = None
    if form.validate_on_submit():
        try:
            result = email_templates.preview(
                current_user, key, form.application_id.data, language=_language(), draft=form.draft()
            )
        except ValidationFailed as error:
            show_errors(form, error, rename=RENAME)
    return _editor(key, form, preview=result, status=422 if form.errors or form.form_errors else 200)


@bp.post("/email-templates/<key>/reset")
@staff_required
def reset_email_template(key: str):
    form = ResetForm()
    if form.validate_on_submit():
        try:
            had_one = email_templates.reset_template(current_user, key, language=_language())
        except ValidationFailed as error:
            flash_error(error)
        else:
            flash("Back to the default template." if had_one else "This template was the default already.", "success")
    else:
        flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.email_template", key=key, language=_language_arg()))
