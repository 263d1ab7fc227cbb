"""A candidate's profile page: details (edited by recruiters and admins), applications, history, tags, pools."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.errors import Conflict, DomainError, Forbidden, ValidationFailed
from app.services import candidate_profiles, pools, tags
from app.services.access import EDITORS, require_role
from app.web.dashboard import bp
from app.web.dashboard.profile_forms import CandidateForm, PoolPickForm, TagForm
from app.web.formtools import flash_error, show_errors
from app.web.helpers import SOURCE_LABELS, STAGE_TONES
from app.web.login import safe_next, staff_required

LINKS = {"links.linkedin": "linkedin", "links.github": "github", "links.portfolio": "portfolio"}


def _form_for(candidate) -> CandidateForm:
    links = candidate.links or {}
    return CandidateForm(
        formdata=None,
        full_name=candidate.full_name,
        email=candidate.email,
        phone=candidate.phone,
        location=candidate.location,
        source=candidate.source,
        version=str(candidate.version),
        **{kind: links.get(kind) for kind in ("linkedin", "github", "portfolio")},
    )


def _offer_source(form: CandidateForm, source: str) -> None:
    """An applicant's own source (careers page, job board...) is offered too, so it can be kept."""
    if source not in [choice.value for choice in form.source.choices]:
        form.source.choices = [SelectChoice(source, SOURCE_LABELS.get(source, source)), *form.source.choices]


def _page(candidate_id: int, form: CandidateForm | None = None, *, warnings=None, status: int = 200):
    user = current_user._get_current_object()
    view = candidate_profiles.profile(user, candidate_id)
    can_edit = user.role in EDITORS
    form = form or _form_for(view.candidate)
    _offer_source(form, view.candidate.source)
    held = {pool.id for pool in view.pools}
    all_pools = [row[0] for row in pools.list_pools(user, limit=100).items] if can_edit else []
    return render_template(
        "dashboard/candidate_profile.html",
        view=view,
        candidate=view.candidate,
        form=form,
        can_edit=can_edit,
        warnings=warnings or {},
        tag_form=TagForm(formdata=None),
        pool_form=PoolPickForm(formdata=None),
        other_pools=[pool for pool in all_pools if pool.id not in held],
        tones=STAGE_TONES,
        source_labels=SOURCE_LABELS,
    ), status


@bp.get("/candidates/<int:candidate_id>")
@staff_required
def candidate_profile(candidate_id: int):
    return _page(candidate_id)


@bp.post("/candidates/<int:candidate_id>")
@staff_required
def edit_candidate(candidate_id: int):
    candidate = candidate_profiles.get_candidate(current_user, candidate_id)
    require_role(current_user, *EDITORS, action="edit candidates")
    form = CandidateForm()
    _offer_source(form, candidate.source)
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            edited = candidate_profiles.update(
                current_user,
                candidate_id,
                expected_version=version,
                full_name=form.full_name.data,
                email=form.email.data or None,
                phone=form.phone.data or None,
                location=form.location.data or None,
                links=form.links(),
                source=form.source.data,
            )
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error, rename=LINKS)
        else:
            if edited.warnings:  # saved: the page again, with the note beside the phone
                flash("Saved.", "success")
                return _page(candidate_id, warnings=edited.warnings)
            flash("Saved.", "success")
            return redirect(url_for("dashboard.candidate_profile", candidate_id=candidate_id))
    return _page(candidate_id, form, status=422)


@bp.post("/candidates/<int:candidate_id>/tags")
@staff_required
def add_candidate_tag(candidate_id: int):
    form = TagForm()
    back = safe_next(form.next.data) or url_for("dashboard.candidate_profile", candidate_id=candidate_id)
    if form.validate_on_submit():
        try:
            tag = tags.tag_candidate(current_user, candidate_id, form.name.data)
        except (ValidationFailed, Forbidden, Conflict) as error:
            flash_error(error)
        except DomainError as error:
            if error.status == 404 and "tag" not in error.detail:
                raise
            flash_error(error)
        else:
            flash(f"Tagged “{tag.name}”.", "success")
    return redirect(back)


@bp.post("/candidates/<int:candidate_id>/tags/remove")
@staff_required
def remove_candidate_tag(candidate_id: int):
    form = TagForm()
    back = safe_next(form.next.data) or url_for("dashboard.candidate_profile", candidate_id=candidate_id)
    if form.validate_on_submit():
        try:
            tags.untag_candidate(current_user, candidate_id, form.name.data)
        except DomainError as error:
            if error.status == 404 and "tag" not in error.detail:
                raise
            flash_error(error)
        else:
            flash(f"Took “{form.name.data}” off.", "success")
    return redirect(back)


@bp.post("/candidates/<int:candidate_id>/pools")
@staff_required
def add_candidate_to_pool(candidate_id: int):
    form = PoolPickForm()
    back = url_for("dashboard.candidate_profile", candidate_id=candidate_id)
    if form.validate_on_submit() and form.pool_id.data:
        candidate_profiles.get_candidate(current_user, candidate_id)
        try:
            pool = pools.get_pool(current_user, form.pool_id.data)
            pools.add_members(current_user, pool.id, [candidate_id])
        except DomainError as error:
            flash_error(error)
        else:
            flash(f"Added to the pool {pool.name}.", "success")
    else:
        flash("Pick a pool first.", "danger")
    return redirect(back)
