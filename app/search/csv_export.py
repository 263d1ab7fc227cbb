"""The candidate list as CSV, written row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, request, stream_with_context

HEADER = ("id", "full_name", "email", "phone", "location", "source", "added_at", "match", "profile_url")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value a spreadsheet shows as text: one that starts like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def rows(hits: Iterable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    base = request.host_url
    writer.writerow(HEADER)
    yield flush()
    for hit in hits:
        match = hit.snippet.striptags() if hit.snippet is not None else ""
        writer.writerow(
            [
                cell(v)
                for v in (
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
            ]
        )
        yield flush()


def response(actor, q: str | None, filters) -> Response:
    """The streamed CSV of `candidate_search.export_rows` (the list's checks run before the first byte)."""
    from app.services import candidate_search

    hits = candidate_search.export_rows(actor, q=q, filters=filters)
    return Response(
        stream_with_context(rows(hits)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="candidates.csv"'},
    )
