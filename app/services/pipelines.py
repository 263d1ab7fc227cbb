"""Pipelines: each company's stage templates and each job's own pipeline.

A template is an ordered list of stages (see app/workflow.py for the rules);
a job copies one when it is created and may then change its copy. Admins edit
templates; recruiters and admins edit a job's pipeline; every staff member reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from app import workflow
from app.errors import Conflict, NotFound, StaleUpdate, ValidationFailed
from app.extensions import db
from app.models import Job, JobStageCount, Role, StageTemplate, User
from app.services.access import EDITORS, require_member, require_role
from app.services.jobs import get_job
from app.services.validation import Checker

STANDARD_NAME = "Standard"
TEMPLATE_NAME_MAX = 100
MAX_TEMPLATES = 50


@dataclass(frozen=True)
class PipelineCopy:
    """What a new job takes from a template."""

    stages: list[dict]
    allow_skip: bool
    template_id: int | None


def _company(actor: User) -> int:
    return require_member(actor, actor.company_id or -1, what="That company").company_id


def ensure_standard(company_id: int) -> StageTemplate:
    """The company's default template, making the Standard one if it has none (companies made before templates)."""
    template = db.session.scalar(
        select(StageTemplate).where(StageTemplate.company_id == company_id, StageTemplate.is_default.is_(True))
    )
    if template is None:
        taken = db.session.scalar(select(StageTemplate.id).where(*_named(company_id, STANDARD_NAME))) is not None
        template = add_standard(company_id, name=f"{STANDARD_NAME} (default)" if taken else STANDARD_NAME)
    return template


def add_standard(company_id: int, *, name: str = STANDARD_NAME) -> StageTemplate:
    """The Standard template, as the default, for a company that has none (a new company)."""
    template = StageTemplate(company_id=company_id, name=name, stages=workflow.standard_stages_json(), is_default=True)
    db.session.add(template)
    db.session.flush()
    return template


def _named(company_id: int, name: str):
    return StageTemplate.company_id == company_id, func.lower(StageTemplate.name) == name.lower()


def list_templates(actor: User) -> list[StageTemplate]:
    """The company's templates, the default first, then by name."""
    company_id = _company(actor)
    stmt = (
        select(StageTemplate)
        .where(StageTemplate.company_id == company_id)
        .order_by(StageTemplate.is_default.desc(), StageTemplate.name, StageTemplate.id)
    )
    templates = list(db.session.scalars(stmt))
    if not templates or not templates[0].is_default:  # a company made before templates: one statement more, once
        ensure_standard(company_id)
        templates = list(db.session.scalars(stmt))
    return templates


def get_template(actor: User, template_id: int) -> StageTemplate:
    company_id = _company(actor)
    template = db.session.get(StageTemplate, template_id)
    if template is None or template.company_id != company_id:
        raise NotFound("That stage template was not found.")
    return template


def _clean_template(check: Checker, fields: dict, *, creating: bool) -> dict:
    unknown = set(fields) - {"name", "stages", "allow_skip", "is_default"}
    for name in sorted(unknown):
        check.add(name, "Unknown field.")
    clean: dict = {}
    if creating or "name" in fields:
        clean["name"] = check.line("name", fields.get("name"), required=True, max_len=TEMPLATE_NAME_MAX)
    if creating or "stages" in fields:
        stages, errors = workflow.validate_stages(fields.get("stages"))
        for field, messages in errors.items():
            for message in messages:
                check.add(field, message)
        clean["stages"] = stages
    for flag in ("allow_skip", "is_default"):
        if flag in fields:
            if not isinstance(fields[flag], bool):
                check.add(flag, "Must be true or false.")
            clean[flag] = fields[flag] is True
    return clean


def create_template(actor: User, **fields) -> StageTemplate:
    """A new template of the actor's company (admins)."""
    company_id = _company(actor)
    require_role(actor, Role.ADMIN, action="edit stage templates")
    check = Checker()
    clean = _clean_template(check, fields, creating=True)
    check.raise_if_any()
    ensure_standard(company_id)
    count = db.session.scalar(
        select(func.count()).select_from(StageTemplate).where(StageTemplate.company_id == company_id)
    )
    if count >= MAX_TEMPLATES:
        raise Conflict(f"A company keeps at most {MAX_TEMPLATES} stage templates.")
    _name_free(company_id, clean["name"])
    make_default = clean.pop("is_default", False)
    template = StageTemplate(company_id=company_id, **clean)
    db.session.add(template)
    db.session.flush()
    if make_default:
        _make_default(template)
    return template


def update_template(actor: User, template_id: int, *, expected_version: int | None = None, **fields) -> StageTemplate:
    """Rename, change the stages or the skip rule, or make it the default (admins).

    Jobs keep the pipeline they copied: a template change reaches new jobs only.
    """
    template = get_template(actor, template_id)
    require_role(actor, Role.ADMIN, action="edit stage templates")
    check = Checker()
    clean = _clean_template(check, fields, creating=False)
    check.raise_if_any()
    if expected_version is not None and expected_version != template.version:
        raise StaleUpdate("The template changed meanwhile; reload it and try again.", version=template.version)
    if "name" in clean and clean["name"].lower() != template.name.lower():
        _name_free(template.company_id, clean["name"])
    make_default = clean.pop("is_default", None)
    if make_default is False and template.is_default:
        raise Conflict(
            "A company always has a default template: make another one the default instead.",
            errors={"is_default": ["Make another template the default instead."]},
        )
    for key, value in clean.items():
        setattr(template, key, value)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("The template changed meanwhile; reload it and try again.") from None
    if make_default:
        _make_default(template)
    return template


def delete_template(actor: User, template_id: int) -> None:
    """Remove a template (admins); jobs copied from it keep their pipelines. Not the default one."""
    template = get_template(actor, template_id)
    require_role(actor, Role.ADMIN, action="edit stage templates")
    if template.is_default:
        raise Conflict("The default template cannot be deleted: make another one the default first.")
    db.session.delete(template)
    db.session.flush()


def _make_default(template: StageTemplate) -> None:
    db.session.execute(
        update(StageTemplate)
        .where(StageTemplate.company_id == template.company_id, StageTemplate.id != template.id)
        .values(is_default=False)
        .execution_options(synchronize_session=False)
    )
    template.is_default = True
    db.session.flush()
    for other in db.session.identity_map.values():
        if isinstance(other, StageTemplate) and other.company_id == template.company_id and other is not template:
            db.session.expire(other, ["is_default", "version"])


def _name_free(company_id: int, name: str) -> None:
    if db.session.scalar(select(StageTemplate.id).where(*_named(company_id, name))) is not None:
        raise Conflict(
            "Another template of the company has that name.", errors={"name": ["Already used by another template."]}
        )


def copy_for_new_job(actor: User, *, template_id: int | None = None, stages=None, allow_skip=None) -> PipelineCopy:
    """The pipeline a new job starts with: given stages, a chosen template, or the company's default."""
    if stages is not None:
        clean, errors = workflow.validate_stages(stages, field="pipeline")
        if allow_skip is not None and not isinstance(allow_skip, bool):
            errors.setdefault("pipeline_allow_skip", []).append("Must be true or false.")
        if errors:
            raise ValidationFailed("The pipeline is not valid.", errors=errors)
        return PipelineCopy(stages=clean, allow_skip=allow_skip is True, template_id=None)
    if template_id is not None:
        try:
            template = get_template(actor, template_id)
        except NotFound:
            raise ValidationFailed(
                "No such stage template.", errors={"stage_template_id": ["Not a template of your company."]}
            ) from None
    else:
        template = db.session.scalar(
            select(StageTemplate).where(
                StageTemplate.company_id == actor.company_id, StageTemplate.is_default.is_(True)
            )
        )
        if template is None:
            return PipelineCopy(stages=workflow.standard_stages_json(), allow_skip=False, template_id=None)
    return PipelineCopy(stages=list(template.stages), allow_skip=template.allow_skip, template_id=template.id)


@dataclass(frozen=True)
class JobPipeline:
    job: Job
    pipeline: workflow.Pipeline
    counts: dict[str, int]  # applications per stage key


def job_pipeline(actor: User, job_id: int) -> JobPipeline:
    """A job's pipeline with how many applications stand in each stage (the company's staff)."""
    job = _own_job(actor, job_id)
    return JobPipeline(job=job, pipeline=workflow.for_job(job), counts=_counts(job.id))


def _own_job(actor: User, job_id: int) -> Job:
    job = get_job(actor, job_id)
    require_member(actor, job.company_id, what="That job")
    return job


def _counts(job_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(JobStageCount.stage, JobStageCount.count).where(JobStageCount.job_id == job_id, JobStageCount.count > 0)
    )
    return {stage: count for stage, count in rows}


def update_job_pipeline(
    actor: User, job_id: int, *, stages, allow_skip: bool | None = None, expected_version: int | None = None
) -> JobPipeline:
    """Replace a job's stages: add, rename, reorder; remove only empty stages (recruiters, admins).

    A stage is the same stage when its key is kept. A stage that holds
    applications keeps its category and cannot be removed: 409 naming how many and where.
    """
    job = _own_job(actor, job_id)
    require_role(actor, *EDITORS, action="change a job's pipeline")
    if allow_skip is not None and not isinstance(allow_skip, bool):
        raise ValidationFailed("The pipeline is not valid.", errors={"allow_skip": ["Must be true or false."]})
    clean, errors = workflow.validate_stages(stages)
    if errors:
        raise ValidationFailed("The pipeline is not valid.", errors=errors)
    if expected_version is not None and expected_version != job.pipeline_version:
        raise StaleUpdate("The pipeline changed meanwhile; reload it and try again.", version=job.pipeline_version)
    current = workflow.for_job(job)
    counts = _counts(job.id)
    new_keys = {stage["key"]: stage for stage in clean}
    removed = [stage.key for stage in current.stages if stage.key not in new_keys]
    occupied = [(key, counts[key]) for key in removed if counts.get(key)]
    if occupied:
        where = "; ".join(f"{n} in {current.label(key)} ({key})" for key, n in occupied)
        raise Conflict(
            f"Stages that hold applications cannot be removed: {where}. Move them first.",
            errors={"stages": [f"{current.label(key)} holds {n} application(s)." for key, n in occupied]},
            occupied=[{"stage": key, "name": current.label(key), "applications": n} for key, n in occupied],
        )
    recategorised = [
        key for key, stage in new_keys.items() if counts.get(key) and current.category(key) != stage["category"]
    ]
    if recategorised:
        raise Conflict(
            "A stage that holds applications keeps its category.",
            errors={
                "stages": [f"{current.label(key)} holds applications: keep its category." for key in recategorised]
            },
            recategorised=recategorised,
        )
    result = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.pipeline_version == job.pipeline_version)
        .values(
            pipeline_stages=clean,
            pipeline_allow_skip=job.pipeline_allow_skip if allow_skip is None else allow_skip,
            pipeline_version=Job.pipeline_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleUpdate("The pipeline changed meanwhile; reload it and try again.")
    db.session.expire(job, ["pipeline_stages", "pipeline_allow_skip", "pipeline_version", "updated_at"])
    for key, stage in new_keys.items():
        if key in current.by_key and current.category(key) != stage["category"]:
            db.session.execute(
                update(JobStageCount)
                .where(JobStageCount.job_id == job.id, JobStageCount.stage == key)
                .values(category=stage["category"])
            )
    db.session.flush()
    return JobPipeline(job=job, pipeline=workflow.for_job(job), counts=counts)
