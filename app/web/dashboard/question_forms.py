"""The question editor's form: a question as the service takes it, and back."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.models import JobQuestion
from app.models.questions import CHOICE_KINDS, QUESTION_KINDS
from app.services.questions import KIND_LABELS
from app.web.jobs.answers import parse_number

KNOCKOUT_CHOICES = [
    SelectChoice("", "No knockout rule"),
    SelectChoice("is", "Yes / no: the answer is…"),
    SelectChoice("any_of", "Choice: the answer includes any of…"),
    SelectChoice("below", "Number: below…"),
    SelectChoice("above", "Number: above…"),
    SelectChoice("before", "Date: before…"),
    SelectChoice("after", "Date: after…"),
]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(FlaskForm):
    kind = SelectField("Type", choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in QUESTION_KINDS])
    label = StringField("Question", description="Up to 300 characters.")
    help_text = TextAreaField("Help text", description="Optional; shown under the question (up to 1,000 characters).")
    required = BooleanField("An answer is required")
    options = TextAreaField("Options", description="Choice questions: one option per line (up to 50).")
    knockout_op = SelectField("Knockout rule", choices=KNOCKOUT_CHOICES, default="")
    knockout_value = TextAreaField(
        "Knockout value",
        description="Yes or No; for choices, the options that flag, one per line; a number; a date (YYYY-MM-DD). "
        "A matching application is flagged for review, never rejected.",
    )
    submit = SubmitField("Save question")

    def spec(self) -> dict[str, Any]:
        """The question as `questions.add_question` / `update_question` take it; the service checks it."""
        kind = self.kind.data
        spec: dict[str, Any] = {
            "kind": kind,
            "label": self.label.data or "",
            "help_text": self.help_text.data or "",
            "required": bool(self.required.data),
            "options": _lines(self.options.data),
            "knockout": None,
        }
        op = self.knockout_op.data
        if op:
            text = (self.knockout_value.data or "").strip()
            value: Any = text
            if kind == "yes_no":
                value = {"yes": True, "no": False}.get(text.lower(), text)
            elif kind in CHOICE_KINDS:
                value = _lines(text)
            elif kind == "number":
                value = parse_number(text)
            spec["knockout"] = {"op": op, "value": value}
        return spec

    def fill(self, question: JobQuestion) -> None:
        """Show a stored question."""
        self.kind.data = question.kind
        self.label.data = question.label
        self.help_text.data = question.help_text
        self.required.data = question.required
        self.options.data = "\n".join(question.options or [])
        rule = question.knockout or {}
        self.knockout_op.data = rule.get("op", "")
        value = rule.get("value")
        if isinstance(value, bool):
            self.knockout_value.data = "Yes" if value else "No"
        elif isinstance(value, list):
            self.knockout_value.data = "\n".join(value)
        else:
            self.knockout_value.data = "" if value is None else str(value)


class QuestionMoveForm(FlaskForm):
    """Up and down buttons: `direction` is the button pressed."""

    direction = StringField()
