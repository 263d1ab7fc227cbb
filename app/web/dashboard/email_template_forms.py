"""The email template form: subject, text and HTML, and an application to preview them with."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from app.mail.templating import HTML_MAX, SUBJECT_MAX, TEXT_MAX
from app.web.formtools import SafeForm


def _optional_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class EmailTemplateForm(SafeForm):
    subject = StringField("Subject", validators=[Length(max=SUBJECT_MAX)], description="One line.")
    text_body = TextAreaField(
        "Text", validators=[Length(max=TEXT_MAX)], description="The plain-text email; every email has one."
    )
    html_body = TextAreaField(
        "HTML",
        validators=[Length(max=HTML_MAX)],
        description="Optional. Left empty, the HTML email is made from the text. Merge fields are escaped.",
    )
    # Chosen from the newest applications; the service checks that it is one of the company's.
    application_id = SelectField("Preview with the application of", coerce=_optional_int, validate_choice=False)
    submit = SubmitField("Save")
    preview = SubmitField("Preview")

    def fill(self, view) -> None:
        self.subject.data = view.subject
        self.text_body.data = view.text_body
        self.html_body.data = view.html_body or ""

    def draft(self) -> dict:
        return {"subject": self.subject.data, "text_body": self.text_body.data, "html_body": self.html_body.data}


class ResetForm(SafeForm):
    submit = SubmitField("Reset to the default")
