"""The interview forms: schedule or change an interview, cancel it, a step of a job's interview plan."""

from __future__ import annotations

from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.web.formtools import SafeForm

ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


class InterviewForm(SafeForm):
    # Choices are checked by the service (steps of the job's plan, staff of the company), so a POST
    # does not load them only to check them: they are loaded when the form is shown.
    kind_id = SelectField(
        "Plan step", coerce=int, default=0, validate_choice=False, description="Fills what you leave empty."
    )
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    date = DateField("Date", validators=[DataRequired(message="Pick a date.")])
    start = TimeField("Start", validators=[DataRequired(message="Pick a start time.")])
    end = TimeField("End", validators=[Optional()], description="Empty: the plan step's length.")
    timezone = SelectField("Time zone", choices=[SelectChoice(z, z) for z in ZONES], default="UTC")
    interviewer_ids = SelectMultipleField("Interviewers", coerce=int, validate_choice=False)
    location = StringField("Place", validators=[Optional(), Length(max=300)])
    video_url = StringField("Video link", validators=[Optional(), Length(max=500)])
    notes = TextAreaField(
        "Notes for the interviewers",
        validators=[Optional(), Length(max=10000)],
        description="Never shown to the candidate.",
    )
    submit = SubmitField("Schedule and send invites")


class CancelInterviewForm(SafeForm):
    reason = TextAreaField("Reason (sent to everyone)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Cancel the interview")


class PlanStepForm(SafeForm):
    step_id = IntegerField(validators=[Optional()])
    name = StringField("Step", validators=[DataRequired(message="Name the step."), Length(max=100)])
    duration_minutes = IntegerField(
        "Minutes", default=60, validators=[DataRequired(message="Give the length."), NumberRange(5, 720)]
    )
    scorecard = TextAreaField(
        "Scorecard",
        validators=[Optional(), Length(max=6000)],
        description='One group per line: "Skills: Python, SQL".',
    )
    submit = SubmitField("Save the step")


class RemoveStepForm(SafeForm):
    step_id = IntegerField(validators=[DataRequired()])
    submit = SubmitField("Remove")


class FeedForm(SafeForm):
    submit = SubmitField("Make a new calendar link")


def scorecard_text(groups: list[dict]) -> str:
    return "\n".join(f"{g['name']}: {', '.join(g['attributes'])}" for g in groups or [])


def parse_scorecard(text: str) -> list[dict]:
    """ "Skills: Python, SQL" per line -> groups; a line without a colon is a group of that one attribute."""
    groups = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, colon, rest = line.partition(":")
        attributes = [a.strip() for a in rest.split(",") if a.strip()] if colon else [name.strip()]
        groups.append({"name": name.strip(), "attributes": attributes})
    return groups
