"""The periodic sweep: resumes without text and stale search documents, done in batches."""

from __future__ import annotations

from flask import Flask

from app.core.periodic import periodic
from app.extensions import db

BATCH = 200


def sweep(grace_seconds: int = 0, batches: int = 10) -> dict:
    """Extract missing resume texts, then index stale candidates; commits after each batch."""
    from app.search.index import extract_resume, index_candidates, missing_resumes, stale_candidates

    done = {"resumes": 0, "candidates": 0}
    for _ in range(batches):
        keys = missing_resumes(BATCH, grace_seconds)
        for key in keys:
            extract_resume(key)
            db.session.commit()
        done["resumes"] += len(keys)
        if len(keys) < BATCH:
            break
    for _ in range(batches):
        ids = stale_candidates(BATCH, grace_seconds)
        done["candidates"] += index_candidates(ids)
        db.session.commit()
        if len(ids) < BATCH:
            break
    return done


@periodic("search.sweep", every="SEARCH_SWEEP_INTERVAL")
def sweep_task(app: Flask) -> int:
    done = sweep(int(app.config["SEARCH_SWEEP_GRACE"]))
    return done["resumes"] + done["candidates"]
