"""Candidate imports: the upload, the column mapping, the progress and the report."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields

from app.api.schemas.common import page_schema
from app.services.import_files import FIELDS, REQUIRED

FIELD_LIST = ", ".join(f"`{f}`" for f in FIELDS)


class ImportUploadIn(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "The CSV: a header line naming the columns, then one person per line (UTF-8, "
                  "UTF-8 with BOM, UTF-16 or Windows-1252; comma, semicolon or tab)."},
    )  # fmt: skip
    resumes = Upload(
        metadata={"description": "Optional ZIP of PDF/DOCX resumes, named by the CSV's resume column."},
    )


class ImportConfirmIn(ma.Schema):
    mapping = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True),
        required=True,
        metadata={"description": f"field -> column name of the header. Fields: {FIELD_LIST}; "
                  f"{' and '.join(f'`{f}`' for f in REQUIRED)} are required."},
    )  # fmt: skip


class ImportOut(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True, metadata={"description": "`uploaded`, `queued`, `running`, `done` or `failed`."}
    )
    filename = fields.String(required=True)
    resumes_filename = fields.String(allow_none=True)
    encoding = fields.String(required=True, metadata={"description": "How the file was read."})
    delimiter = fields.String(required=True)
    header = fields.List(fields.String(), required=True)
    mapping = fields.Dict(required=True, metadata={"description": "field -> column (guessed until confirmed)."})
    preview = fields.List(
        fields.List(fields.String()),
        metadata={"description": "The first rows of the file, while the import waits for its mapping."},
    )
    total_rows = fields.Integer(allow_none=True)
    processed_rows = fields.Integer(required=True)
    progress = fields.Integer(allow_none=True, metadata={"description": "Percent done (null until counted)."})
    created = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    error = fields.String(
        allow_none=True,
        metadata={
            "description": "Failed: why (the first `processed_rows` rows, if any, were imported and kept). "
            "Queued or running: why the last run failed, retried up to CANDIDATE_IMPORT_MAX_ATTEMPTS runs."
        },
    )
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)
    report = fields.List(
        fields.Dict(),
        metadata={"description": "The first 200 report lines: `line` (the spreadsheet's row), `outcome` "
                  "(`created` or `skipped`), `reason`, `candidate_id`; the whole report is report.csv."},
    )  # fmt: skip


ImportPage = page_schema(ImportOut, "ImportPage")
