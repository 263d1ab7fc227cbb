"""Stage templates, a job's pipeline and the company's rejection reasons."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import StrictBool, StrictInt, Text
from app.mail.default_templates import DEFAULTS
from app.workflow import CATEGORIES, KEY_PATTERN, MAX_EMAIL_DELAY_MINUTES, MAX_STAGES, NAME_MAX

EMAIL_DOC = (
    "Whether entering this stage emails the candidate. Left out or null: entering a new category of "
    "screening, interview, offer or hired does; moving between two stages of one category does not."
)
TEMPLATE_DOC = "The email template sent (a key of /email-templates); null: the category's (`stage_<category>`)."
DELAY_DOC = "Minutes the email waits before it goes out (undoing the move withdraws it); null: none."

KEY_DOC = "Unique within the pipeline; what `to` names when moving. Made from the name when left out; kept on edits."


class StageIn(ma.Schema):
    key = fields.String(
        validate=validate.Regexp(
            KEY_PATTERN, error="Lower-case letters, digits and underscores, starting with a letter."
        ),
        metadata={"description": KEY_DOC},
    )
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    internal = StrictBool(metadata={"description": "Candidates see the category's name instead of this stage's."})
    email = StrictBool(allow_none=True, metadata={"description": EMAIL_DOC})
    email_template = fields.String(allow_none=True, validate=validate.OneOf(tuple(DEFAULTS)),
                                   metadata={"description": TEMPLATE_DOC})  # fmt: skip
    email_delay_minutes = StrictInt(
        allow_none=True, validate=validate.Range(0, MAX_EMAIL_DELAY_MINUTES), metadata={"description": DELAY_DOC}
    )


class StageOut(ma.Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf((*CATEGORIES, "rejected", "withdrawn")))
    internal = fields.Boolean(required=True)
    final = fields.Boolean(
        required=True, metadata={"description": "Hired, rejected and withdrawn end the application."}
    )
    email = fields.Boolean(required=True, allow_none=True, metadata={"description": EMAIL_DOC})
    email_template = fields.String(required=True, allow_none=True, metadata={"description": TEMPLATE_DOC})
    email_delay_minutes = fields.Integer(required=True, allow_none=True, metadata={"description": DELAY_DOC})


STAGES_DOC = (
    "In order. Categories run applied, screening, interview, offer, hired: the first stage is of the applied "
    "category, exactly one hired stage comes last, an offer stage just before it. `rejected` and `withdrawn` "
    "are added to every pipeline."
)


class TemplateIn(ma.Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    stages = fields.List(
        fields.Nested(StageIn), required=True, validate=validate.Length(min=2, max=MAX_STAGES),
        metadata={"description": STAGES_DOC},
    )  # fmt: skip
    allow_skip = StrictBool(metadata={"description": "Moves may skip forward over stages (never into hired)."})
    is_default = StrictBool(metadata={"description": "New jobs copy this template unless told otherwise."})


class TemplatePatch(TemplateIn):
    name = Text(validate=validate.Length(min=1, max=100))
    stages = fields.List(fields.Nested(StageIn), validate=validate.Length(min=2, max=MAX_STAGES))
    version = StrictInt(validate=validate.Range(1, 2_147_483_647), metadata={"description": "The version you read."})


class TemplateOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    stages = fields.List(fields.Nested(StageOut), required=True, metadata={"description": "Final stages included."})
    allow_skip = fields.Boolean(required=True)
    is_default = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class TemplateList(ma.Schema):
    templates = fields.List(fields.Nested(TemplateOut), required=True)


class PipelineIn(ma.Schema):
    stages = fields.List(
        fields.Nested(StageIn), required=True, validate=validate.Length(min=2, max=MAX_STAGES),
        metadata={"description": STAGES_DOC + " Keep a stage's `key` to keep the stage (rename, reorder); "
                  "a stage left out is removed, which only an empty stage can be."},
    )  # fmt: skip
    allow_skip = StrictBool()
    version = StrictInt(
        validate=validate.Range(1, 2_147_483_647), metadata={"description": "The pipeline `version` you read."}
    )


class PipelineStageOut(StageOut):
    applications = fields.Integer(required=True, metadata={"description": "How many applications stand in it."})


class PipelineOut(ma.Schema):
    job_id = fields.Integer(required=True)
    stages = fields.List(fields.Nested(PipelineStageOut), required=True)
    allow_skip = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    template_id = fields.Integer(required=True, allow_none=True, metadata={"description": "Copied from."})


class ReasonIn(ma.Schema):
    label = Text(required=True, validate=validate.Length(min=1, max=200))
    position = StrictInt(validate=validate.Range(0, 10_000))


class ReasonPatch(ma.Schema):
    label = Text(validate=validate.Length(min=1, max=200))
    position = StrictInt(validate=validate.Range(0, 10_000))
    archived = StrictBool(metadata={"description": "Archived reasons are offered no more; past rejections keep them."})


class ReasonOut(ma.Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    position = fields.Integer(required=True)
    archived = fields.Boolean(required=True)


class ReasonList(ma.Schema):
    reasons = fields.List(fields.Nested(ReasonOut), required=True)


class ReasonListArgs(ma.Schema):
    include_archived = fields.Boolean(load_default=False)
