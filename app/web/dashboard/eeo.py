"""Equal-opportunity pages: the aggregate report (admins, compliance) and the survey questions (admins)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from app.errors import ValidationFailed
from app.models import Role
from app.services import eeo
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.formtools import show_errors


class EeoQuestionsForm(FlaskForm):
    questions = TextAreaField(
        "Questions",
        validators=[DataRequired("Write at least one question.")],
        description='One per line: key | Label | option; option; ... ("Prefer not to say" is added to each).',
    )
    submit = SubmitField("Save questions")


def company_user_required(view: Callable) -> Callable:
    """Signed-in staff of a company, compliance included (the services check the role)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.company_id is None:
            abort(403, description="This page is for company staff.")
        return view(*args, **kwargs)

    return wrapper


def _lines(errors: dict[str, list[str]]):
    """`questions.2.options` -> "Line 3 (options): ..." for the one text box."""
    for name, messages in errors.items():
        parts = name.split(".")
        where = f"Line {int(parts[1]) + 1}{f' ({parts[2]})' if len(parts) > 2 else ''}: " if len(parts) > 1 else ""
        for message in messages:
            yield where + message


@bp.get("/eeo")
@company_user_required
def eeo_report():
    args = request.args
    job_id = args.get("job_id") or None
    errors: dict[str, list[str]] = {}
    found = []
    try:
        if job_id is not None and not job_id.isdigit():
            raise ValidationFailed("Some fields are not valid.", errors={"job_id": ["Choose a job from the list."]})
        found = eeo.report(
            current_user,
            job_id=int(job_id) if job_id else None,
            date_from=args.get("from") or None,
            date_to=args.get("to") or None,
        )
    except ValidationFailed as error:
        errors = error.errors or {}
    return render_template(
        "dashboard/eeo_report.html",
        report=found,
        errors=errors,
        args=args,
        jobs=eeo.job_choices(current_user),
        categories=eeo.CATEGORIES,
        suppress_below=eeo.SUPPRESS_BELOW,
    ), (422 if errors else 200)


@bp.route("/eeo/questions", methods=["GET", "POST"])
@company_user_required
def eeo_questions():
    require_role(current_user, Role.ADMIN, action="edit the equal-opportunity questions")
    form = EeoQuestionsForm()
    if form.validate_on_submit():
        try:
            eeo.set_questions(current_user, eeo.questions_from_text(form.questions.data))
        except ValidationFailed as error:
            error.errors = {"questions": list(_lines(error.errors or {}))}
            show_errors(form, error)
        else:
            flash("Equal-opportunity questions saved.", "success")
            return redirect(url_for("dashboard.eeo_questions"))
    elif not form.is_submitted():
        form.questions.data = eeo.questions_as_text(eeo.get_questions(current_user))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("dashboard/eeo_questions.html", form=form), status
