"""Candidate import through the service: mapping, row checks with reasons, duplicates, batches, limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateImport,
    CandidateImportRow,
    CandidateTag,
    DuplicateCandidate,
    Event,
    JobStageCount,
    Tag,
)
from app.services import applying, candidate_import_run, candidate_imports, duplicates, import_files
from app.services.candidates import CandidateDetails
from tests.imports.conftest import PDF, csv_bytes, zip_bytes


def report(row: CandidateImport) -> list[tuple[int, str, str]]:
    lines = db.session.scalars(
        select(CandidateImportRow).where(CandidateImportRow.import_id == row.id).order_by(CandidateImportRow.line)
    )
    return [(r.line, r.outcome, r.reason) for r in lines]


def test_the_mapping_is_guessed_from_the_header_names():
    header = ["Full name", "E-mail", "Phone number", "LinkedIn URL", "Tags", "Job title", "Where from", "CV"]
    assert import_files.guess_mapping(header) == {
        "full_name": "Full name",
        "email": "E-mail",
        "phone": "Phone number",
        "linkedin": "LinkedIn URL",
        "tags": "Tags",
        "job": "Job title",
        "resume": "CV",
    }


def test_encodings_utf8_with_and_without_bom_then_windows_1252_else_refused():
    assert import_files.decode("name\nZoë\n".encode()) == ("name\nZoë\n", "utf-8")
    assert import_files.decode(b"\xef\xbb\xbfname\n") == ("name\n", "utf-8")
    assert import_files.decode("name\nZoë €\n".encode("cp1252")) == ("name\nZoë €\n", "windows-1252")
    assert import_files.decode("name\n".encode("utf-16")) == ("name\n", "utf-16")
    with pytest.raises(ValidationFailed, match="CSV UTF-8"):
        import_files.decode(b"name\n\x81\x8d\x90\n")
    with pytest.raises(ValidationFailed, match="not a text file"):
        import_files.decode(b"name\x00\x00\n")


def test_missing_required_columns_are_refused_clearly(factory):
    t = factory.tenant()
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["Full name,Phone", "Ada,+1"]))
    assert row.mapping == {"full_name": "Full name", "phone": "Phone"}
    with pytest.raises(ValidationFailed) as raised:
        candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    assert raised.value.detail == "Missing required columns: email."
    assert raised.value.errors == {"mapping.email": ["Required: choose the column holding the email."]}
    with pytest.raises(ValidationFailed) as raised:
        candidate_imports.confirm(t["recruiter"], row.id, {"full_name": "Full name", "email": "Nope", "x": "Phone"})
    assert set(raised.value.errors) == {"mapping.email", "mapping.x"}
    assert db.session.get(CandidateImport, row.id).status == "uploaded"


def test_bad_files_are_refused_before_anything_is_stored(factory):
    t = factory.tenant()
    for data, message in (
        (b"", "Choose a CSV file"),
        (b"\n\n", "first line must name the columns"),
        (b"name,email\n", "no rows"),
        (b"name,name\nx,y\n", "Two columns"),
        (b"name,email\n\x81\x8d,\x90\n", "CSV UTF-8"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            candidate_imports.upload(t["recruiter"], filename="x.csv", data=data)
    assert db.session.scalar(select(func.count()).select_from(CandidateImport)) == 0


def test_only_recruiters_and_admins_import_and_only_their_company_sees_it(factory):
    t, other = factory.tenant(), factory.tenant()
    with pytest.raises(Forbidden):
        candidate_imports.upload(t["hiring_manager"], filename="x.csv", data=csv_bytes(["name,email", "A,a@x.io"]))
    row = candidate_imports.upload(t["admin"], filename="x.csv", data=csv_bytes(["name,email", "A,a@x.io"]))
    db.session.commit()
    with pytest.raises(NotFound):
        candidate_imports.get(other["recruiter"], row.id)
    with pytest.raises(NotFound):
        candidate_imports.confirm(other["admin"], row.id, row.mapping)
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    with pytest.raises(Conflict):
        candidate_imports.confirm(t["recruiter"], row.id, row.mapping)


def test_a_messy_file_is_reported_line_by_line(factory, run_import):
    t, other = factory.tenant(), factory.tenant()
    job = t["job"]
    factory.job(t["recruiter"], title="Old role", status="closed")
    factory.job(other["recruiter"], title="Their role")
    existing = applying.add_candidate(
        t["recruiter"], job.id, details=CandidateDetails(full_name="Known Person", email="known@example.com"),
        source="sourced",
    ).candidate  # fmt: skip
    twin = applying.add_candidate(
        t["recruiter"], job.id, details=CandidateDetails(full_name="Phone Twin", phone="+44 20 7946 0958"),
        source="sourced",
    ).candidate  # fmt: skip
    db.session.commit()
    data = csv_bytes([
        "Full name;E-mail;Phone number;LinkedIn;Source;Tags;Job",
        f"Zoë Lovelace;Ada@Example.com;+44 20 7946 0000;linkedin.com/in/ada;referral;Python, Senior;{job.id}",
        "=HYPERLINK(\"http://evil\",\"x\");formula@example.com;;;;;",
        "No Email;;;;;;",
        ";nobody@example.com;;;;;",
        "Bad Email;not-an-email;;;;;",
        f"Wrong Job;wrong@example.com;;;;;{job.id + 1000}",
        "Their Job;theirs@example.com;;;;;Their role",
        "Closed Job;closed@example.com;;;;;Old role",
        "Ada Again;ada@example.com;;;;;",
        "Known Person;KNOWN@example.com;;;;;",
        "Phone Twin Two;twin2@example.com;0044 20 7946 0958;;;;",
        "Local Phone;local@example.com;020 7946 0001;;LinkedIn;;",
        "Bad Phone;badphone@example.com;call me;;;;",
        ";;;;;;",
        f"Title Match;title@example.com;;;;;{job.title.upper()}",
    ], encoding="cp1252")  # fmt: skip
    row = run_import(t["recruiter"], data)
    assert (row.status, row.encoding, row.delimiter, row.total_rows) == ("done", "windows-1252", ";", 14)
    assert (row.created_count, row.skipped_count, row.file_key) == (5, 9, None)
    known, twin_id = existing.id, twin.id
    assert report(row) == [
        (2, "created", ""),
        (3, "created", ""),
        (4, "skipped", "Missing email."),
        (5, "skipped", "Missing name."),
        (6, "skipped", "Not a valid email address."),
        (7, "skipped", "Unknown job: no job of the company has this id or title."),
        (8, "skipped", "Unknown job: no job of the company has this id or title."),
        (9, "skipped", "The job is closed; reopen it to add people."),
        (10, "skipped", "Duplicate of row 2 in this file (same email)."),
        (11, "skipped", f"Already a candidate (#{known}, same email): skipped, not merged."),
        (12, "created", f"Possible duplicate of #{twin_id} (same phone): proposed for review."),
        (13, "created", "Phone kept as typed (no country code). Unknown source recorded as import (known: "
         "careers_page, job_board, referral, sourced, agency, event, api, import, other)."),
        (14, "skipped", "Not a phone number (use digits, spaces and + - ( ) only)."),
        # row 15 is blank: not a row
        (16, "created", ""),
    ]  # fmt: skip
    ada = db.session.scalars(select(Candidate).where(Candidate.email == "ada@example.com")).one()
    assert (ada.full_name, ada.phone, ada.source, ada.links) == (
        "Zoë Lovelace", "+442079460000", "referral", {"linkedin": "https://linkedin.com/in/ada"},
    )  # fmt: skip
    assert ada.phone_e164 == "+442079460000" and ada.linkedin_key == "linkedin.com/in/ada"
    formula = db.session.scalars(select(Candidate).where(Candidate.email == "formula@example.com")).one()
    assert formula.full_name == '=HYPERLINK("http://evil","x")' and formula.source == "import"
    assert {t.name for t in db.session.scalars(select(Tag))} == {"Python", "Senior"}
    assert db.session.scalar(select(func.count()).select_from(CandidateTag)) == 2
    apps = db.session.scalars(select(Application).where(Application.candidate_id.in_([ada.id]))).all()
    assert [(a.job_id, a.source, a.stage) for a in apps] == [(job.id, "referral", "applied")]
    title = db.session.scalars(select(Candidate).where(Candidate.email == "title@example.com")).one()
    assert db.session.scalar(select(Application.job_id).where(Application.candidate_id == title.id)) == job.id
    count = db.session.scalar(select(JobStageCount.count).where(JobStageCount.job_id == job.id))
    assert count == 2 + 2  # the two added above and the two imported
    # The duplicates pass (after the commit with Redis, else periodic) proposes the phone twin; nothing is merged.
    duplicates.find_all()
    db.session.commit()
    twin2 = db.session.scalars(select(Candidate).where(Candidate.email == "twin2@example.com")).one()
    pairs = {(p.candidate_a_id, p.candidate_b_id) for p in db.session.scalars(select(DuplicateCandidate))}
    assert (twin_id, twin2.id) in pairs
    # Events as for other creations: candidate.created for each, application.created for each application.
    created = db.session.scalars(select(Event.object_id).where(Event.type == "candidate.created")).all()
    assert {c for c in created} >= {ada.id, formula.id, twin2.id, title.id}
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.type == "application.created")) == 4
    # Audited: started by the recruiter, finished by the worker.
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "candidate_import"))
    assert sorted(actions) == ["candidate_import.finished", "candidate_import.started"]


def test_batches_commit_apart_and_a_run_resumes_after_the_last_one(factory, run_import, monkeypatch):
    t = factory.tenant()
    monkeypatch.setattr(candidate_import_run, "BATCH", 3)
    lines = ["name,email"] + [f"Person {n},p{n}@example.com" for n in range(1, 8)]
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(lines))
    db.session.commit()
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    db.session.commit()
    real = candidate_import_run.write_batch
    calls = []

    def dying(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args)

    monkeypatch.setattr(candidate_import_run, "write_batch", dying)
    with pytest.raises(RuntimeError):
        candidate_import_run.run_job(row.id)
    db.session.expire_all()
    stopped = db.session.get(CandidateImport, row.id)
    assert (stopped.status, stopped.processed_rows, stopped.created_count) == ("running", 3, 3)
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 3  # the second batch left nothing
    monkeypatch.setattr(candidate_import_run, "write_batch", real)
    assert candidate_import_run.run(row.id) == "done"
    db.session.expire_all()
    done = db.session.get(CandidateImport, row.id)
    assert (done.processed_rows, done.created_count, done.skipped_count) == (7, 7, 0)
    assert [line for line, _, _ in report(done)] == list(range(2, 9))


def test_a_file_over_the_row_limit_fails_whole(factory, app):
    t = factory.tenant()
    app.config["CANDIDATE_IMPORT_MAX_ROWS"] = 3
    lines = ["name,email"] + [f"P{n},p{n}@example.com" for n in range(4)]
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(lines))
    db.session.commit()
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    db.session.commit()
    assert candidate_import_run.run(row.id) == "failed"
    db.session.expire_all()
    failed = db.session.get(CandidateImport, row.id)
    assert failed.error == "The file has more than 3 rows; split it into files of at most 3 rows."
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_resumes_from_a_zip_are_attached_by_file_name(factory, run_import):
    t = factory.tenant()
    job = t["job"]
    resumes = zip_bytes({
        "cvs/ada.pdf": PDF, "../evil.pdf": PDF, "fake.pdf": b"MZ not a pdf", "notes/grace.PDF": PDF,
    })  # fmt: skip
    data = csv_bytes([
        "name,email,job,resume",
        f"Ada,ada@example.com,{job.id},ada.pdf",
        f"Eve,eve@example.com,{job.id},evil.pdf",
        f"Fay,fay@example.com,{job.id},fake.pdf",
        "Gus,gus@example.com,,ada.pdf",
        f"Grace,grace@example.com,{job.id},grace.pdf",
    ])  # fmt: skip
    row = run_import(t["recruiter"], data, resumes=resumes)
    assert report(row) == [
        (2, "created", ""),
        (3, "skipped", "Resume file not found in the ZIP."),
        (4, "skipped", "Resume: The resume must be a PDF or DOCX file."),
        (5, "skipped", "A resume needs a job to attach it to (its application holds it)."),
        (6, "created", ""),
    ]
    apps = db.session.scalars(select(Application).order_by(Application.id)).all()
    assert [(a.resume_filename, a.resume_content_type, a.resume_size) for a in apps] == [
        ("ada.pdf", "application/pdf", len(PDF)), ("grace.pdf", "application/pdf", len(PDF)),
    ]  # fmt: skip
    assert row.resumes_key is None  # the ZIP is deleted once the import ends


def test_zip_bombs_and_oversized_zips_are_refused(factory, app):
    t = factory.tenant()
    app.config["CANDIDATE_IMPORT_ZIP_MAX_BYTES"] = 1000
    bomb = zip_bytes({"a.pdf": b"0" * 5000})
    with pytest.raises(ValidationFailed, match="unpacks to 5,000 bytes"):
        candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["n,e", "a,b"]), resumes=bomb)
    app.config["CANDIDATE_IMPORT_ZIP_MAX_ENTRIES"] = 2
    with pytest.raises(ValidationFailed, match="at most 2"):
        candidate_imports.upload(
            t["recruiter"], filename="x.csv", data=csv_bytes(["n,e", "a,b"]),
            resumes=zip_bytes({"a": b"", "b": b"", "c": b""}),
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="not a ZIP"):
        candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["n,e", "a,b"]), resumes=b"nope")


def test_without_redis_the_sweep_runs_queued_imports(factory, app):
    t = factory.tenant()
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["name,email", "A,a@example.com"]))
    db.session.commit()
    assert candidate_imports.sweep_task(app) == 0  # uploaded, not confirmed: nothing to run
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    db.session.commit()
    assert candidate_imports.sweep_task(app) == 1
    db.session.expire_all()
    assert db.session.get(CandidateImport, row.id).status == "done"
    assert candidate_imports.sweep_task(app) == 0


def test_first_and_last_name_columns_make_the_name(factory, run_import):
    t = factory.tenant()
    header = ["First Name", "Last Name", "Email Address"]
    assert import_files.guess_mapping(header) == {
        "first_name": "First Name", "last_name": "Last Name", "email": "Email Address",
    }  # fmt: skip
    with pytest.raises(ValidationFailed) as raised:
        import_files.check_mapping(header, {"last_name": "Last Name", "email": "Email Address"})
    assert raised.value.detail == "Missing required columns: name."
    assert raised.value.errors == {
        "mapping.full_name": ["Required: choose the column holding the name (or its first name column)."],
        "mapping.first_name": ["A last name column needs a first name column."],
    }
    data = csv_bytes(["First Name,Last Name,Email Address", "Ada,Lovelace,ada@example.com", "Cher,,cher@example.com",
                      ",,nobody@example.com"])  # fmt: skip
    row = run_import(t["recruiter"], data)
    assert report(row) == [(2, "created", ""), (3, "created", ""), (4, "skipped", "Missing name.")]
    assert sorted(db.session.scalars(select(Candidate.full_name))) == ["Ada Lovelace", "Cher"]


def test_an_upload_never_confirmed_is_dropped_with_its_files(factory, app):
    from datetime import timedelta

    from app.core.storage import FileMissing, get_storage
    from app.models.base import utcnow

    t = factory.tenant()
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["name,email", "A,a@example.com"]))
    key = row.file_key
    row.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert candidate_imports.sweep_task(app) == 0
    db.session.expire_all()
    dropped = db.session.get(CandidateImport, row.id)
    assert (dropped.status, dropped.file_key) == ("failed", None)
    assert dropped.error == "Not confirmed within 7 days; the uploaded files were deleted."
    with pytest.raises(FileMissing):
        get_storage().get(key)


def test_a_run_that_keeps_failing_is_tried_a_bounded_number_of_times(factory, app, monkeypatch):
    """A batch that raises every time (a bug, not bad data): the sweep retries it every RETRY_AFTER, at most
    CANDIDATE_IMPORT_MAX_ATTEMPTS runs, then the import fails with its files deleted and its batches kept."""
    from app.core.storage import FileMissing, get_storage
    from app.models.base import utcnow

    t = factory.tenant()
    app.config["CANDIDATE_IMPORT_MAX_ATTEMPTS"] = 3
    monkeypatch.setattr(candidate_import_run, "BATCH", 3)
    lines = ["name,email"] + [f"Person {n},p{n}@example.com" for n in range(1, 8)]
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(lines))
    key = row.file_key
    db.session.commit()
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    db.session.commit()
    real = candidate_import_run.write_batch
    calls = []

    def broken_after_the_first_batch(*args):
        calls.append(1)
        if len(calls) > 1:
            raise KeyError("p4@example.com")  # a message may quote people's data: it is not kept
        return real(*args)

    monkeypatch.setattr(candidate_import_run, "write_batch", broken_after_the_first_batch)

    def stalled() -> CandidateImport:
        db.session.expire_all()
        current = db.session.get(CandidateImport, row.id)
        current.updated_at = utcnow() - candidate_imports.RETRY_AFTER
        db.session.commit()
        return current

    assert candidate_imports.sweep_task(app) == 1  # the failure is counted, not raised out of the sweep
    db.session.expire_all()
    first = db.session.get(CandidateImport, row.id)
    assert (first.status, first.processed_rows, first.created_count) == ("running", 3, 3)
    assert first.error == "Attempt 1 of 3 failed (KeyError); it is tried again in 10 minutes."
    assert candidate_import_run.attempts(first) == 1
    assert candidate_imports.sweep_task(app) == 0  # not before RETRY_AFTER
    stalled()
    assert candidate_imports.sweep_task(app) == 1
    assert candidate_import_run.attempts(stalled()) == 2
    assert candidate_imports.sweep_task(app) == 1
    db.session.expire_all()
    failed = db.session.get(CandidateImport, row.id)
    assert (failed.status, failed.processed_rows, failed.total_rows, failed.created_count) == ("failed", 3, 7, 3)
    assert failed.error == (
        "Its run failed 3 times (KeyError), so it is not retried. 3 of 7 rows were done before it stopped and"
        " are kept (see the report); import the rest from a file without them."
    )
    assert "p4@" not in failed.error and failed.finished_at is not None and failed.file_key is None
    with pytest.raises(FileMissing):
        get_storage().get(key)
    assert [line for line, outcome, _ in report(failed)] == [2, 3, 4]
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 3
    stalled()
    assert candidate_imports.sweep_task(app) == 0  # nothing further is retried
    assert len(calls) == 4


def test_a_retried_run_that_succeeds_clears_the_note_and_a_first_failure_can_be_the_last(factory, app):
    t = factory.tenant()
    row = candidate_imports.upload(t["recruiter"], filename="x.csv", data=csv_bytes(["name,email", "A,a@example.com"]))
    db.session.commit()
    candidate_imports.confirm(t["recruiter"], row.id, row.mapping)
    db.session.commit()
    assert candidate_import_run.failed_attempt(row.id, RuntimeError()) == "retry"
    assert candidate_import_run.run(row.id) == "done"
    db.session.expire_all()
    done = db.session.get(CandidateImport, row.id)
    assert (done.status, done.error, candidate_import_run.attempts(done)) == ("done", None, 0)
    assert candidate_import_run.failed_attempt(row.id, RuntimeError()) is None  # ended: not counted

    app.config["CANDIDATE_IMPORT_MAX_ATTEMPTS"] = 1
    data = csv_bytes(["name,email", "B,b@example.com"])
    other = candidate_imports.upload(t["recruiter"], filename="y.csv", data=data)
    db.session.commit()
    candidate_imports.confirm(t["recruiter"], other.id, other.mapping)
    db.session.commit()
    assert candidate_import_run.failed_attempt(other.id, ValueError("x")) == "failed"
    db.session.expire_all()
    failed = db.session.get(CandidateImport, other.id)
    assert (failed.status, failed.error) == ("failed", "Its run failed once (ValueError), so it is not retried.")
