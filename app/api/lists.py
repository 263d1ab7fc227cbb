"""List responses: {items, next_cursor} plus a `Link: <...>; rel="next"` header."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from app.services.pagination import Page

LINK_HEADER = {
    "Link": {
        "description": 'The next page, when there is one: `<url>; rel="next"`.',
        "schema": {"type": "string"},
    }
}


def page_body(page: Page) -> tuple[dict, int, dict]:
    headers = {}
    if page.next_cursor:
        args = [(key, value) for key, value in request.args.items(multi=True) if key != "cursor"]
        args.append(("cursor", page.next_cursor))
        headers["Link"] = f'<{request.path}?{urlencode(args)}>; rel="next"'
    return {"items": page.items, "next_cursor": page.next_cursor}, 200, headers


def no_content() -> Response:
    response = Response(status=204)
    response.headers.pop("Content-Type", None)
    return response
