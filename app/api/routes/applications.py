"""Applications: applying, lists, stage moves, history, resumes and notes."""

from __future__ import annotations

from functools import partial

from flask import Response, current_app, request
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.render import application_detail_out, application_out, history_out
from app.api.schemas.applications import (
    ApplicationDetailOut,
    ApplicationListArgs,
    ApplicationPage,
    ApplyIn,
    ApplyMultipartIn,
    ApplyReceivedOut,
    HistoryOut,
    JobApplicationListArgs,
    NoteIn,
    NoteOut,
    TransitionIn,
    UndoIn,
)
from app.api.uploads import parse_apply_body
from app.downloads import attachment
from app.services import applications, applying, questions, undo
from app.services.candidates import CandidateDetails
from app.services.resumes import DOCX, PDF

blp = Blueprint("api_applications", __name__, url_prefix="/api/v1", tag="Applications", description="Applications")

APPLICATION = f"/applications/<{ID}:application_id>"
JOB_APPLICATIONS = f"/jobs/<{ID}:job_id>/applications"
BINARY = {"type": "string", "format": "binary"}

RECEIVED = "Thank you: the confirmation, with a private link, goes to the email address given."


def _detail(application, status: int = 200, history=None) -> Response:
    """ApplicationDetailOut, rendered by app/api/render.py (the schema documents it).

    `history`: already known (a new application's first entry), so not read again.
    """
    actor = caller()
    history = history if history is not None else applications.history_of(actor, application)
    body = application_detail_out(
        application,
        allowed_transitions=applications.allowed_moves(actor, application),
        history=history,
        answers=questions.answers_of(actor, application),
        show_flags=questions.sees_flags(actor, application),
        undo=undo.offer(actor, application, history[-1] if history else None),
    )
    response = current_app.json.response(body)
    response.status_code = status
    return response


@blp.post(JOB_APPLICATIONS)
@jwt_required(optional=True)
@blp.doc(
    security=[{}, *BEARER],
    requestBody={
        "required": False,
        "content": {
            "application/json": {"schema": ApplyIn},
            "multipart/form-data": {"schema": ApplyMultipartIn},
        },
    },
)
@blp.response(201, ApplicationDetailOut, description="A candidate's application, or the person staff added.")
@blp.alt_response(202, schema=ApplyReceivedOut, description="A guest's (or a not yet linked account's) submission.")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Already applied, or the job is not open.")
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def apply(job_id: int):
    """Apply to an open job, or add someone to it.

    Without a token a guest applies (so a company can run its own careers page on
    the API): `candidate` with `full_name` and `email`, `consent`, and a `resume`
    file (multipart). The answer is 202 whatever became of it; the person's email
    says. With a candidate's token the candidate applies (`consent` required).
    With a recruiter's or admin's token the person in `candidate` is added with
    a `source` (and a `referrer` for referrals, a `note`).

    Applicants answer the job's questions in `answers` (question id -> value; in
    multipart a JSON text field). Answers matching a knockout rule flag the
    application for the company's staff; they never reject it.
    """
    data, resume = parse_apply_body()
    actor = caller()
    person = data.get("candidate") or {}
    details = CandidateDetails(
        full_name=person.get("full_name"),
        email=person.get("email"),
        phone=person.get("phone"),
        location=person.get("location"),
        links=person.get("links") or {},
    )
    if actor is not None and actor.is_staff:
        application = applying.add_candidate(
            actor,
            job_id,
            details=details,
            source=data.get("source"),
            referrer=data.get("referrer"),
            note=data.get("note"),
            cover_letter=data.get("cover_letter"),
            resume=resume,
        )
        return _detail(application, 201)
    origin = applying.origin_from(
        source=data.get("source"),
        default="api",
        utm_source=data.get("utm_source"),
        utm_medium=data.get("utm_medium"),
        utm_campaign=data.get("utm_campaign"),
        referrer=data.get("referrer_url"),
        ip=request.remote_addr,
    )
    submission = applying.submit(
        actor,
        job_id,
        details=details,
        cover_letter=data.get("cover_letter"),
        resume=resume,
        answers=data.get("answers"),
        resume_required=actor is None,
        consent=data.get("consent") is True,
        origin=origin,
    )
    if submission.visible:
        return _detail(submission.application, 201, history=submission.history)
    response = current_app.json.response({"status": "received", "detail": RECEIVED})
    response.status_code = 202
    return response


@blp.get(JOB_APPLICATIONS)
@jwt_required()
@blp.arguments(JobApplicationListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ApplicationPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_job_applications(job_id: int, **args):
    """A job's applications, newest first (staff of its company); `flagged=true` for the flagged ones only."""
    return page_response(applications.list_job_applications(caller(), job_id, **args), application_out)  # staff


@blp.get("/applications")
@jwt_required()
@blp.arguments(ApplicationListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ApplicationPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN", description="`flagged` asked by a candidate.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_applications(**args):
    """A candidate's own applications, or the staff member's company's; newest first; `flagged=true` (staff)."""
    actor = caller()
    render = partial(application_out, public=not actor.is_staff)
    return page_response(applications.list_applications(actor, **args), render)


@blp.get(APPLICATION)
@jwt_required()
@blp.response(200, ApplicationDetailOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_application(application_id: int):
    """The application with its job, candidate, stage, the moves the caller may make, and its history."""
    return _detail(applications.get_application(caller(), application_id, shown_only=True))


@blp.post(f"{APPLICATION}/transitions")
@jwt_required()
@blp.arguments(TransitionIn)
@blp.response(200, ApplicationDetailOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="An illegal move (see `allowed`) or a stale one.")
@blp.doc(security=BEARER)
def move(data, application_id: int):
    """Move the application to another stage of its job's pipeline; a rejection needs `reason` or `reason_id`."""
    application = applications.move_stage(
        caller(),
        application_id,
        data["to"],
        note=data.get("note"),
        reason=data.get("reason"),
        reason_id=data.get("reason_id"),
        expected_version=data.get("version"),
    )
    return _detail(application)


@blp.post(f"{APPLICATION}/undo")
@jwt_required()
@blp.arguments(UndoIn)
@blp.response(200, ApplicationDetailOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    409, response="CONFLICT", description="Something happened since, the window has passed, or the email went out."
)
@blp.doc(security=BEARER)
def undo_move(data, application_id: int):
    """Take back your last move of this application (within `UNDO_WINDOW_SECONDS`, default 10 minutes).

    The application goes back to the stage it came from; the move and its undo
    both stay in the history. A candidate email about the move that is still
    waiting is withdrawn; once it has gone out the move cannot be undone.
    """
    application = undo.undo_move(
        caller(), application_id, change_id=data.get("change_id"), expected_version=data.get("version")
    )
    return _detail(application)


@blp.get(f"{APPLICATION}/history")
@jwt_required()
@blp.response(200, HistoryOut(many=True))
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def history(application_id: int):
    """Every stage change, oldest first (candidates do not see staff notes or reasons)."""
    return current_app.json.response([history_out(entry) for entry in applications.history(caller(), application_id)])


@blp.get(f"{APPLICATION}/resume")
@jwt_required()
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "The file, as an attachment",
            "content": {PDF: {"schema": BINARY}, DOCX: {"schema": BINARY}},
        }
    },
)
def resume(application_id: int):
    """The resume, to the candidate who applied and the company's staff."""
    return attachment(*applications.resume_file(caller(), application_id))


@blp.get(f"{APPLICATION}/notes")
@jwt_required()
@blp.response(200, NoteOut(many=True))
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_notes(application_id: int):
    """Staff notes, oldest first (staff of the company, hiring managers included)."""
    return applications.list_notes(caller(), application_id)


@blp.post(f"{APPLICATION}/notes")
@jwt_required()
@blp.arguments(NoteIn)
@blp.response(201, NoteOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def add_note(data, application_id: int):
    """Add a staff note; candidates never see notes."""
    return applications.add_note(caller(), application_id, data["body"])
