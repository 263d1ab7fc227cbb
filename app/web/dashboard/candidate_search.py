"""The company's candidates: search box, filters, results with marked snippets, CSV export."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app import workflow
from app.errors import ValidationFailed
from app.models.candidates import SOURCES
from app.search import csv_export
from app.services import candidate_search
from app.web.dashboard import bp
from app.web.login import staff_required

YES_NO = [SelectChoice("", "Any"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class CandidateFilterForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token (the URL can be bookmarked and shared)."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Optional(), Length(max=200)])
    job_id = SelectField("Job", coerce=str, validate_choice=False)
    stage = SelectField(
        "Stage",
        choices=[SelectChoice("", "Any")] + [SelectChoice(c, c.title()) for c in workflow.ALL_CATEGORIES],
        validate_choice=False,
    )
    source = SelectField(
        "Source",
        choices=[SelectChoice("", "Any")] + [SelectChoice(s, s.replace("_", " ").title()) for s in SOURCES],
        validate_choice=False,
    )
    applied_from = DateField("Applied from", validators=[Optional()])
    applied_to = DateField("Applied to", validators=[Optional()])
    flagged = SelectField("Flagged", choices=YES_NO, validate_choice=False)
    has_resume = SelectField("Resume", choices=YES_NO, validate_choice=False)


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _form() -> CandidateFilterForm:
    form = CandidateFilterForm(request.args)
    jobs = candidate_search.job_choices(current_user)
    form.job_id.choices = [SelectChoice("", "Any job")] + [SelectChoice(str(i), t) for i, t in jobs]
    return form


def _filters(form: CandidateFilterForm) -> candidate_search.Filters:
    job = form.job_id.data
    return candidate_search.Filters(
        job_id=int(job) if job and job.isdigit() else None,
        stage=form.stage.data or None,
        source=form.source.data or None,
        applied_from=form.applied_from.data,
        applied_to=form.applied_to.data,
        flagged=_yes_no(form.flagged.data),
        has_resume=_yes_no(form.has_resume.data),
    )


def _attach(form: CandidateFilterForm, error: ValidationFailed) -> None:
    for name, messages in (error.errors or {"q": [error.detail]}).items():
        field = form._fields.get(name)
        (field.errors if field is not None else form.form_errors).extend(messages)


@bp.get("/candidates")
@staff_required
def candidates_page():
    form = _form()
    page, status = None, 200
    if form.validate():
        try:
            page = candidate_search.search(
                current_user, q=form.q.data, filters=_filters(form), cursor=request.args.get("cursor")
            )
        except ValidationFailed as error:
            _attach(form, error)
    if page is None:
        status = 422
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_template("dashboard/candidate_search.html", form=form, page=page, args=args), status


@bp.get("/candidates/export.csv")
@staff_required
def candidates_export():
    form = _form()
    if not form.validate():
        return candidates_page()
    return csv_export.response(current_user, form.q.data, _filters(form))
