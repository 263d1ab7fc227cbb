"""The offer page's forms: the terms, a step with a note, the job's approvers, the letter template."""

from __future__ import annotations

from wtforms import DateField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from app.services.currencies import CODES
from app.services.offer_letters import BODY_MAX, TERMS_MAX
from app.web.formtools import SafeForm

REQUIRED = "This field is required."


class OfferForm(SafeForm):
    salary_amount = StringField(
        "Salary (per year)", validators=[DataRequired(REQUIRED), Length(max=20)],
        description="Exact, such as 85000 or 85000.50.",
    )  # fmt: skip
    currency = StringField(
        "Currency", validators=[DataRequired(REQUIRED), Length(max=10)], default="EUR",
        description=f"An ISO 4217 code: {', '.join(c for c in CODES if c in ('EUR', 'USD', 'GBP', 'CHF', 'JPY'))} ...",
    )  # fmt: skip
    start_date = DateField("Start date", validators=[DataRequired("Must be a date.")])
    terms = TextAreaField("Other terms", validators=[Optional(), Length(max=TERMS_MAX)])
    submit = SubmitField("Save the offer")

    def terms_fields(self) -> dict:
        return {
            "salary_amount": (self.salary_amount.data or "").strip(),
            "currency": (self.currency.data or "").strip(),
            "start_date": self.start_date.data,
            "terms": self.terms.data or "",
        }


class OfferStepForm(SafeForm):
    note = StringField("Note (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Go")


class ApproversForm(SafeForm):
    user_ids = SelectMultipleField(
        "Approvers", coerce=int, choices=[], validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
        description="Members who may approve this job's offers; admins always may.",
    )  # fmt: skip
    submit = SubmitField("Save approvers")


class LetterTemplateForm(SafeForm):
    body = TextAreaField("Letter (HTML)", validators=[DataRequired(REQUIRED), Length(max=BODY_MAX)])
    submit = SubmitField("Save the letter")
    preview = SubmitField("Preview")
    reset = SubmitField("Back to the built-in letter")
