from __future__ import annotations

from app.public import bp


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
