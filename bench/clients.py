"""Signing in before the load: an API token, a web session cookie."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request


def request(
    base: str,
    path: str,
    *,
    body: dict | None = None,
    token: str | None = None,
    headers=None,
    method: str | None = None,
    raw: bytes | None = None,
    content_type: str | None = None,
):
    """(status, parsed JSON or text) of one request; errors are answers too.

    `body` is sent as JSON; `raw` as it is, with its `content_type` (a multipart form).
    """
    data = raw if raw is not None else json.dumps(body).encode() if body is not None else None
    method = method or ("POST" if data is not None else "GET")
    req = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    if data is not None:
        req.add_header("Content-Type", content_type or "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, _parse(response.read(), response.headers.get_content_type())
    except urllib.error.HTTPError as error:
        return error.code, _parse(error.read(), error.headers.get_content_type())


def _parse(raw: bytes, content_type: str):
    if content_type.endswith("json"):
        return json.loads(raw or b"null")
    return raw.decode("utf-8", "replace")


def api_token(base: str, email: str, password: str) -> str:
    status, body = request(base, "/api/v1/auth/token", body={"email": email, "password": password})
    if status != 200:
        detail = body.get("detail", "") if isinstance(body, dict) else ""
        raise RuntimeError(f"POST /api/v1/auth/token answered {status} {detail}".strip())
    return body["access_token"]


def web_login(base: str, login_path: str, email: str, password: str) -> str:
    """Sign in through the login form (CSRF token included); returns a Cookie header value.

    Production cookies are Secure and the bench talks plain http on loopback, so
    cookies are carried by hand rather than by a cookie jar that would drop them.
    """
    host = urllib.parse.urlsplit(base).netloc
    cookies: dict[str, str] = {}

    def send(method: str, body: bytes | None = None) -> str:
        conn = http.client.HTTPConnection(host, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, login_path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        conn.close()
        if response.status >= 400:
            raise RuntimeError(f"{method} {login_path} answered {response.status}")
        return text

    page = send("GET")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    if not match:
        raise RuntimeError(f"no CSRF token on {login_path}")
    send("POST", urllib.parse.urlencode({"csrf_token": match.group(1), "email": email, "password": password}).encode())
    return "; ".join(f"{k}={v}" for k, v in cookies.items())
