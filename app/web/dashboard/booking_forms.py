"""The application page's form to offer interview times."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.web.formtools import SafeForm

REQUIRED = "This field is required."


class OfferForm(SafeForm):
    # A step of the job's plan (0: none) gives the interview its scorecard; checked by the service.
    kind_id = SelectField(
        "Plan step", coerce=int, default=0, validate_choice=False, description="The interview gets its scorecard."
    )
    title = StringField("Interview", default="Interview", validators=[DataRequired(REQUIRED)])
    # Checked by the service (staff of the company); the choices are only loaded to show the form.
    interviewer_ids = SelectMultipleField(
        "Interviewers", coerce=int, validate_choice=False, validators=[DataRequired("Pick at least one.")]
    )
    timezone = SelectField("Time zone of the times", default="UTC")
    slots = TextAreaField(
        "Times offered",
        validators=[DataRequired(REQUIRED)],
        description="One start per line, e.g. 2027-03-01 14:30, in the time zone above (up to 20).",
    )
    duration_minutes = IntegerField(
        "Length (minutes)", default=60, validators=[Optional(), NumberRange(5, 720, "From 5 to 720 minutes.")]
    )
    location = StringField("Place", validators=[Optional()])
    video_url = StringField("Video call link", validators=[Optional()])
    submit = SubmitField("Offer these times")

    def slot_lines(self) -> list[str]:
        return [line.strip() for line in (self.slots.data or "").splitlines() if line.strip()]
