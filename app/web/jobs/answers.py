"""The apply form's part for a job's own questions: one field per question, built from the questions.

Fields are named `answers-q<id>`. What the candidate typed is turned into the
JSON values `questions.validate_answers` takes (yes/no to true/false, numbers
to numbers); anything that does not parse is passed on as typed, so the service
says what is wrong, beside the field.
"""

from __future__ import annotations

import math
import re
from typing import Any

from wtforms import Form, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.errors import DomainError
from app.models import JobQuestion
from app.models.questions import QuestionKind

PREFIX = "answers"
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
_INTEGER = re.compile(r"-?\d{1,16}")


class AnswersForm(Form):
    """The fields of one job's questions (the outer apply form carries the CSRF token).

    `kinds` and `required` are plain copies, so the page renders without the
    question rows (a refused submission rolls them back).
    """

    questions: dict[str, JobQuestion]
    kinds: dict[str, str]
    required: dict[str, bool]


def _field(question: JobQuestion):
    options = {"label": question.label, "description": question.help_text or ""}
    kind = question.kind
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(**options)
    if kind == QuestionKind.YES_NO:
        return RadioField(choices=YES_NO, validate_choice=False, **options)
    if kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(
            choices=[SelectChoice(option, option) for option in question.options], validate_choice=False, **options
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return SelectMultipleField(
            choices=[SelectChoice(option, option) for option in question.options],
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
            **options,
        )
    return StringField(**options)  # short text, number and date: typed text, kept as typed on a refusal


def answers_form(questions: list[JobQuestion], formdata=None) -> AnswersForm:
    """The form for these questions, filled from `formdata` (a submitted form) if given."""
    fields = {f"q{question.id}": _field(question) for question in questions}
    form_class = type("JobAnswersForm", (AnswersForm,), fields)
    form = form_class(formdata=formdata, prefix=PREFIX)
    form.questions = {f"q{question.id}": question for question in questions}
    form.kinds = {f"q{question.id}": question.kind for question in questions}
    form.required = {f"q{question.id}": question.required for question in questions}
    return form


def parse_number(text: str) -> Any:
    """A typed number as an int or a float; text that is not one comes back as it was."""
    text = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def raw_answers(form: AnswersForm) -> dict[str, Any]:
    """The answers as JSON values by question id; unanswered questions are left out."""
    answers: dict[str, Any] = {}
    for name, kind in form.kinds.items():
        data = form[name].data
        if data in (None, "", []):
            continue
        if kind == QuestionKind.YES_NO:
            data = {"yes": True, "no": False}.get(data, data)
        elif kind == QuestionKind.NUMBER:
            data = parse_number(data)
        answers[name.removeprefix("q")] = data
    return answers


def show_answer_errors(form: AnswersForm, error: DomainError) -> dict[str, list[str]]:
    """Put `answers.<id>` errors beside their fields; the other errors are returned."""
    rest: dict[str, list[str]] = {}
    for key, messages in (error.errors or {}).items():
        field = form._fields.get(f"q{key.removeprefix('answers.')}") if key.startswith("answers.") else None
        if field is None:
            rest[key] = messages
        else:
            field.errors = [*field.errors, *messages]
    return rest
