"""Forms of the candidate profile, tags and talent pools."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.web.dashboard.candidate_forms import SOURCE_LABELS
from app.web.formtools import SafeForm


class CandidateForm(SafeForm):
    full_name = StringField("Full name", validators=[Length(max=200)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])
    phone = StringField(
        "Phone", validators=[Optional(), Length(max=50)], description="With + and the country code it is stored "
        "in international form."
    )  # fmt: skip
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    linkedin = StringField("LinkedIn", validators=[Optional(), Length(max=500)])
    github = StringField("GitHub", validators=[Optional(), Length(max=500)])
    portfolio = StringField("Portfolio", validators=[Optional(), Length(max=500)])
    source = SelectField("Source", choices=[SelectChoice(v, label) for v, label in SOURCE_LABELS.items()])
    version = HiddenField()
    submit = SubmitField("Save")

    def links(self) -> dict[str, str]:
        return {name: self[name].data for name in ("linkedin", "github", "portfolio") if self[name].data}


class TagForm(SafeForm):
    name = StringField("Tag", validators=[Length(max=50)])
    next = HiddenField()


class PoolPickForm(SafeForm):
    pool_id = IntegerField("Pool", validators=[Optional()])


class PoolForm(SafeForm):
    name = StringField("Name", validators=[Length(max=100)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Create the pool")


class ApplyForm(SafeForm):
    job_id = IntegerField("Job", validators=[Optional()])


class ActionForm(SafeForm):
    """A button that only posts (remove, delete)."""
