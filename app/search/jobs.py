"""The RQ jobs: they get ids, reload what they need and commit their own work."""

from __future__ import annotations

from flask import has_app_context

from app.extensions import db


def _in_app(func, *args):
    if has_app_context():
        return func(*args)
    from app import create_app

    with create_app().app_context():
        return func(*args)


def _extract(key: str) -> str | None:
    from app.models import ResumeText
    from app.search.index import extract_resume, index_candidates

    status = extract_resume(key)
    if status is not None:
        candidate_id = db.session.get(ResumeText, key).candidate_id
        index_candidates([candidate_id])
    db.session.commit()
    return status


def _index(ids: list[int]) -> int:
    from app.search.index import index_candidates

    count = index_candidates(ids)
    db.session.commit()
    return count


def extract_job(key: str) -> str | None:
    """Extract one resume's text, then index its candidate."""
    return _in_app(_extract, key)


def index_job(ids: list[int]) -> int:
    return _in_app(_index, ids)
