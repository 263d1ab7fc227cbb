import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, IllegalTransition, NotFound, StaleUpdate, ValidationFailed
from app.models import Application, StageChange
from app.services import applications
from app.services.resumes import DOCX, PDF, ResumeUpload

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_candidate_applies_once_with_history(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = applications.apply(candidate, tenant["job"].id, cover_letter="Hi", consent=True)
    db.session.commit()
    assert application.stage == "applied" and application.company_id == tenant["company"].id
    [entry] = applications.history(candidate, application.id)
    assert (entry.from_stage, entry.to_stage, entry.actor_id) == (None, "applied", candidate.id)
    with pytest.raises(Conflict):
        applications.apply(candidate, tenant["job"].id, consent=True)
    db.session.rollback()
    assert count(db, Application) == 1


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "admin"])
def test_staff_cannot_apply(db, factory, role):
    tenant = factory.tenant()
    with pytest.raises(Forbidden):
        applications.apply(tenant[role], tenant["job"].id, consent=True)


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_cannot_apply_to_closed_or_draft_job(db, factory, status):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], status=status)
    with pytest.raises(Conflict if status == "closed" else NotFound):
        applications.apply(factory.candidate(), job.id, consent=True)
    assert count(db, Application) == 0


def test_cannot_apply_to_missing_job(db, factory):
    with pytest.raises(NotFound):
        applications.apply(factory.candidate(), 987654, consent=True)


@pytest.mark.parametrize(("data", "kind"), [(PDF_BYTES, PDF), (docx_bytes(), DOCX)])
def test_resume_is_checked_by_content_and_stored(app, db, factory, data, kind):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = applications.apply(
        candidate, tenant["job"].id, resume=ResumeUpload("../../etc/cv.exe", data), consent=True
    )
    db.session.commit()
    assert application.resume_content_type == kind
    assert application.resume_filename in ("cv.pdf", "cv.docx")
    for reader in (tenant["hiring_manager"], candidate):
        resume = applications.resume_file(reader, application.id)
        with resume.file as handle:
            assert handle.read() == data
        assert (resume.filename, resume.content_type, resume.size) == (application.resume_filename, kind, len(data))


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00 not a pdf", b"", b"PK\x03\x04 broken zip", b"<html><script>alert(1)</script>"],
)
def test_resume_with_wrong_content_is_rejected_and_nothing_written(db, factory, data):
    tenant = factory.tenant()
    with pytest.raises(ValidationFailed) as info:
        applications.apply(factory.candidate(), tenant["job"].id, resume=ResumeUpload("cv.pdf", data), consent=True)
    assert "resume" in info.value.errors
    db.session.rollback()
    assert count(db, Application) == 0


@pytest.mark.parametrize(("limit", "text"), [(1024 * 1024, "1 MB"), (300 * 1024, "300 KB")])
def test_resume_size_limit(app, db, factory, limit, text):
    app.config["RESUME_MAX_BYTES"] = limit
    tenant = factory.tenant()
    with pytest.raises(ValidationFailed, match="too large") as info:
        applications.apply(
            factory.candidate(), tenant["job"].id, resume=ResumeUpload("cv.pdf", PDF_BYTES + b"0" * limit), consent=True
        )
    assert info.value.errors["resume"] == [f"Must be at most {text}."]


def test_visibility_of_applications(db, factory):
    tenant = factory.tenant()
    other = factory.tenant()
    candidate, stranger = factory.candidate(), factory.candidate()
    application = factory.application(candidate, tenant["job"])
    for viewer in (candidate, tenant["recruiter"], tenant["hiring_manager"], tenant["admin"]):
        assert applications.get_application(viewer, application.id).id == application.id
    for viewer in (stranger, other["recruiter"], other["admin"]):
        with pytest.raises(NotFound):
            applications.get_application(viewer, application.id)
        with pytest.raises(NotFound):
            applications.move_stage(viewer, application.id, "screening")


def test_lists_are_scoped(db, factory):
    tenant = factory.tenant()
    other = factory.tenant()
    c1, c2 = factory.candidate(), factory.candidate()
    a1 = factory.application(c1, tenant["job"])
    a2 = factory.application(c2, tenant["job"])
    a3 = factory.application(c1, other["job"])
    assert {a.id for a in applications.list_applications(c1).items} == {a1.id, a3.id}
    assert {a.id for a in applications.list_applications(tenant["hiring_manager"]).items} == {a1.id, a2.id}
    assert {a.id for a in applications.list_applications(other["admin"]).items} == {a3.id}
    assert applications.list_applications(other["admin"], job_id=tenant["job"].id).items == []
    with pytest.raises(Forbidden):
        applications.list_job_applications(other["admin"], tenant["job"].id)
    applications.move_stage(tenant["recruiter"], a2.id, "screening")
    assert [a.id for a in applications.list_applications(tenant["recruiter"], stage="screening").items] == [a2.id]
    with pytest.raises(ValidationFailed):
        applications.list_applications(tenant["recruiter"], stage="nowhere")


def test_recruiter_moves_through_every_stage_and_history_records_it(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    for stage in ("screening", "interview", "offer", "hired"):
        applications.move_stage(tenant["recruiter"], application.id, stage, note=f"to {stage}")
        db.session.commit()
    history = applications.history(tenant["admin"], application.id)
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "applied"),
        ("applied", "screening"),
        ("screening", "interview"),
        ("interview", "offer"),
        ("offer", "hired"),
    ]
    assert history[-1].actor_name == tenant["recruiter"].full_name and history[-1].note == "to hired"
    assert application.version == 5
    with pytest.raises(IllegalTransition):
        applications.move_stage(tenant["admin"], application.id, "rejected", reason="late")


def test_hiring_manager_cannot_move(db, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    with pytest.raises(Forbidden):
        applications.move_stage(tenant["hiring_manager"], application.id, "screening")


def test_only_the_applicant_withdraws(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    with pytest.raises(Forbidden):
        applications.move_stage(tenant["recruiter"], application.id, "withdrawn")
    with pytest.raises(Forbidden):
        applications.move_stage(candidate, application.id, "screening")
    applications.move_stage(candidate, application.id, "withdrawn", note="Took another job")
    assert application.stage == "withdrawn"


def test_rejection_reason_required_and_hidden_from_candidate(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    with pytest.raises(ValidationFailed):
        applications.move_stage(tenant["recruiter"], application.id, "rejected")
    db.session.rollback()
    assert count(db, StageChange) == 1
    applications.move_stage(tenant["recruiter"], application.id, "rejected", reason="Too junior", note="internal")
    db.session.commit()
    staff_view = applications.history(tenant["hiring_manager"], application.id)[-1]
    candidate_view = applications.history(candidate, application.id)[-1]
    assert (staff_view.reason, staff_view.note) == ("Too junior", "internal")
    assert (candidate_view.reason, candidate_view.note) == (None, None)
    assert candidate_view.to_stage == "rejected"


def test_stale_expected_version_is_a_conflict(db, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    with pytest.raises(StaleUpdate):
        applications.move_stage(
            tenant["recruiter"], application.id, "screening", expected_version=application.version + 1
        )


def test_allowed_moves_for_each_viewer(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    assert applications.allowed_moves(tenant["recruiter"], application) == ["screening", "rejected"]
    assert applications.allowed_moves(tenant["hiring_manager"], application) == []
    assert applications.allowed_moves(candidate, application) == ["withdrawn"]
    assert applications.allowed_moves(factory.candidate(), application) == []


def test_notes_are_staff_only(db, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    note = applications.add_note(tenant["hiring_manager"], application.id, "<b>Strong</b> candidate")
    assert note.body == "<b>Strong</b> candidate"
    assert [n.id for n in applications.list_notes(tenant["recruiter"], application.id)] == [note.id]
    with pytest.raises(NotFound):
        applications.list_notes(candidate, application.id)
    with pytest.raises(NotFound):
        applications.add_note(candidate, application.id, "hi")
    with pytest.raises(NotFound):
        applications.list_notes(factory.tenant()["admin"], application.id)
    with pytest.raises(ValidationFailed):
        applications.add_note(tenant["recruiter"], application.id, "   ")
