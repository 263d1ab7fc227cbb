"""Interviews on applications, jobs' interview plans, the caller's interviews and calendar feed."""

from __future__ import annotations

from flask import current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.render_interviews import interview_out, kind_out
from app.api.schemas.interviews import (
    CalendarFeedOut,
    InterviewCancel,
    InterviewIn,
    InterviewList,
    InterviewListArgs,
    InterviewOut,
    InterviewPage,
    InterviewPatch,
    InterviewPlanIn,
    InterviewPlanOut,
)
from app.extensions import db
from app.models import Application
from app.services import calendar_feeds, interview_plans, interviews

blp = Blueprint(
    "api_interviews",
    __name__,
    url_prefix="/api/v1",
    tag="Interviews",
    description="Interviews on applications (with calendar invites), interview plans, calendar feeds",
)

APPLICATION = f"/applications/<{ID}:application_id>"
INTERVIEW = f"/interviews/<{ID}:interview_id>"
PLAN = f"/jobs/<{ID}:job_id>/interview-plan"


def _out(found: list, actor) -> list[dict]:
    users = interviews.people({i for interview in found for i in interview.interviewer_ids})
    notes = interviews.sees_notes(actor)
    return [interview_out(interview, users, notes=notes) for interview in found]


def _json(body, status: int = 200):
    response = current_app.json.response(body)
    response.status_code = status
    return response


@blp.get(f"{APPLICATION}/interviews")
@jwt_required()
@blp.response(200, InterviewList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_interviews(application_id: int):
    """The application's interviews, soonest first (staff of its company, hiring managers included)."""
    actor = caller()
    application = db.session.get(Application, application_id)
    if application is None:
        from app.errors import NotFound

        raise NotFound("That application was not found.")
    return _json({"items": _out(interviews.list_for_application(actor, application), actor)})


@blp.post(f"{APPLICATION}/interviews")
@jwt_required()
@blp.arguments(InterviewIn, unknown=RAISE)
@blp.response(201, InterviewOut)
@blp.alt_response(403, response="FORBIDDEN", description="Recruiters and admins schedule.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The application is closed.")
@blp.doc(security=BEARER)
def schedule_interview(data, application_id: int):
    """Schedule an interview: the candidate and each interviewer get an invite (iCalendar REQUEST).

    A `kind_id` (a step of the job's interview plan) fills the title, length, place, video link,
    interviewers and scorecard that are not given.
    """
    actor = caller()
    interview = interviews.schedule(actor, application_id, **data)
    return _json(_out([interview], actor)[0], 201)


@blp.get(INTERVIEW)
@jwt_required()
@blp.response(200, InterviewOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_interview(interview_id: int):
    """One interview (staff of its company); `notes` are for staff only."""
    actor = caller()
    return _json(_out([interviews.get_interview(actor, interview_id)], actor)[0])


@blp.patch(INTERVIEW)
@jwt_required()
@blp.arguments(InterviewPatch, unknown=RAISE)
@blp.response(200, InterviewOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Cancelled, or a stale `version`.")
@blp.doc(security=BEARER)
def reschedule_interview(data, interview_id: int):
    """Change the time, place, title, interviewers or notes. A change the invite shows sends an update
    (same UID, higher SEQUENCE); interviewers taken off get a CANCEL. Notes alone send nothing."""
    actor = caller()
    version = data.pop("version", None)
    interview = interviews.reschedule(actor, interview_id, data, version=version)
    return _json(_out([interview], actor)[0])


@blp.delete(INTERVIEW)
@jwt_required()
@blp.arguments(InterviewCancel, unknown=RAISE)
@blp.response(200, InterviewOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Already cancelled.")
@blp.doc(security=BEARER)
def cancel_interview(data, interview_id: int):
    """Cancel the interview (kept, status `cancelled`): everyone gets the invite's CANCEL, with the reason."""
    actor = caller()
    interview = interviews.cancel(actor, interview_id, reason=data.get("reason"))
    return _json(_out([interview], actor)[0])


@blp.get(PLAN)
@jwt_required()
@blp.response(200, InterviewPlanOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_plan(job_id: int):
    """The job's interview plan: its steps in order, each with its scorecard."""
    job, kinds = interview_plans.get_plan(caller(), job_id)
    return _json({"job_id": job.id, "steps": [kind_out(k) for k in kinds]})


@blp.put(PLAN)
@jwt_required()
@blp.arguments(InterviewPlanIn, unknown=RAISE)
@blp.response(200, InterviewPlanOut)
@blp.alt_response(403, response="FORBIDDEN", description="Recruiters and admins edit plans.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def put_plan(data, job_id: int):
    """Replace the plan: steps with an `id` are kept and changed, new ones added, those left out removed."""
    job, kinds = interview_plans.set_plan(caller(), job_id, data["steps"])
    return _json({"job_id": job.id, "steps": [kind_out(k) for k in kinds]})


@blp.get("/me/interviews")
@jwt_required()
@blp.arguments(InterviewListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, InterviewPage, headers=LINK_HEADER)
@blp.doc(security=BEARER)
def my_interviews(**args):
    """The caller's interviews as interviewer that have not ended, soonest first."""
    actor = caller()
    page = interviews.upcoming_for(actor, **args)
    users = interviews.people({i for interview in page.items for i in interview.interviewer_ids})
    return page_response(page, lambda interview: interview_out(interview, users, notes=True))


@blp.post("/me/calendar-feed")
@jwt_required()
@blp.response(201, CalendarFeedOut)
@blp.doc(security=BEARER)
def create_calendar_feed():
    """A new private calendar URL for the caller's interviews (shown once; the earlier one stops working)."""
    token = calendar_feeds.create(caller())
    return _json({"url": f"{current_app.config['BASE_URL'].rstrip('/')}/calendar/{token}.ics"}, 201)


@blp.delete("/me/calendar-feed")
@jwt_required()
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND", description="There was no feed.")
@blp.doc(security=BEARER)
def revoke_calendar_feed():
    """Revoke the caller's calendar URL: it is a 404 from now on."""
    if not calendar_feeds.revoke(caller()):
        from app.errors import NotFound

        raise NotFound("You have no calendar feed.")
    return no_content()
