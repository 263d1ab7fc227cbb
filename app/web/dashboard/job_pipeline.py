"""A job's own pipeline in the dashboard: its stages with how many applications stand in each.

Recruiters and admins rename, reorder, add and remove stages (a stage that
holds applications cannot go: the service says how many, and the page shows it
beside the stage); hiring managers read it. One form post saves the whole list.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import workflow
from app.errors import Conflict, ValidationFailed
from app.services import pipelines
from app.services.access import EDITORS, require_role
from app.web.dashboard import bp
from app.web.dashboard.pipeline_forms import CATEGORY_CHOICES, JobPipelineForm, version_of
from app.web.login import staff_required


@bp.route("/jobs/<int:job_id>/pipeline", methods=["GET", "POST"])
@staff_required
def job_pipeline(job_id: int):
    can_edit = current_user.role in EDITORS
    form = JobPipelineForm() if can_edit else None
    status = 200
    if request.method == "POST":
        if form is None:  # another company's job is not found before anything else
            pipelines.job_pipeline(current_user, job_id)
            require_role(current_user, *EDITORS, action="change a job's pipeline")
        if form.validate_on_submit():
            try:
                pipelines.update_job_pipeline(
                    current_user,
                    job_id,
                    stages=form.stage_specs(),
                    allow_skip=bool(form.allow_skip.data),
                    expected_version=version_of(form),
                )
            except (ValidationFailed, Conflict) as error:
                form.show_errors(error)
                status = error.status
            else:
                flash("The pipeline is saved.", "success")
                return redirect(url_for("dashboard.job_pipeline", job_id=job_id))
        else:
            status = 422
    view = pipelines.job_pipeline(current_user, job_id)
    if form is not None and not form.is_submitted():
        form.allow_skip.data = view.job.pipeline_allow_skip
        form.version.data = str(view.job.pipeline_version)
        form.fill_stages(view.pipeline.stages)
    pipeline = view.pipeline
    return render_template(
        "dashboard/job_pipeline.html",
        job=view.job,
        pipeline=pipeline,
        finals=[stage for stage in pipeline.all_stages if stage.key in workflow.FINAL_KEYS],
        counts=view.counts,
        labels=workflow.CATEGORY_LABELS,
        categories=CATEGORY_CHOICES,
        form=form,
    ), status
