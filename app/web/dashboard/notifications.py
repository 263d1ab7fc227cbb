"""The member's notifications (mentions, replies), their personal settings, and the note form's member list."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationFailed
from app.services import mentions, notifications
from app.web.dashboard import bp
from app.web.dashboard.notification_forms import ReadForm, SettingsForm
from app.web.formtools import show_errors
from app.web.login import safe_next, staff_required


@bp.get("/notifications")
@staff_required
def notifications_page():
    unread = request.args.get("unread") == "1"
    try:
        found = notifications.page(current_user, unread=unread, cursor=request.args.get("cursor") or None)
    except ValidationFailed as error:
        abort(400, description=error.detail)
    return render_template("dashboard/notifications.html", page=found, unread=unread, read_form=ReadForm(formdata=None))


@bp.post("/notifications/<int:notification_id>/read")
@staff_required
def read_notification(notification_id: int):
    """Mark one read; with `next` (the application's page) go there, else back to the list."""
    form = ReadForm()
    if not form.validate_on_submit():
        abort(400, description="That request could not be read; reload the page and try again.")
    notifications.mark_read(current_user, notification_id)
    return redirect(safe_next(form.next.data) or url_for("dashboard.notifications_page"))


@bp.post("/notifications/read-all")
@staff_required
def read_all_notifications():
    form = ReadForm()
    if not form.validate_on_submit():
        abort(400, description="That request could not be read; reload the page and try again.")
    count = notifications.mark_all_read(current_user)
    flash(f"Marked {count} notification(s) read." if count else "Nothing was unread.", "success")
    return redirect(url_for("dashboard.notifications_page"))


@bp.route("/settings", methods=["GET", "POST"])
@staff_required
def settings():
    current = notifications.get_settings(current_user)
    form = SettingsForm(data={"digest": current.digest} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            notifications.update_settings(current_user, digest=bool(form.digest.data))
        except ValidationFailed as error:
            show_errors(form, error)
            status = 422
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("dashboard.settings"))
    elif request.method == "POST":
        status = 422
    return render_template("dashboard/settings.html", form=form), status


@bp.get("/mentions/members")
@staff_required
def mention_members():
    """The company's active staff as JSON, for the note form's @ suggestions (static/js/mentions.js)."""
    response = jsonify(members=mentions.members_for_autocomplete(current_user))
    response.headers["Cache-Control"] = "private, no-store"
    return response
