"""Forms for adding people to a job, status links and the privacy notice."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

SOURCE_LABELS = {
    "sourced": "Sourced (we found them)",
    "referral": "Referral by a colleague",
    "agency": "Agency",
    "event": "Event",
    "other": "Other",
}


class AddCandidateForm(FlaskForm):
    full_name = StringField("Full name", validators=[Length(max=200)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)], description="Optional.")
    phone = StringField("Phone", validators=[Optional(), Length(max=50)], description="Optional.")
    linkedin = URLField("LinkedIn", validators=[Optional(), Length(max=500)])
    github = URLField("GitHub", validators=[Optional(), Length(max=500)])
    portfolio = URLField("Portfolio", validators=[Optional(), Length(max=500)])
    source = SelectField(
        "Source", choices=[SelectChoice(value, label) for value, label in SOURCE_LABELS.items()], default="sourced"
    )
    referrer = StringField(
        "Referred by", validators=[Optional(), Length(max=200)], description="The colleague's name, for referrals."
    )
    resume = FileField("Resume", description="Optional. PDF or DOCX, up to 5 MB.")
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=10000)],
        description="Kept inside your company: the person never sees it.",
    )
    submit = SubmitField("Add to the pipeline")

    def links(self) -> dict[str, str]:
        return {name: self[name].data for name in ("linkedin", "github", "portfolio") if self[name].data}


class StatusLinkForm(FlaskForm):
    submit = SubmitField("Apply")


class PrivacyNoticeForm(FlaskForm):
    text = TextAreaField("Privacy notice", validators=[Length(max=20000)])
    submit = SubmitField("Save as a new version")
