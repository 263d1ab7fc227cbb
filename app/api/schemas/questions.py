"""A job's application questions, the public application form, and answers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import CompanyRef, Id, StrictBool, Text
from app.models.questions import QUESTION_KINDS
from app.services.questions import (
    HELP_MAX,
    KNOCKOUT_OPS,
    LABEL_MAX,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    OPTION_MAX,
    rule_text,
)

KNOCKOUT_OP_NAMES = tuple(sorted({op for ops in KNOCKOUT_OPS.values() for op in ops}))
ANSWER_VALUE = {
    "description": "Text for short_text and long_text; true or false for yes_no; one option for single_choice; "
    "a list of options for multiple_choice; a number for number; YYYY-MM-DD for date.",
}


class KnockoutRule(ma.Schema):
    op = fields.String(
        required=True,
        validate=validate.OneOf(KNOCKOUT_OP_NAMES),
        metadata={
            "description": "yes_no: `is`; single_choice and multiple_choice: `any_of`; "
            "number: `below` or `above`; date: `before` or `after`. Text questions have none."
        },
    )
    value = fields.Raw(
        required=True,
        metadata={
            "description": "yes_no: true or false; choices: a list of options; number: a number; date: YYYY-MM-DD."
        },
    )


class QuestionIn(ma.Schema):
    id = Id(metadata={"description": "An existing question of this job, to keep and change it; leave out to add one."})
    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    label = Text(required=True, validate=validate.Length(max=LABEL_MAX))
    help_text = Text(validate=validate.Length(max=HELP_MAX))
    required = StrictBool()
    options = fields.List(
        Text(validate=validate.Length(max=OPTION_MAX)),
        validate=validate.Length(max=MAX_OPTIONS),
        metadata={"description": "Choice questions only: the options, in order."},
    )
    knockout = fields.Nested(
        KnockoutRule,
        allow_none=True,
        metadata={"description": "Applications whose answer matches are flagged for review, never rejected."},
    )


class QuestionsIn(ma.Schema):
    questions = fields.List(
        fields.Nested(QuestionIn),
        required=True,
        validate=validate.Length(max=MAX_QUESTIONS),
        metadata={"description": "The whole list, in form order: questions left out are deleted."},
    )


class PublicQuestionOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    label = fields.String(required=True)
    help_text = fields.String(required=True)
    required = fields.Boolean(required=True)
    options = fields.List(fields.String(), required=True)


class QuestionOut(PublicQuestionOut):
    knockout = fields.Nested(KnockoutRule, required=True, allow_none=True)
    knockout_text = fields.Function(
        lambda question: rule_text(question.kind, question.knockout) or None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": 'The rule as people read it: "Answer is No".'},
    )


class QuestionsOut(ma.Schema):
    questions = fields.List(fields.Nested(QuestionOut), required=True, metadata={"description": "In form order."})


class FormFieldOut(ma.Schema):
    name = fields.String(required=True)
    kind = fields.String(
        required=True, metadata={"description": "short_text, long_text, email, phone, file or consent."}
    )
    label = fields.String(required=True)
    required = fields.Boolean(required=True)
    max_length = fields.Integer(required=True, allow_none=True)
    accept = fields.List(fields.String(), required=True, metadata={"description": "Files: the accepted types."})


class FormJobRef(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    company = fields.Nested(CompanyRef, required=True)


class ApplicationFormOut(ma.Schema):
    job = fields.Nested(FormJobRef, required=True)
    fields_ = fields.List(
        fields.Nested(FormFieldOut),
        required=True,
        data_key="fields",
        attribute="fields",
        metadata={"description": "The fields every application form has."},
    )
    questions = fields.List(
        fields.Nested(PublicQuestionOut),
        required=True,
        metadata={"description": "The job's own questions, in order; answer them as `answers` by id."},
    )


class AnswerOut(ma.Schema):
    question_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "None once the question was deleted."}
    )
    label = fields.String(required=True, metadata={"description": "The question as it was asked."})
    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    value = fields.Raw(required=True, metadata=ANSWER_VALUE)
    flag = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Staff only: the knockout rule this answer matched. Always null for the candidate."},
    )
