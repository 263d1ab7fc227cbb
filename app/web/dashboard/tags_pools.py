"""Talent pool pages: the list (and a new pool), one pool with its members, applying a member to a job."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import DomainError, ValidationFailed
from app.services import pools
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.dashboard.profile_forms import ActionForm, ApplyForm, PoolForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required


def _list(form: PoolForm, status: int = 200):
    page = pools.list_pools(current_user, limit=50, cursor=request.args.get("cursor") or None)
    return render_template("dashboard/pools.html", page=page, form=form, can_edit=current_user.role in EDITORS), status


@bp.get("/pools")
@staff_required
def pools_page():
    return _list(PoolForm(formdata=None))


@bp.post("/pools")
@staff_required
def create_pool():
    form = PoolForm()
    if form.validate_on_submit():
        try:
            pool = pools.create_pool(current_user, name=form.name.data, description=form.description.data or "")
        except (ValidationFailed, DomainError) as error:
            if error.status == 403:
                raise
            show_errors(form, error)
        else:
            flash(f"The pool {pool.name} is made.", "success")
            return redirect(url_for("dashboard.pool_page", pool_id=pool.id))
    return _list(form, 422)


@bp.get("/pools/<int:pool_id>")
@staff_required
def pool_page(pool_id: int):
    pool, count = pools.pool_with_count(current_user, pool_id)
    page = pools.members(current_user, pool_id, limit=50, cursor=request.args.get("cursor") or None)
    can_edit = current_user.role in EDITORS
    return render_template(
        "dashboard/pool.html",
        pool=pool,
        count=count,
        page=page,
        can_edit=can_edit,
        jobs=pools.jobs_to_apply_to(current_user) if can_edit else [],
    )


@bp.post("/pools/<int:pool_id>/delete")
@staff_required
def delete_pool(pool_id: int):
    if ActionForm().validate_on_submit():
        pools.delete_pool(current_user, pool_id)
        flash("The pool is deleted; its candidates stay.", "success")
    return redirect(url_for("dashboard.pools_page"))


@bp.post("/pools/<int:pool_id>/members/<int:candidate_id>/remove")
@staff_required
def remove_pool_member(pool_id: int, candidate_id: int):
    if ActionForm().validate_on_submit():
        pools.remove_members(current_user, pool_id, [candidate_id])
        flash("Taken out of the pool.", "success")
    return redirect(url_for("dashboard.pool_page", pool_id=pool_id))


@bp.post("/pools/<int:pool_id>/members/<int:candidate_id>/apply")
@staff_required
def apply_pool_member(pool_id: int, candidate_id: int):
    form = ApplyForm()
    if not form.validate_on_submit() or not form.job_id.data:
        flash("Pick a job first.", "danger")
        return redirect(url_for("dashboard.pool_page", pool_id=pool_id))
    try:
        application = pools.apply_member(current_user, pool_id, candidate_id, form.job_id.data)
    except DomainError as error:
        if error.status in (403, 404) and "pool" in error.detail:
            raise
        flash_error(error)
        return redirect(url_for("dashboard.pool_page", pool_id=pool_id))
    flash(f"The candidate is in {application.job.title}'s pipeline as sourced.", "success")
    return redirect(url_for("dashboard.application", application_id=application.id))
