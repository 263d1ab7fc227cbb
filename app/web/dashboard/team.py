"""The team page (admins): invite members, change roles, deactivate."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.models import Role
from app.services import companies
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.dashboard.forms import InviteForm, MemberActiveForm, MemberRoleForm
from app.web.formtools import flash_error, show_errors
from app.web.helpers import ROLE_LABELS
from app.web.login import staff_required


def _team_page(invite_form: InviteForm, status: int = 200):
    require_role(current_user, Role.ADMIN, action="manage the team")
    members = companies.list_members(current_user, current_user.company_id)
    role_forms = {
        member.id: MemberRoleForm(formdata=None, prefix=f"member-{member.id}", role=member.role) for member in members
    }
    return render_template(
        "dashboard/team.html",
        members=members,
        invite_form=invite_form,
        role_forms=role_forms,
        active_form=MemberActiveForm(formdata=None),
    ), status


@bp.get("/team")
@staff_required
def team():
    return _team_page(InviteForm(formdata=None))


@bp.post("/team/invite")
@staff_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            member = companies.add_staff(
                current_user,
                current_user.company_id,
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
            )
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
        else:
            from app.mail.backends import delivery_note

            note = delivery_note(current_app)
            flash(
                f"Invitation sent to {member.email}. The link to set a password is valid for 7 days. {note}".strip(),
                "success",
            )
            return redirect(url_for("dashboard.team"))
    return _team_page(form, 422)


@bp.post("/team/<int:user_id>/role")
@staff_required
def change_role(user_id: int):
    form = MemberRoleForm(prefix=f"member-{user_id}")
    if form.validate_on_submit():
        try:
            member = companies.update_member(current_user, current_user.company_id, user_id, role=form.role.data)
        except (ValidationFailed, Conflict) as error:
            flash_error(error)
        else:
            flash(f"{member.full_name} is now {ROLE_LABELS[member.role].lower()}.", "success")
    else:
        flash("Choose one of the listed roles.", "danger")
    return redirect(url_for("dashboard.team"))


@bp.post("/team/<int:user_id>/active")
@staff_required
def set_active(user_id: int):
    form = MemberActiveForm()
    if form.validate_on_submit() and form.active.data in ("0", "1"):
        active = form.active.data == "1"
        try:
            member = companies.update_member(current_user, current_user.company_id, user_id, active=active)
        except (ValidationFailed, Conflict) as error:
            flash_error(error)
        else:
            state = "can sign in again" if active else "is deactivated and signed out everywhere"
            flash(f"{member.full_name} {state}.", "success")
    else:
        flash("That change could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.team"))
