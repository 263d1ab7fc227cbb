"""The voluntary equal-opportunity survey on the applicant's own pages (account page, status link).

The answers go straight to app/services/eeo.py; the page only learns whether the survey is still open.
"""

from __future__ import annotations

from flask import flash, request
from flask_wtf import FlaskForm
from wtforms import SubmitField

from app.errors import Conflict, ValidationFailed
from app.models import Application
from app.services import eeo
from app.web.formtools import flash_error


class EeoSurveyForm(FlaskForm):
    submit = SubmitField("Send my answers")
    skip = SubmitField("Skip the survey")


def survey_for(application: Application) -> dict | None:
    """What the page shows: the questions and a form, or None once answered or skipped."""
    if eeo.answered(application):
        return None
    return {"questions": eeo.questions_for(application.company_id), "form": EeoSurveyForm()}


def handle(application: Application) -> None:
    """Store the posted answers (or the skip); a flash says what happened."""
    form = EeoSurveyForm()
    if not form.validate_on_submit():
        flash("The form expired: please try again.", "warning")
        return
    answers: dict[str, str] = {}
    if not form.skip.data:
        for question in eeo.questions_for(application.company_id):
            value = request.form.get(f"eeo_{question['key']}", "")
            if value:
                answers[question["key"]] = value
    try:
        eeo.submit(application, answers)
    except (Conflict, ValidationFailed) as error:
        flash_error(error)
        return
    flash("Thank you." if answers else "Skipped: you will not be asked again for this application.", "info")
