"""The staff mail page: /dashboard/mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import Conflict
from app.mail import service
from app.models.outbox import MESSAGE_STATUSES

bp = Blueprint("mail_admin", __name__, template_folder="templates", url_prefix="/dashboard/mail")


@bp.get("")
@login_required
def outbox():
    status = request.args.get("status") or None
    page = service.list_messages(current_user, status=status, cursor=request.args.get("cursor") or None)
    return render_template("mail_admin/outbox.html", page=page, status=status, statuses=MESSAGE_STATUSES)


@bp.post("/<int:message_id>/cancel")
@login_required
def cancel(message_id: int):
    try:
        message = service.cancel_message(current_user, message_id)
    except Conflict as error:
        flash(error.detail, "warning")
    else:
        flash(f"Message #{message.id} will not be sent.", "success")
    return redirect(url_for("mail_admin.outbox", status=request.args.get("status") or None))


@bp.post("/<int:message_id>/send-now")
@login_required
def send_now(message_id: int):
    try:
        message = service.send_now(current_user, message_id)
    except Conflict as error:
        flash(error.detail, "warning")
    else:
        flash(f"Message #{message.id} goes out now.", "success")
    return redirect(url_for("mail_admin.outbox", status=request.args.get("status") or None))


@bp.post("/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    message = service.retry_message(current_user, message_id)
    flash(f"Message #{message.id} will be sent again.", "success")
    return redirect(url_for("mail_admin.outbox", status=request.args.get("status") or None))
