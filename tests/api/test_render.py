"""The hand-written list renderers say exactly what the schemas (the documented contract) say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.api.render import answer_out, application_detail_out, application_out, history_out, job_out
from app.api.schemas.applications import ApplicationDetailOut, ApplicationOut, ApplicationView, HistoryOut
from app.api.schemas.jobs import JobOut
from app.models import Application
from app.services import applications, jobs, questions, resumes
from tests.api.conftest import pdf_bytes


def test_jobs_render_as_the_schema_dumps_them(factory, world, db):
    recruiter = world["acme"]["recruiter"]
    plain = world["acme"]["job"]
    paid = factory.job(recruiter, title="Paid", salary_min=1, salary_max=2, salary_currency="EUR", remote=True)
    closed = factory.job(recruiter, title="Closed")
    jobs.set_job_status(recruiter, closed.id, "closed")
    draft = factory.job(recruiter, status="draft", description="<b>tags</b> & text")
    dated = factory.job(
        recruiter,
        title="Dated",
        department="Ops",
        headcount=4,
        closes_at=datetime.now(UTC) + timedelta(days=9),
        salary_min=5,
        salary_visible=False,
    )
    db.session.commit()
    for job in (plain, paid, closed, draft, dated):
        assert job_out(job) == JobOut().dump(job)
    hidden = job_out(dated, salary=False)
    assert (hidden["salary_min"], hidden["salary_max"], hidden["salary_currency"]) == (None, None, None)


def test_applications_render_as_the_schema_dumps_them(factory, world, db):
    job = world["acme"]["job"]
    without_resume = factory.application(world["ada"], job)
    upload = resumes.ResumeUpload(filename="cv.pdf", data=pdf_bytes())
    with_resume = applications.apply(world["bob"], job.id, cover_letter="Hi", resume=upload, consent=True)
    applications.move_stage(world["acme"]["recruiter"], with_resume.id, "screening")
    db.session.commit()
    for application in db.session.scalars(db.select(Application)):
        assert application_out(application) == ApplicationOut().dump(application)
    assert application_out(with_resume)["resume"]["filename"] == "cv.pdf"
    assert application_out(without_resume)["resume"] is None


def test_application_details_and_history_render_as_the_schemas_dump_them(factory, world, db):
    recruiter, candidate = world["acme"]["recruiter"], world["ada"]
    job = world["acme"]["job"]
    permit, colours = questions.replace_questions(
        recruiter,
        job.id,
        [
            {"kind": "yes_no", "label": "Permit?", "knockout": {"op": "is", "value": False}},
            {"kind": "multiple_choice", "label": "Colours", "options": ["Red", "Blue"]},
        ],
    )
    application = applications.apply(
        candidate,
        job.id,
        cover_letter="Dear <team> & co",
        answers={permit.id: False, colours.id: ["Blue"]},
        consent=True,
    )
    db.session.commit()
    applications.move_stage(recruiter, application.id, "screening", note="Strong")
    applications.move_stage(recruiter, application.id, "rejected", reason="Not now")
    db.session.commit()
    for viewer in (recruiter, candidate):  # staff see notes, reasons and flags; the candidate does not
        moves = applications.allowed_moves(viewer, application)
        history = applications.history_of(viewer, application)
        answers = questions.answers_of(viewer, application)
        staff = questions.sees_flags(viewer, application)
        view = ApplicationView(
            application,
            public=not staff,
            undo=None,
            allowed_transitions=moves,
            history=history,
            answers=[answer_out(answer, show_flag=staff) for answer in answers],
            flagged=staff and any(answer.flag for answer in answers),
        )
        rendered = application_detail_out(
            application, allowed_transitions=moves, history=history, answers=answers, show_flags=staff
        )
        assert rendered == ApplicationDetailOut().dump(view)
        assert rendered["flagged"] is staff
        assert [answer["value"] for answer in rendered["answers"]] == [False, ["Blue"]]
        assert rendered["answers"][0]["flag"] == ("Answer is No" if staff else None)
        assert [history_out(entry) for entry in history] == HistoryOut(many=True).dump(history)
