"""The application page's form to write to the candidate."""

from __future__ import annotations

from flask_login import current_user
from wtforms import DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.errors import NotFound
from app.services import messages
from app.web.formtools import SafeForm

REQUIRED = "This field is required."


class MessageForm(SafeForm):
    subject = StringField("Subject", validators=[DataRequired(REQUIRED)])
    body = TextAreaField(
        "Message",
        validators=[DataRequired(REQUIRED)],
        description="Merge fields such as {{ candidate.first_name }} or {{ job.title }} are filled in for the "
        "candidate; the email templates page lists them all.",
    )
    send_at = DateTimeLocalField(
        "Send at (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Optional. Left empty, it goes now; until then it can be cancelled.",
    )
    submit = SubmitField("Send")


def prefilled(application_id: int, key: str | None) -> MessageForm:
    """The compose form, pre-filled from the company's template `key` when one is chosen."""
    form = MessageForm(formdata=None)
    if key:
        try:
            form.subject.data, form.body.data = messages.starting_from(current_user, application_id, key)
        except NotFound:
            form.form_errors.append("Choose one of the templates listed.")
    return form
