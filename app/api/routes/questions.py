"""A job's application questions (staff), and its public application form."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, OPTIONAL_BEARER, Blueprint
from app.api.schemas.questions import ApplicationFormOut, QuestionsIn, QuestionsOut
from app.public_cache import cached_for_anonymous
from app.services import questions

blp = Blueprint("api_questions", __name__, url_prefix="/api/v1", tag="Questions", description="Application questions")

JOB = f"/jobs/<{ID}:job_id>"


@blp.get(f"{JOB}/questions")
@jwt_required()
@blp.response(200, QuestionsOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_questions(job_id: int):
    """The job's questions with their knockout rules, in form order (the company's staff)."""
    return {"questions": questions.list_questions(caller(), job_id)}


@blp.put(f"{JOB}/questions")
@jwt_required()
@blp.arguments(QuestionsIn)
@blp.response(200, QuestionsOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def replace_questions(data, job_id: int):
    """Replace the job's questions with this ordered list (recruiters and admins).

    An item with an `id` keeps and changes that question; an item without one adds
    a question; a question left out is deleted. Answers already given keep the
    question as it was asked. At most 50 questions; errors name
    `questions.<index>.<field>`.
    """
    return {"questions": questions.replace_questions(caller(), job_id, data["questions"])}


@blp.get(f"{JOB}/form")
@cached_for_anonymous("jobs")
@jwt_required(optional=True)
@blp.response(200, ApplicationFormOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=OPTIONAL_BEARER)
def application_form(job_id: int):
    """An open job's application form: the fields every form has and the job's questions.

    Enough to run a careers page of your own on this API: post the answers to
    `POST /jobs/{job_id}/applications` as `answers`, by question id. Knockout
    rules are never shown here.
    """
    return questions.public_form(caller(), job_id)
