"""The candidate list as CSV, written row by row (app/core/csv_export.py makes every cell safe)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Response, request

from app.core.csv_export import csv_response

HEADER = ("id", "full_name", "email", "phone", "location", "source", "added_at", "match", "profile_url")


def rows(hits: Iterable) -> Iterator[tuple]:
    base = request.host_url
    for hit in hits:
        match = hit.snippet.striptags() if hit.snippet is not None else ""
        yield (
            hit.id,
            hit.full_name,
            hit.email,
            hit.phone,
            hit.location,
            hit.source,
            hit.created_at.isoformat(),
            match,
            f"{base}dashboard/candidates/{hit.id}",
        )


def response(actor, q: str | None, filters) -> Response:
    """The streamed CSV of `candidate_search.export_rows` (the list's checks run before the first byte)."""
    from app.services import candidate_search

    hits = candidate_search.export_rows(actor, q=q, filters=filters)
    return csv_response("candidates.csv", HEADER, rows(hits))
