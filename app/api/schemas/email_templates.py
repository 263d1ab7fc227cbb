"""A company's email templates, the merge fields they may use, and previews."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import Id, Text, UserRef
from app.mail.templating import HTML_MAX, SUBJECT_MAX, TEXT_MAX

LANGUAGE = Text(
    validate=validate.Length(max=12),
    metadata={"description": "A language tag such as `en`, `de` or `pt-br` (default `en`)."},
)
SOURCE_DOC = (
    "Where the template in effect comes from: `custom` (yours, for this key and language), `inherited` (your "
    "template for `source_key` / `source_language`: the rejection template for a reason, or English) or "
    "`default` (built in)."
)


class LanguageArgs(ma.Schema):
    language = LANGUAGE


class MergeFieldOut(ma.Schema):
    name = fields.String(required=True, metadata={"description": "As written in a template: `{{ job.title }}`."})
    description = fields.String(required=True)
    example = fields.Raw(required=True, metadata={"description": "A sample value, as checks and previews use it."})


class EmailTemplateOut(ma.Schema):
    key = fields.String(
        required=True,
        metadata={"description": "`application_received`, `stage_<category>` or `stage_rejected.reason_<id>`."},
    )
    label = fields.String(required=True)
    language = fields.String(required=True)
    subject = fields.String(required=True)
    text_body = fields.String(required=True)
    html_body = fields.String(
        required=True, allow_none=True, metadata={"description": "None: the HTML part is made from the text."}
    )
    custom = fields.Boolean(required=True, metadata={"description": "You have your own template for this key."})
    source = fields.String(
        required=True, validate=validate.OneOf(("custom", "inherited", "default")), metadata={"description": SOURCE_DOC}
    )
    source_key = fields.String(required=True)
    source_language = fields.String(required=True)
    reason_id = fields.Integer(required=True, allow_none=True, metadata={"description": "A reason's template."})
    updated_at = fields.DateTime(required=True, allow_none=True)
    updated_by = fields.Nested(UserRef, required=True, allow_none=True)


class EmailTemplateList(ma.Schema):
    templates = fields.List(fields.Nested(EmailTemplateOut), required=True)
    merge_fields = fields.List(fields.Nested(MergeFieldOut), required=True)


TEMPLATE_DOC = (
    "Jinja with merge fields (`{{ candidate.first_name }}`), `{% if %}`, `{% for answer in answers %}` and a "
    "few filters (`upper`, `default`, `truncate`...); calls, `set`, arithmetic and includes are refused. "
    "Problems are reported by line."
)


class EmailTemplateIn(ma.Schema):
    subject = Text(required=True, validate=validate.Length(min=1, max=SUBJECT_MAX),
                   metadata={"description": "One line. " + TEMPLATE_DOC})  # fmt: skip
    text_body = Text(required=True, validate=validate.Length(min=1, max=TEXT_MAX),
                     metadata={"description": TEMPLATE_DOC})  # fmt: skip
    html_body = Text(
        allow_none=True,
        validate=validate.Length(max=HTML_MAX),
        metadata={"description": "Optional; merge fields are escaped. Left out or null: made from the text."},
    )


class PreviewIn(ma.Schema):
    application_id = Id(required=True, metadata={"description": "One of your company's applications."})
    subject = Text(validate=validate.Length(max=SUBJECT_MAX),
                   metadata={"description": "With `text_body`: preview this unsaved draft instead."})  # fmt: skip
    text_body = Text(validate=validate.Length(max=TEXT_MAX))
    html_body = Text(allow_none=True, validate=validate.Length(max=HTML_MAX))


class PreviewOut(ma.Schema):
    key = fields.String(required=True)
    language = fields.String(required=True)
    application_id = fields.Integer(required=True)
    subject = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "The text part, footer included."})
    html = fields.String(required=True, metadata={"description": "The HTML part, frame and footer included."})
