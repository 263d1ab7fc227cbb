from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Form, SelectField, StringField, SubmitField, TextAreaField
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
    cover_letter = TextAreaField(
        "Cover letter",
        validators=[Length(max=10000)],
        description="Optional. Tell the team why you are a good fit (up to 10,000 characters).",
    )
    resume = FileField(
        "Resume",
        validators=[FileRequired("Attach your resume as a PDF or DOCX file.")],
        description="PDF or DOCX, up to 5 MB.",
    )
    submit = SubmitField("Send application")
