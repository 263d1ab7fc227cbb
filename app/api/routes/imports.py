"""Candidate imports: upload a CSV (and a ZIP of resumes), confirm the column mapping, follow it, get the report."""

from __future__ import annotations

from flask import request

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.common import PageArgs
from app.api.schemas.imports import ImportConfirmIn, ImportOut, ImportPage, ImportUploadIn
from app.core.csv_export import csv_response
from app.services import candidate_imports

blp = Blueprint(
    "api_candidate_imports", __name__, url_prefix="/api/v1", tag="Candidate imports",
    description="Importing candidates from a CSV file, run by the worker",
)  # fmt: skip

IMPORT = f"/candidate-imports/<{ID}:import_id>"


@blp.url_value_preprocessor
def _allow_large_import_uploads(endpoint, values) -> None:
    """An import may be larger than other uploads (MAX_CONTENT_LENGTH); set before anything reads the body."""
    if endpoint == "api_candidate_imports.upload_import" and request.method == "POST":
        request.max_content_length = candidate_imports.upload_limit()


def import_out(row, *, preview: list | None = None, report: bool = False) -> dict:
    out = {
        "id": row.id,
        "status": row.status,
        "filename": row.filename,
        "resumes_filename": row.resumes_filename,
        "encoding": row.encoding,
        "delimiter": row.delimiter,
        "header": row.header,
        "mapping": row.mapping,
        "total_rows": row.total_rows,
        "processed_rows": row.processed_rows,
        "progress": candidate_imports.progress(row),
        "created": row.created_count,
        "skipped": row.skipped_count,
        "error": row.error,
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }
    if preview is not None:
        out["preview"] = preview
    if report:
        out["report"] = [
            {"line": r.line, "outcome": r.outcome, "reason": r.reason, "candidate_id": r.candidate_id}
            for r in candidate_imports.first_report_rows(row)
        ]
    return out


@blp.post("/candidate-imports")
@jwt_required()
@blp.arguments(ImportUploadIn, location="files")
@blp.response(201, ImportOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def upload_import(files):
    """Upload a CSV (multipart `file`, optional `resumes` ZIP); answers the header, the first rows and the
    guessed column mapping. Nothing is imported until the mapping is confirmed (recruiters and admins)."""
    upload, zipped = files["file"], files.get("resumes")
    row = candidate_imports.upload(
        caller(),
        filename=upload.filename,
        data=upload.read(),
        resumes=zipped.read() if zipped else None,
        resumes_filename=zipped.filename if zipped else None,
    )
    return import_out(row, preview=candidate_imports.preview(caller(), row.id).rows)


@blp.get("/candidate-imports")
@jwt_required()
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, ImportPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_imports(**args):
    """The company's imports, newest first (staff)."""
    return page_response(candidate_imports.list_imports(caller(), **args), import_out)


@blp.get(IMPORT)
@jwt_required()
@blp.response(200, ImportOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_import(import_id: int):
    """Status, progress and counts; the first rows while it waits for its mapping, the first report lines after."""
    row = candidate_imports.get(caller(), import_id)
    if row.status == "uploaded":
        return import_out(row, preview=candidate_imports.preview(caller(), import_id).rows)
    return import_out(row, report=True)


@blp.post(f"{IMPORT}/confirm")
@jwt_required()
@blp.arguments(ImportConfirmIn)
@blp.response(202, ImportOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def confirm_import(data, import_id: int):
    """Confirm the column mapping (`name` and `email` required) and start the import in the worker."""
    return import_out(candidate_imports.confirm(caller(), import_id, data["mapping"]))


@blp.get(f"{IMPORT}/report.csv")
@jwt_required()
@blp.response(200, description="The report as CSV (text/csv): line, outcome, reason, candidate_id.",
              content_type="text/csv")  # fmt: skip
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def import_report(import_id: int):
    """Every row's outcome, line by line; cells that start like a formula are quoted."""
    lines = candidate_imports.report_lines(caller(), import_id)
    return csv_response(f"import-{import_id}-report.csv", candidate_imports.REPORT_HEADER, lines)
