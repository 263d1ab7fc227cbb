"""Stage templates, each job's pipeline, and the company's rejection reasons."""

from __future__ import annotations

from app import workflow
from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import no_content
from app.api.schemas.pipelines import (
    PipelineIn,
    PipelineOut,
    ReasonIn,
    ReasonList,
    ReasonListArgs,
    ReasonOut,
    ReasonPatch,
    TemplateIn,
    TemplateList,
    TemplateOut,
    TemplatePatch,
)
from app.services import pipelines, rejection_reasons

blp = Blueprint("api_pipelines", __name__, url_prefix="/api/v1", tag="Pipelines", description="Pipelines and reasons")

TEMPLATE = f"/stage-templates/<{ID}:template_id>"
REASON = f"/rejection-reasons/<{ID}:reason_id>"


def stage_out(stage: workflow.Stage, counts: dict[str, int] | None = None) -> dict:
    out = {**stage.as_dict(), "final": stage.final}
    if counts is not None:
        out["applications"] = counts.get(stage.key, 0)
    return out


def template_out(template) -> dict:
    pipeline = workflow.compile_pipeline(template.stages, template.allow_skip)
    return {
        "id": template.id,
        "name": template.name,
        "stages": [stage_out(stage) for stage in pipeline.all_stages],
        "allow_skip": template.allow_skip,
        "is_default": template.is_default,
        "version": template.version,
        "updated_at": template.updated_at,
    }


def pipeline_out(view: pipelines.JobPipeline) -> dict:
    job = view.job
    return {
        "job_id": job.id,
        "stages": [stage_out(stage, view.counts) for stage in view.pipeline.all_stages],
        "allow_skip": job.pipeline_allow_skip,
        "version": job.pipeline_version,
        "template_id": job.pipeline_template_id,
    }


def reason_out(reason) -> dict:
    return {
        "id": reason.id,
        "label": reason.label,
        "position": reason.position,
        "archived": reason.archived_at is not None,
    }


@blp.get("/stage-templates")
@jwt_required()
@blp.response(200, TemplateList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_templates():
    """The company's stage templates, the default first (the company's staff)."""
    return {"templates": [template_out(t) for t in pipelines.list_templates(caller())]}


@blp.post("/stage-templates")
@jwt_required()
@blp.arguments(TemplateIn)
@blp.response(201, TemplateOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT", description="The name is taken.")
@blp.doc(security=BEARER)
def create_template(data):
    """A new stage template (admins)."""
    return template_out(pipelines.create_template(caller(), **data))


@blp.get(TEMPLATE)
@jwt_required()
@blp.response(200, TemplateOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_template(template_id: int):
    """One stage template."""
    return template_out(pipelines.get_template(caller(), template_id))


@blp.patch(TEMPLATE)
@jwt_required()
@blp.arguments(TemplatePatch)
@blp.response(200, TemplateOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Stale `version`, a taken name, or unsetting the default.")
@blp.doc(security=BEARER)
def update_template(data, template_id: int):
    """Change a template (admins). Jobs keep the pipeline they copied; new jobs get the change."""
    version = data.pop("version", None)
    return template_out(pipelines.update_template(caller(), template_id, expected_version=version, **data))


@blp.delete(TEMPLATE)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The default template.")
@blp.doc(security=BEARER)
def delete_template(template_id: int):
    """Delete a template (admins); not the default one. Jobs copied from it keep their pipelines."""
    pipelines.delete_template(caller(), template_id)
    return no_content()


@blp.get(f"/jobs/<{ID}:job_id>/pipeline")
@jwt_required()
@blp.response(200, PipelineOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_pipeline(job_id: int):
    """The job's stages in order (final ones included) and how many applications stand in each."""
    return pipeline_out(pipelines.job_pipeline(caller(), job_id))


@blp.put(f"/jobs/<{ID}:job_id>/pipeline")
@jwt_required()
@blp.arguments(PipelineIn)
@blp.response(200, PipelineOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    409, response="CONFLICT", description="A removed stage holds applications (`occupied` says how many), or stale."
)
@blp.doc(security=BEARER)
def replace_pipeline(data, job_id: int):
    """Replace the job's stages (recruiters and admins): add, rename, reorder; remove empty stages."""
    view = pipelines.update_job_pipeline(
        caller(),
        job_id,
        stages=data["stages"],
        allow_skip=data.get("allow_skip"),
        expected_version=data.get("version"),
    )
    return pipeline_out(view)


@blp.get("/rejection-reasons")
@jwt_required()
@blp.arguments(ReasonListArgs, location="query")
@blp.response(200, ReasonList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_reasons(args):
    """The company's rejection reasons in order (staff only; never shown to candidates)."""
    found = rejection_reasons.list_reasons(caller(), include_archived=args.get("include_archived", False))
    return {"reasons": [reason_out(r) for r in found]}


@blp.post("/rejection-reasons")
@jwt_required()
@blp.arguments(ReasonIn)
@blp.response(201, ReasonOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def create_reason(data):
    """A new rejection reason (admins)."""
    return reason_out(rejection_reasons.create_reason(caller(), **data))


@blp.patch(REASON)
@jwt_required()
@blp.arguments(ReasonPatch)
@blp.response(200, ReasonOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def update_reason(data, reason_id: int):
    """Relabel, reorder, archive or restore a reason (admins)."""
    return reason_out(rejection_reasons.update_reason(caller(), reason_id, **data))


@blp.delete(REASON)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def archive_reason(reason_id: int):
    """Archive a reason: offered no more, kept on the rejections that used it."""
    rejection_reasons.archive_reason(caller(), reason_id)
    return no_content()
