"""Candidate imports: a CSV (and optionally a ZIP of resumes) uploaded by staff, run by the worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

IMPORT_STATUSES = ("uploaded", "queued", "running", "done", "failed")
ROW_OUTCOMES = ("created", "skipped")


class CandidateImport(db.Model):
    """One upload: `uploaded` (header read, mapping guessed) -> `queued` (mapping confirmed) -> `running` -> `done`
    or `failed`. The files live in storage (`file_key`, `resumes_key`) until the import ends; no column holds a
    person's data (the preview is read from the stored file, the report says only line, outcome and reason).
    `processed_rows` counts the data rows whose batch is committed: a run picks up after them.
    """

    __tablename__ = "candidate_imports"
    __table_args__ = (
        CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status_known"),
        Index("ix_candidate_imports_company_id_id", "company_id", "id"),
        Index("ix_candidate_imports_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="uploaded")
    filename: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str | None] = mapped_column(String(64))
    resumes_key: Mapped[str | None] = mapped_column(String(64))
    resumes_filename: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str] = mapped_column(String(20))
    delimiter: Mapped[str] = mapped_column(String(1), default=",")
    header: Mapped[list] = mapped_column(JSON, default=list)
    # field -> column name of the header (guessed on upload, confirmed by the user).
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    total_rows: Mapped[int | None] = mapped_column()
    processed_rows: Mapped[int] = mapped_column(default=0, server_default="0")
    created_count: Mapped[int] = mapped_column(default=0, server_default="0")
    skipped_count: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(500))
    # Runs that raised (a bug, a stored file the checks missed); at CANDIDATE_IMPORT_MAX_ATTEMPTS it fails.
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved on by every committed batch: a running import not moved for a while lost its worker.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<CandidateImport {self.id} {self.status}>"


class CandidateImportRow(db.Model):
    """The report, one row per data line of the file: created or skipped, and why."""

    __tablename__ = "candidate_import_rows"
    __table_args__ = (
        CheckConstraint(f"outcome IN {ROW_OUTCOMES}", name="outcome_known"),
        UniqueConstraint("import_id", "line", name="uq_candidate_import_rows_import_line"),
        Index("ix_candidate_import_rows_candidate_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("candidate_imports.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300), default="")
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="SET NULL"))
