"""The company's audit log (admins): filter, page through, download as CSV."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import render_template, request
from flask_login import current_user

from app.core.csv_export import csv_response
from app.errors import ValidationFailed
from app.services import audit
from app.web.dashboard import bp
from app.web.login import staff_required

CSV_HEADER = ["id", "time", "action", "actor", "actor_id", "api_key_id", "object_type", "object_id", "ip",
              "user_agent", "details", "seq", "hash"]  # fmt: skip


def _day(name: str, end: bool = False) -> tuple[datetime | None, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        return None, "Use a date as YYYY-MM-DD."
    moment = datetime.combine(day, time.min, tzinfo=UTC)
    return (moment.replace(hour=23, minute=59, second=59) if end else moment), None


def _filters() -> tuple[audit.Filters, dict[str, str]]:
    errors: dict[str, str] = {}
    since, problem = _day("from")
    if problem:
        errors["from"] = problem
    until, problem = _day("to", end=True)
    if problem:
        errors["to"] = problem
    action = request.args.get("action") or None
    if action is not None and action not in audit.ACTIONS:
        errors["action"] = "Not an action of the log."
        action = None
    return audit.Filters(action=action, since=since, until=until), errors


@bp.get("/audit")
@staff_required
def audit_page():
    filters, errors = _filters()
    status = 422 if errors else 200
    try:
        page = audit.page_events(current_user, filters, limit=50, cursor=request.args.get("cursor"))
    except ValidationFailed as error:
        errors.update({field: " ".join(messages) for field, messages in (error.errors or {}).items()})
        page, status = audit.page_events(current_user, audit.Filters(), limit=50), 422
    args = {key: value for key, value in request.args.items() if key != "cursor" and value}
    return render_template("dashboard/audit.html", page=page, actions=audit.ACTIONS, errors=errors, args=args), status


@bp.get("/audit.csv")
@staff_required
def audit_csv():
    filters, errors = _filters()
    if errors:
        return audit_page()
    rows = (
        (e.id, e.created_at.isoformat(), e.action, e.actor_label, e.actor_id, e.api_key_id, e.object_type,
         e.object_id, e.ip, e.user_agent, e.details, e.seq, e.hash)
        for e in audit.export_events(current_user, filters)
    )  # fmt: skip
    return csv_response("audit-log.csv", CSV_HEADER, rows)
