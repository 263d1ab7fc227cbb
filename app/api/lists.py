"""List responses: {items, next_cursor} plus a `Link: <...>; rel="next"` header."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, current_app, request

from app.services.pagination import Page

LINK_HEADER = {
    "Link": {
        "description": 'The next page, when there is one: `<url>; rel="next"`.',
        "schema": {"type": "string"},
    }
}


def _link_headers(page: Page) -> dict:
    headers = {}
    if page.next_cursor:
        args = [(key, value) for key, value in request.args.items(multi=True) if key != "cursor"]
        args.append(("cursor", page.next_cursor))
        headers["Link"] = f'<{request.path}?{urlencode(args)}>; rel="next"'
    return headers


def page_response(page: Page, render: Callable[[object], dict]) -> Response:
    """The page rendered by `render` (app/api/render.py), already JSON: the schema's dump is skipped."""
    body = {"items": [render(item) for item in page.items], "next_cursor": page.next_cursor}
    response = current_app.json.response(body)
    response.headers.extend(_link_headers(page))
    return response


def no_content() -> Response:
    response = Response(status=204)
    response.headers.pop("Content-Type", None)
    return response
