"""Applications, stage moves, history and notes."""

from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma
from marshmallow import fields, validate

from app.api.render import actor_ref, origin_out, resume_out, stage_fields
from app.api.schemas.common import CompanyRef, Id, PageArgs, StrictInt, Text, UserRef, page_schema, updated_after_field
from app.api.schemas.questions import AnswerOut
from app.models import Application
from app.models.candidates import SOURCES
from app.models.jobs import JOB_STATUSES
from app.services.applications import HistoryEntry
from app.services.resumes import DOCX, PDF
from app.workflow import ALL_CATEGORIES, KEY_PATTERN

ANSWERS = (
    "The answers to the job's questions (see `GET /jobs/{job_id}/form`), by question id. "
    "Errors name `answers.<question_id>`."
)


class LinksIn(ma.Schema):
    linkedin = Text(validate=validate.Length(max=500))
    github = Text(validate=validate.Length(max=500))
    portfolio = Text(validate=validate.Length(max=500))


class CandidateIn(ma.Schema):
    full_name = Text(validate=validate.Length(max=200))
    email = Text(allow_none=True, validate=validate.Length(max=254))
    phone = Text(allow_none=True, validate=validate.Length(max=50))
    location = Text(allow_none=True, validate=validate.Length(max=200))
    links = fields.Nested(LinksIn)


class ApplyIn(ma.Schema):
    """Who sends it decides what it is: no token, a guest applies; a candidate's token, they apply;
    a recruiter's or admin's token, they add the person in `candidate` themselves."""

    cover_letter = Text(validate=validate.Length(max=10000))
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), metadata={"description": ANSWERS})
    candidate = fields.Nested(
        CandidateIn, metadata={"description": "Guests: name and email required. Staff: name required, email optional."}
    )
    consent = fields.Boolean(
        metadata={"description": "Applicants: true, having shown the company's privacy notice. Required to apply."}
    )
    source = fields.String(
        validate=validate.OneOf(SOURCES),
        metadata={"description": "Applicants: careers_page, job_board or api (default). Staff: sourced, referral, "
                  "agency, event or other (required)."},
    )  # fmt: skip
    referrer = Text(validate=validate.Length(max=200), metadata={"description": "Staff: the referring colleague."})
    note = Text(validate=validate.Length(max=10000), metadata={"description": "Staff: a note kept inside the team."})
    utm_source = Text(validate=validate.Length(max=2000), metadata={"description": "Kept up to 100 characters."})
    utm_medium = Text(validate=validate.Length(max=2000))
    utm_campaign = Text(validate=validate.Length(max=2000))
    referrer_url = Text(
        validate=validate.Length(max=2000),
        metadata={"description": "The page the applicant came from (its host is kept)."},
    )


class ApplyMultipartIn(ApplyIn):
    resume = fields.Raw(
        metadata={"type": "string", "format": "binary", "description": "A PDF or DOCX file (recognised by content)."}
    )
    answers = Text(metadata={"description": f"A JSON object as text. {ANSWERS}"})


class ApplyReceivedOut(ma.Schema):
    """The same answer whether the address is new, had applied before, or the submission was dropped."""

    status = fields.String(required=True, metadata={"description": "Always `received`."})
    detail = fields.String(required=True)


class TransitionIn(ma.Schema):
    to = fields.String(
        required=True,
        validate=validate.Regexp(KEY_PATTERN, error="Not a stage key."),
        metadata={"description": "The key of a stage of the job's pipeline (`GET /jobs/{id}/pipeline`)."},
    )
    note = Text(allow_none=True, validate=validate.Length(max=5000))
    reason = Text(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "To reject: this text, a `reason_id`, or both, are required."},
    )
    reason_id = StrictInt(
        allow_none=True,
        validate=validate.Range(1, 2_147_483_647),
        metadata={"description": "To reject: one of the company's rejection reasons (`GET /rejection-reasons`)."},
    )
    version = StrictInt(
        allow_none=True,
        validate=validate.Range(1, 2_147_483_647),
        metadata={"description": "The version you read; if it changed meanwhile the move is refused (409)."},
    )


class UndoIn(ma.Schema):
    change_id = StrictInt(
        allow_none=True,
        validate=validate.Range(1, 2_147_483_647),
        metadata={"description": "The move to undo (`undo.change_id`); refused if anything happened since."},
    )
    version = StrictInt(allow_none=True, validate=validate.Range(1, 2_147_483_647))


class NoteIn(ma.Schema):
    body = Text(required=True, validate=validate.Length(max=10000))


class JobRef(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(JOB_STATUSES))
    company = fields.Nested(CompanyRef, required=True)


class CandidateRef(ma.Schema):
    """The company's record of the person (not a login: `id` is the candidate record's)."""

    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "None for people added without one."}
    )


class OriginOut(ma.Schema):
    utm_source = fields.String(required=True, allow_none=True)
    utm_medium = fields.String(required=True, allow_none=True)
    utm_campaign = fields.String(required=True, allow_none=True)
    referrer_host = fields.String(
        required=True, allow_none=True, metadata={"description": "The site the person came from."}
    )
    referrer_name = fields.String(
        required=True, allow_none=True, metadata={"description": "The colleague who referred them."}
    )


class ResumeOut(ma.Schema):
    filename = fields.String(required=True)
    content_type = fields.String(required=True, validate=validate.OneOf((PDF, DOCX)))
    size = fields.Integer(required=True)


class ApplicationView:
    """An application as the API shows it: the model plus what the caller may see of it."""

    def __init__(self, application: Application, *, public: bool = False, **extra) -> None:
        self._application = application
        self._public = public
        self.__dict__.update(extra)

    @property
    def stage(self) -> str:
        return stage_fields(self._application, public=self._public)["stage"]

    @property
    def stage_name(self) -> str:
        return stage_fields(self._application, public=self._public)["stage_name"]

    @property
    def stage_category(self) -> str:
        return stage_fields(self._application, public=self._public)["stage_category"]

    def __getattr__(self, name: str):
        return getattr(self._application, name)

    @property
    def resume(self) -> dict | None:
        return resume_out(self._application)

    @property
    def origin(self) -> dict:
        return origin_out(self._application)


class ApplicationOut(ma.Schema):
    id = fields.Integer(required=True)
    job = fields.Nested(JobRef, required=True)
    candidate = fields.Nested(CandidateRef, required=True)
    stage = fields.String(
        required=True,
        metadata={"description": "The key of a stage of the job's pipeline (candidates: internal stages by category)."},
    )
    stage_name = fields.String(required=True, metadata={"description": "The stage's name, as the caller may see it."})
    stage_category = fields.String(required=True, validate=validate.OneOf(ALL_CATEGORIES))
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    version = fields.Integer(required=True, metadata={"description": "Send it back as `version` to move safely."})
    resume = fields.Nested(ResumeOut, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)

    @ma.pre_dump
    def _view(self, application, **kwargs):
        return application if isinstance(application, ApplicationView) else ApplicationView(application)


class UndoOut(ma.Schema):
    change_id = fields.Integer(required=True)
    until = fields.DateTime(required=True)


class HistoryOut(ma.Schema):
    id = fields.Integer(required=True)
    from_stage = fields.String(required=True, allow_none=True)
    to_stage = fields.String(required=True)
    actor = fields.Nested(UserRef, required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True, metadata={"description": "Hidden from candidates."})
    reason = fields.String(required=True, allow_none=True, metadata={"description": "Hidden from candidates."})
    created_at = fields.DateTime(required=True)
    undo_of = fields.Integer(
        required=True, allow_none=True, metadata={"description": "On an undo: the id of the move it took back."}
    )

    @ma.pre_dump
    def _view(self, entry: HistoryEntry, **kwargs):
        return {**asdict(entry), "actor": actor_ref(entry), "undo_of": entry.undo_of_id}


class ApplicationDetailOut(ApplicationOut):
    origin = fields.Nested(OriginOut, required=True)
    cover_letter = fields.String(required=True)
    answers = fields.List(
        fields.Nested(AnswerOut),
        required=True,
        metadata={"description": "The answers to the job's questions, as they were asked."},
    )
    flagged = fields.Boolean(
        required=True, metadata={"description": "Staff only: a knockout rule matched. Always false for the candidate."}
    )
    allowed_transitions = fields.List(
        fields.String(), required=True, metadata={"description": "The moves the caller may make now."}
    )
    history = fields.List(fields.Nested(HistoryOut), required=True, metadata={"description": "Oldest first."})
    undo = fields.Nested(
        UndoOut,
        required=True,
        allow_none=True,
        metadata={"description": "The caller's last move, while they may still undo it (`POST .../undo`)."},
    )


class NoteOut(ma.Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    author = fields.Nested(UserRef, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


ApplicationPage = page_schema(ApplicationOut, "ApplicationPage")


FLAGGED = {"description": "Staff only: `true` lists only the applications a knockout rule flagged."}


class ApplicationListArgs(PageArgs):
    job_id = Id()
    stage = fields.String(validate=validate.Regexp(KEY_PATTERN, error="Not a stage key."))
    flagged = fields.Boolean(metadata=FLAGGED)
    updated_after = updated_after_field()


class JobApplicationListArgs(PageArgs):
    stage = fields.String(validate=validate.Regexp(KEY_PATTERN, error="Not a stage key."))
    flagged = fields.Boolean(metadata=FLAGGED)
    updated_after = updated_after_field()


class StatusLinkSentOut(ma.Schema):
    """A new private status link went to the person's email address; staff never see it."""

    status = fields.String(required=True, metadata={"description": "Always `sent`."})
    detail = fields.String(required=True)
