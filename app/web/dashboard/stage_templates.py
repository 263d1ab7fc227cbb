"""Stage templates in the dashboard: every staff member reads them; admins add, edit, make default, delete.

A template is what a new job's pipeline is copied from; changing one reaches
new jobs only. Every change is a plain form post, so the editor works without
JavaScript (a small script adds up and down buttons to the rows).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import workflow
from app.errors import Conflict, ValidationFailed
from app.models import Role
from app.services import pipelines
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.dashboard.pipeline_forms import CATEGORY_CHOICES, ActionForm, StageTemplateForm, version_of
from app.web.formtools import flash_error
from app.web.login import staff_required

EDIT_ACTION = "edit stage templates"


@bp.get("/stage-templates")
@staff_required
def stage_templates():
    return render_template(
        "dashboard/stage_templates.html",
        templates=pipelines.list_templates(current_user),
        labels=workflow.CATEGORY_LABELS,
        can_edit=current_user.role == Role.ADMIN,
        action_form=ActionForm(formdata=None),
    )


def _editor(form: StageTemplateForm, template=None, status: int | None = None):
    page = render_template(
        "dashboard/stage_template_form.html", form=form, template=template, categories=CATEGORY_CHOICES
    )
    return page, status or (422 if form.has_errors else 200)


@bp.route("/stage-templates/new", methods=["GET", "POST"])
@staff_required
def new_stage_template():
    require_role(current_user, Role.ADMIN, action=EDIT_ACTION)
    form = StageTemplateForm()
    status = None
    if form.validate_on_submit():
        try:
            template = pipelines.create_template(current_user, **form.template_fields())
        except (ValidationFailed, Conflict) as error:
            form.show_errors(error)
            status = error.status
        else:
            flash(f"The template “{template.name}” is added: new jobs can start from it.", "success")
            return redirect(url_for("dashboard.stage_templates", _anchor=f"template-{template.id}"))
    elif not form.is_submitted():
        form.fill_stages(workflow.STANDARD_STAGES)
    return _editor(form, status=status)


@bp.route("/stage-templates/<int:template_id>", methods=["GET", "POST"])
@staff_required
def edit_stage_template(template_id: int):
    template = pipelines.get_template(current_user, template_id)
    require_role(current_user, Role.ADMIN, action=EDIT_ACTION)
    form = StageTemplateForm()
    status = None
    if form.validate_on_submit():
        try:
            pipelines.update_template(
                current_user, template.id, expected_version=version_of(form), **form.template_fields()
            )
        except (ValidationFailed, Conflict) as error:
            form.show_errors(error)
            status = error.status
            template = pipelines.get_template(current_user, template_id)
        else:
            flash(f"The template “{template.name}” is saved. Jobs made before keep their own pipelines.", "success")
            return redirect(url_for("dashboard.stage_templates", _anchor=f"template-{template.id}"))
    elif not form.is_submitted():
        form.name.data = template.name
        form.allow_skip.data = template.allow_skip
        form.version.data = str(template.version)
        form.fill_stages(template.stages)
    return _editor(form, template, status)


@bp.post("/stage-templates/<int:template_id>/default")
@staff_required
def default_stage_template(template_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            template = pipelines.update_template(current_user, template_id, is_default=True)
        except (ValidationFailed, Conflict) as error:
            flash_error(error)
        else:
            flash(f"New jobs now start from “{template.name}” unless you choose another template.", "success")
    else:
        flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.stage_templates", _anchor=f"template-{template_id}"))


@bp.post("/stage-templates/<int:template_id>/delete")
@staff_required
def delete_stage_template(template_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        template = pipelines.get_template(current_user, template_id)
        name = template.name
        try:
            pipelines.delete_template(current_user, template_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash(f"The template “{name}” is deleted; jobs copied from it keep their pipelines.", "success")
    else:
        flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.stage_templates"))
