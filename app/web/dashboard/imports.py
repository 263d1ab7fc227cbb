"""Importing candidates: upload a CSV (and a ZIP of resumes), check the preview and mapping, follow the run."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import SubmitField

from app.core.csv_export import csv_response
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.services import candidate_imports, import_files
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.formtools import SafeForm, flash_error
from app.web.login import staff_required

UPLOAD_ENDPOINTS = {"dashboard.upload_import"}


class ImportForm(SafeForm):
    file = FileField("CSV file", description="A header line naming the columns, then one person per line.")
    resumes = FileField("Resumes (optional)", description="A ZIP of PDF or DOCX files, named in a resume column.")
    submit = SubmitField("Upload and preview")


class ConfirmForm(SafeForm):
    submit = SubmitField("Import")


@bp.url_value_preprocessor
def _allow_large_import_uploads(endpoint, values) -> None:
    """An import may be larger than other uploads (runs before the CSRF check reads the body)."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = candidate_imports.upload_limit()


def _list_page(form: ImportForm, status: int = 200, errors: list[str] | None = None):
    page = candidate_imports.list_imports(current_user, limit=20, cursor=request.args.get("cursor") or None)
    return render_template(
        "dashboard/imports.html",
        page=page,
        form=form,
        errors=errors or [],
        can_edit=current_user.role in EDITORS,
        progress=candidate_imports.progress,
        max_rows=current_app.config["CANDIDATE_IMPORT_MAX_ROWS"],
    ), status


@bp.get("/candidates/imports")
@staff_required
def imports_page():
    return _list_page(ImportForm(formdata=None))


@bp.post("/candidates/imports")
@staff_required
def upload_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    upload, zipped = form.file.data, form.resumes.data
    try:
        row = candidate_imports.upload(
            current_user,
            filename=getattr(upload, "filename", None),
            data=upload.read() if upload else b"",
            resumes=zipped.read() if zipped else None,
            resumes_filename=getattr(zipped, "filename", None),
        )
    except ValidationFailed as error:
        db.session.rollback()
        messages = [m for field_messages in (error.errors or {}).values() for m in field_messages]
        return _list_page(form, 422, [m for m in dict.fromkeys([error.detail, *messages])])
    db.session.commit()
    return redirect(url_for("dashboard.import_page", import_id=row.id))


@bp.get("/candidates/imports/<int:import_id>")
@staff_required
def import_page(import_id: int):
    return _import_page(import_id)


def _import_page(import_id: int, *, mapping: dict | None = None, errors: dict | None = None, status: int = 200):
    row = candidate_imports.get(current_user, import_id)
    preview = candidate_imports.preview(current_user, import_id) if row.status == "uploaded" else None
    report = candidate_imports.first_report_rows(row) if row.status in ("running", "done", "failed") else []
    return render_template(
        "dashboard/import.html",
        row=row,
        preview=preview,
        report=report,
        mapping=mapping if mapping is not None else row.mapping,
        errors=errors or {},
        fields=import_files.FIELDS,
        labels=import_files.LABELS,
        required=import_files.REQUIRED,
        progress=candidate_imports.progress(row),
        can_edit=current_user.role in EDITORS,
        form=ConfirmForm(formdata=None),
    ), status


@bp.post("/candidates/imports/<int:import_id>/confirm")
@staff_required
def confirm_import(import_id: int):
    form = ConfirmForm()
    mapping = {field: request.form.get(f"map_{field}") or None for field in import_files.FIELDS}
    if not form.validate_on_submit():
        return _import_page(import_id, mapping=mapping, status=400)
    try:
        candidate_imports.confirm(current_user, import_id, mapping)
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.detail, "danger")
        return _import_page(import_id, mapping=mapping, errors=error.errors or {}, status=422)
    except Conflict as error:
        flash_error(error)
        return redirect(url_for("dashboard.import_page", import_id=import_id))
    db.session.commit()
    flash("Import started: the rows are checked and written in the background.", "success")
    return redirect(url_for("dashboard.import_page", import_id=import_id))


@bp.get("/candidates/imports/<int:import_id>/report.csv")
@staff_required
def import_report(import_id: int):
    lines = candidate_imports.report_lines(current_user, import_id)
    return csv_response(f"import-{import_id}-report.csv", candidate_imports.REPORT_HEADER, lines)
