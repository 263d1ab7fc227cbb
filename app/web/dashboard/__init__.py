"""The staff dashboard: home, jobs, the pipeline board, applications, the team."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, template_folder="templates")

from app.web.dashboard import (  # noqa: E402,F401
    api_keys,
    applications,
    board,
    board_bulk,
    candidate_profiles,
    candidates,
    company,
    email_templates,
    job_pipeline,
    jobs,
    privacy,
    questions,
    reasons,
    replies,
    routes,
    stage_templates,
    tags_pools,
    team,
)
