"""Forms of the tag-management page."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length

from app.models.tags import TAG_NAME_MAX
from app.web.formtools import SafeForm


class TagNameForm(SafeForm):
    name = StringField("Name", validators=[Length(max=TAG_NAME_MAX)])
    submit = SubmitField("Add the tag")


class MergeTagForm(SafeForm):
    into = SelectField("Merge into", coerce=int, validate_choice=False)
    submit = SubmitField("Merge")
