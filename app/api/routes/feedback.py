"""Interview feedback: interviewers submit and amend scorecards; staff read what they may of it."""

from __future__ import annotations

from flask import current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, _link_headers
from app.api.schemas.feedback import (
    ApplicationFeedbackOut,
    ComparisonArgs,
    ComparisonOut,
    FeedbackAmendIn,
    FeedbackIn,
    FeedbackOut,
    InterviewFeedbackOut,
)
from app.services import feedback, feedback_compare
from app.services import feedback_reminders as _reminders  # noqa: F401  (the periodic reminder task)

blp = Blueprint(
    "api_feedback",
    __name__,
    url_prefix="/api/v1",
    tag="Feedback",
    description="Interview scorecards: structured feedback, an application's summary, a job's comparison",
)

INTERVIEW = f"/interviews/<{ID}:interview_id>"
VISIBILITY = (
    "Recruiters and admins see all feedback at once; an interviewer sees the others' only after giving "
    "their own on every interview of the application they are on; hiring managers who do not interview on "
    "the application see everything."
)


def _iso(value):
    return value.isoformat() if value is not None else None


def feedback_out(view: feedback.FeedbackView) -> dict:
    """FeedbackOut."""
    return {
        "id": view.id,
        "interview_id": view.interview_id,
        "interview_title": view.interview_title,
        "interviewer": {"id": view.interviewer_id, "full_name": view.interviewer_name},
        "application_id": view.application_id,
        "ratings": view.ratings,
        "recommendation": view.recommendation,
        "notes": view.notes,
        "submitted_at": _iso(view.submitted_at),
        "updated_at": _iso(view.updated_at),
        "version": view.version,
    }


def _json(body: dict, status: int = 200):
    response = current_app.json.response(body)
    response.status_code = status
    return response


@blp.post(f"{INTERVIEW}/feedback")
@jwt_required()
@blp.arguments(FeedbackIn, unknown=RAISE)
@blp.response(201, FeedbackOut)
@blp.alt_response(403, response="FORBIDDEN", description="Not an interviewer of this interview.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Already given (amend it with PUT), or cancelled.")
@blp.doc(security=BEARER)
def submit_feedback(data, interview_id: int):
    """Give your feedback on an interview you are an interviewer of: every scorecard attribute and a recommendation."""
    return _json(feedback_out(feedback.submit(caller(), interview_id, **data)), 201)


@blp.put(f"{INTERVIEW}/feedback")
@jwt_required()
@blp.arguments(FeedbackAmendIn, unknown=RAISE)
@blp.response(200, FeedbackOut)
@blp.alt_response(403, response="FORBIDDEN", description="Not an interviewer of this interview.")
@blp.alt_response(404, response="NOT_FOUND", description="No such interview, or no feedback of yours on it yet.")
@blp.alt_response(409, response="CONFLICT", description="Changed since `version`, or the interview is cancelled.")
@blp.doc(security=BEARER)
def amend_feedback(data, interview_id: int):
    """Amend your feedback; the version it replaces is kept."""
    return _json(feedback_out(feedback.amend(caller(), interview_id, **data)))


@blp.get(f"{INTERVIEW}/feedback")
@jwt_required()
@blp.response(200, InterviewFeedbackOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER, description=VISIBILITY)
def interview_feedback(interview_id: int):
    """The feedback on this interview that you may read, and your own."""
    user = caller()
    interview, found = feedback.for_interview(user, interview_id)
    line = next(line for line in found.summary.interviews if line.id == interview.id)
    own = next((view for view in found.own if view.interview_id == interview.id), None)
    return _json(
        {
            "interview_id": interview.id,
            "visible": found.summary.visible,
            "expected": len(line.interviewers),
            "submitted": line.submitted_count,
            "items": [feedback_out(view) for view in found.feedback if view.interview_id == interview.id],
            "own": feedback_out(own) if own else None,
        }
    )


def summary_out(found: feedback.ApplicationFeedback) -> dict:
    """ApplicationFeedbackOut."""
    summary = found.summary
    return {
        "application_id": summary.application_id,
        "visible": summary.visible,
        "expected": summary.expected,
        "submitted": summary.submitted,
        "pending_own": summary.pending_own,
        "recommendations": summary.recommendations,
        "averages": None
        if summary.averages is None
        else [
            {"key": a.key, "average": a.average, "rated": a.rated, "no_opinion": a.no_opinion} for a in summary.averages
        ],
        "interviews": [
            {
                "id": line.id,
                "title": line.title,
                "status": line.status,
                "starts_at": _iso(line.starts_at),
                "expected": len(line.interviewers),
                "submitted": line.submitted_count,
            }
            for line in summary.interviews
        ],
        "items": [feedback_out(view) for view in found.feedback],
        "own": [feedback_out(view) for view in found.own],
    }


@blp.get(f"/applications/<{ID}:application_id>/feedback")
@jwt_required()
@blp.response(200, ApplicationFeedbackOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER, description=VISIBILITY)
def application_feedback(application_id: int):
    """The application's interviews, how much feedback is in, its spread and averages, and what you may read."""
    return _json(summary_out(feedback.for_application(caller(), application_id)))


@blp.get(f"/jobs/<{ID}:job_id>/scorecards")
@jwt_required()
@blp.arguments(ComparisonArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ComparisonOut, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER, description=VISIBILITY)
def job_scorecards(job_id: int, **args):
    """The job's candidates with feedback side by side: average rating per attribute, recommendation counts."""
    comparison = feedback_compare.job_comparison(caller(), job_id, **args)
    page = comparison.candidates
    response = _json(
        {
            "job_id": comparison.job_id,
            "job_title": comparison.job_title,
            "attributes": comparison.attributes,
            "items": [
                {
                    "application_id": item.application_id,
                    "name": item.name,
                    "stage": item.stage,
                    "feedback": item.feedback,
                    "recommendations": item.recommendations,
                    "averages": item.averages,
                }
                for item in page.items
            ],
            "next_cursor": page.next_cursor,
        }
    )
    response.headers.extend(_link_headers(page))
    return response
