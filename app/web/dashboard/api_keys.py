"""The company's API keys (admins): make one (shown once, on the answer to the form), list, revoke."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import DomainError, ValidationFailed
from app.models import Role
from app.services import api_keys
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.dashboard.api_key_forms import ApiKeyForm, RevokeForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

ACTION = "manage API keys"


def _page(form: ApiKeyForm | None = None, new_key=None, status: int = 200):
    require_role(current_user, Role.ADMIN, action=ACTION)
    page = api_keys.list_keys(current_user, cursor=request.args.get("cursor"), limit=50)
    return render_template(
        "dashboard/api_keys.html",
        page=page,
        state=api_keys.state,
        form=form or ApiKeyForm(formdata=None),
        revoke_form=RevokeForm(formdata=None),
        new_key=new_key,
    ), status


@bp.get("/api-keys")
@staff_required
def api_keys_page():
    return _page()


@bp.post("/api-keys")
@staff_required
def create_api_key():
    require_role(current_user, Role.ADMIN, action=ACTION)
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        made = api_keys.create_key(
            current_user, name=form.name.data, scopes=form.scopes.data or [], expires_in_days=form.expires_in_days.data
        )
    except ValidationFailed as error:
        show_errors(form, error)
        return _page(form, status=error.status)
    # Shown in this answer only: never flashed (the session would keep it) nor stored.
    return _page(new_key=made)


@bp.post("/api-keys/<int:key_id>/revoke")
@staff_required
def revoke_api_key(key_id: int):
    if not RevokeForm().validate_on_submit():
        flash("That request could not be read; reload the page and try again.", "danger")
        return redirect(url_for("dashboard.api_keys_page"))
    try:
        key = api_keys.revoke_key(current_user, key_id)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("dashboard.api_keys_page"))
    flash(f"The key “{key.name}” is revoked: requests with it are refused from now on.", "success")
    return redirect(url_for("dashboard.api_keys_page"))
