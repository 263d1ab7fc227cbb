"""The hand-written list renderers say exactly what the schemas (the documented contract) say."""

from __future__ import annotations

from app.api.render import application_out, job_out
from app.api.schemas.applications import ApplicationOut
from app.api.schemas.jobs import JobOut
from app.models import Application
from app.services import applications, jobs, resumes
from tests.api.conftest import pdf_bytes


def test_jobs_render_as_the_schema_dumps_them(factory, world, db):
    recruiter = world["acme"]["recruiter"]
    plain = world["acme"]["job"]
    paid = factory.job(recruiter, title="Paid", salary_min=1, salary_max=2, salary_currency="EUR", remote=True)
    closed = factory.job(recruiter, title="Closed")
    jobs.set_job_status(recruiter, closed.id, "closed")
    draft = factory.job(recruiter, status="draft", description="<b>tags</b> & text")
    db.session.commit()
    for job in (plain, paid, closed, draft):
        assert job_out(job) == JobOut().dump(job)


def test_applications_render_as_the_schema_dumps_them(factory, world, db):
    job = world["acme"]["job"]
    without_resume = factory.application(world["ada"], job)
    upload = resumes.ResumeUpload(filename="cv.pdf", data=pdf_bytes())
    with_resume = applications.apply(world["bob"], job.id, cover_letter="Hi", resume=upload)
    applications.move_stage(world["acme"]["recruiter"], with_resume.id, "screening")
    db.session.commit()
    for application in db.session.scalars(db.select(Application)):
        assert application_out(application) == ApplicationOut().dump(application)
    assert application_out(with_resume)["resume"]["filename"] == "cv.pdf"
    assert application_out(without_resume)["resume"] is None
