"""The webhooks page's forms."""

from __future__ import annotations

from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.web.formtools import SafeForm
from app.webhooks.catalog import EVENT_TYPES


class EndpointForm(SafeForm):
    url = StringField(
        "URL",
        validators=[Length(max=2000)],
        description="https, on a public address. Events are POSTed to it, signed (Standard Webhooks).",
    )
    description = StringField("Description", validators=[Length(max=500)])
    event_types = SelectMultipleField(
        "Events",
        choices=[SelectChoice(name, name) for name in sorted(EVENT_TYPES)],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="None ticked: every event.",
    )
    active = BooleanField("Active", description="Enabling it again sends what waited, in order.")
    submit = SubmitField("Add endpoint")


class ButtonForm(SafeForm):
    """A button with nothing to fill in; CSRF only."""
