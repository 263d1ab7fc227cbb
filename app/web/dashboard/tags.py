"""The company's tags (recruiters and admins): how many candidates carry each, add, rename, merge, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.services import tags
from app.services.access import EDITORS, require_role
from app.web.dashboard import bp
from app.web.dashboard.profile_forms import ActionForm
from app.web.dashboard.tag_forms import MergeTagForm, TagNameForm
from app.web.formtools import show_errors
from app.web.login import staff_required

ACTION = "manage tags"


def _rename_form(tag, formdata=None) -> TagNameForm:
    form = TagNameForm(formdata=formdata, prefix=f"tag-{tag.id}", name=tag.name)
    form.submit.label.text = "Rename"
    return form


def _merge_form(tag, rows, formdata=None) -> MergeTagForm:
    form = MergeTagForm(formdata=formdata, prefix=f"merge-{tag.id}")
    form.into.choices = [(other.id, other.name) for other, _ in rows if other.id != tag.id]
    return form


def _page(add_form=None, failed=None, status: int = 200):
    """The list with one form per row; `failed` is (tag id, form) of a rename or merge that was refused."""
    require_role(current_user, *EDITORS, action=ACTION)
    rows = tags.list_with_counts(current_user)
    rename_forms = {tag.id: _rename_form(tag) for tag, _ in rows}
    merge_forms = {tag.id: _merge_form(tag, rows) for tag, _ in rows}
    if failed is not None and failed[0] in rename_forms:
        tag_id, form = failed
        if isinstance(form, MergeTagForm):
            form.into.choices = merge_forms[tag_id].into.choices
            merge_forms[tag_id] = form
        else:
            rename_forms[tag_id] = form
    return render_template(
        "dashboard/tags.html",
        rows=rows,
        add_form=add_form or TagNameForm(formdata=None),
        rename_forms=rename_forms,
        merge_forms=merge_forms,
        max_tags=tags.MAX_TAGS,
    ), status


@bp.get("/tags")
@staff_required
def tags_page():
    return _page()


@bp.post("/tags")
@staff_required
def add_tag():
    require_role(current_user, *EDITORS, action=ACTION)
    form = TagNameForm()
    if form.validate_on_submit():
        try:
            tag = tags.create_tag(current_user, name=form.name.data)
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
            return _page(add_form=form, status=error.status)
        flash(f"The tag “{tag.name}” is added.", "success")
        return redirect(url_for("dashboard.tags_page", _anchor=f"tag-{tag.id}"))
    return _page(add_form=form, status=422)


@bp.post("/tags/<int:tag_id>")
@staff_required
def rename_tag(tag_id: int):
    tags.get_tag(current_user, tag_id)
    require_role(current_user, *EDITORS, action=ACTION)
    form = TagNameForm(prefix=f"tag-{tag_id}")
    if form.validate_on_submit():
        try:
            tag = tags.update_tag(current_user, tag_id, name=form.name.data)
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
            return _page(failed=(tag_id, form), status=error.status)
        flash(f"The tag is renamed “{tag.name}”; its candidates keep it.", "success")
        return redirect(url_for("dashboard.tags_page", _anchor=f"tag-{tag_id}"))
    return _page(failed=(tag_id, form), status=422)


@bp.post("/tags/<int:tag_id>/merge")
@staff_required
def merge_tag(tag_id: int):
    merged = tags.get_tag(current_user, tag_id)
    require_role(current_user, *EDITORS, action=ACTION)
    name = merged.name
    form = MergeTagForm(prefix=f"merge-{tag_id}")
    form.into.choices = []  # checked by the service (the company's tags, not this one)
    if form.validate_on_submit():
        try:
            kept = tags.merge_tag(current_user, tag_id, form.into.data)
        except ValidationFailed as error:
            show_errors(form, error)
            return _page(failed=(tag_id, form), status=error.status)
        flash(f"“{name}” is merged into “{kept.name}”: its candidates carry “{kept.name}”.", "success")
        return redirect(url_for("dashboard.tags_page", _anchor=f"tag-{kept.id}"))
    form.into.errors = ["Pick the tag to merge into."]
    return _page(failed=(tag_id, form), status=422)


@bp.get("/tags/<int:tag_id>/delete")
@staff_required
def confirm_delete_tag(tag_id: int):
    tag, count = tags.usage(current_user, tag_id)
    require_role(current_user, *EDITORS, action=ACTION)
    return render_template("dashboard/tag_delete.html", tag=tag, count=count, form=ActionForm(formdata=None))


@bp.post("/tags/<int:tag_id>/delete")
@staff_required
def delete_tag(tag_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        flash("That request could not be read; reload the page and try again.", "danger")
        return redirect(url_for("dashboard.confirm_delete_tag", tag_id=tag_id))
    tag, count = tags.usage(current_user, tag_id)
    name = tag.name
    tags.delete_tag(current_user, tag_id)
    flash(f"The tag “{name}” is deleted; it came off {count} candidate{'' if count == 1 else 's'}.", "success")
    return redirect(url_for("dashboard.tags_page"))
