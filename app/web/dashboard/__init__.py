"""The staff dashboard: home, jobs, the pipeline board, applications, the team."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, template_folder="templates")

from app.web.dashboard import (  # noqa: E402,F401
    api_keys,
    applications,
    audit,
    board,
    board_bulk,
    booking,
    candidate_profiles,
    candidate_search,
    candidates,
    company,
    duplicates,
    eeo,
    email_templates,
    feedback,
    imports,
    interviews,
    job_pipeline,
    jobs,
    messages,
    notifications,
    offers,
    privacy,
    questions,
    reasons,
    replies,
    reports,
    retention,
    routes,
    stage_templates,
    tags,
    tags_pools,
    team,
    webhooks,
)
