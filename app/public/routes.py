from __future__ import annotations

from flask import render_template, request

from app.public import bp
from app.services import jobs as job_service


@bp.get("/")
def index():
    page = job_service.list_jobs(None, q=request.args.get("q"), cursor=request.args.get("cursor"))
    return render_template("public/jobs.html", page=page, q=request.args.get("q", ""))


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
