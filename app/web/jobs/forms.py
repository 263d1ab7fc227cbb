from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, Form, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.models.jobs import EMPLOYMENT_TYPES
from app.web.helpers import EMPLOYMENT_LABELS

REMOTE_CHOICES = {"yes": True, "no": False}


class BoardFilters(Form):
    """The job board's search: a GET form, so no CSRF token (it changes nothing)."""

    q = StringField("Keyword", validators=[Optional(), Length(max=100)])
    location = StringField("Location", validators=[Optional(), Length(max=100)])
    remote = SelectField(
        "Remote",
        choices=[SelectChoice("", "Any"), SelectChoice("yes", "Remote"), SelectChoice("no", "On site")],
        default="",
    )
    employment_type = SelectField(
        "Type",
        choices=[SelectChoice("", "Any type")]
        + [SelectChoice(value, EMPLOYMENT_LABELS[value]) for value in EMPLOYMENT_TYPES],
        default="",
    )

    def service_filters(self) -> dict:
        """The valid filters, as `jobs.list_jobs` takes them; invalid ones are left out."""
        filters: dict = {}
        if self.q.data and not self.q.errors:
            filters["q"] = self.q.data
        if self.location.data and not self.location.errors:
            filters["location"] = self.location.data
        if self.remote.data in REMOTE_CHOICES and not self.remote.errors:
            filters["remote"] = REMOTE_CHOICES[self.remote.data]
        if self.employment_type.data and not self.employment_type.errors:
            filters["employment_type"] = self.employment_type.data
        return filters

    def query_args(self) -> dict:
        """The filters as query-string arguments, for "more" links."""
        return {name: field.data for name, field in self._fields.items() if field.data}


class ApplyForm(FlaskForm):
    """One form for guests and signed-in candidates (their name and email come pre-filled).

    `website` is a trap for bots: hidden from people, a filled one is answered
    as a success and writes nothing. The campaign fields carry what the arrival
    URL said through to the submission.
    """

    full_name = StringField("Full name", validators=[Length(max=200)])
    email = EmailField(
        "Email", validators=[Length(max=254)], description="We send your confirmation and a private link here."
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=50)], description="Optional.")
    cover_letter = TextAreaField(
        "Cover letter",
        validators=[Length(max=10000)],
        description="Optional. Tell the team why you are a good fit (up to 10,000 characters).",
    )
    # Required, checked by the service with every other field (so one answer lists every problem).
    resume = FileField("Resume", description="PDF or DOCX, up to 5 MB.")
    consent = BooleanField("I have read the privacy notice and agree that my details are used to consider me.")
    website = StringField("Leave this field empty", validators=[Optional(), Length(max=200)])
    utm_source = HiddenField()
    utm_medium = HiddenField()
    utm_campaign = HiddenField()
    referrer = HiddenField()
    submit = SubmitField("Send application")
