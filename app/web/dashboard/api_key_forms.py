"""The API keys page's forms: make a key (name, scopes, expiry) and revoke one."""

from __future__ import annotations

from wtforms import IntegerField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from app.services.api_keys import MAX_EXPIRY_DAYS, NAME_MAX, SCOPES
from app.web.formtools import SafeForm

SCOPE_HELP = {
    "jobs:read": "Read jobs, their pipelines and questions",
    "jobs:write": "Create and change jobs, pipelines and questions",
    "applications:read": "Read applications, their history and replies",
    "applications:write": "Move, reject, note and bulk-edit applications",
    "candidates:read": "Read candidates",
    "candidates:write": "Change candidates",
    "reports:read": "Read reports",
    "webhooks:manage": "Manage webhooks and read the event feed",
}


class ScopeBoxes(SelectMultipleField):
    """One checkbox per scope (a list of boxes rather than a multi-select)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ApiKeyForm(SafeForm):
    name = StringField("Name", validators=[Length(max=NAME_MAX * 2)], description="Who uses it, e.g. “HRIS sync”.")
    scopes = ScopeBoxes("Scopes", choices=[SelectChoice(scope, f"{scope} — {SCOPE_HELP[scope]}") for scope in SCOPES])
    expires_in_days = IntegerField(
        "Expires after (days)",
        validators=[Optional(), NumberRange(1, MAX_EXPIRY_DAYS)],
        description="Leave empty for a key that does not expire.",
    )
    submit = SubmitField("Make key")


class RevokeForm(SafeForm):
    submit = SubmitField("Revoke")
