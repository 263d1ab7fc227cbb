"""One HTTP POST to an endpoint, to the address that was checked, without following redirects."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.webhooks import ssrf

SNIPPET_BYTES = 1024


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None  # the HTTP status, None when there was no answer
    duration_ms: int
    snippet: str | None  # the start of the answer's body (at most 1 kB)
    error: str | None


class _Pinned:
    """Connects to `address` while speaking HTTP (and TLS, with SNI and certificate checks) to `host`."""

    def __init__(self, address: str) -> None:
        self.address = address

    def connect(self, conn: http.client.HTTPConnection) -> None:
        conn.sock = socket.create_connection((self.address, conn.port), conn.timeout)
        if isinstance(conn, http.client.HTTPSConnection):
            conn.sock = conn._context.wrap_socket(conn.sock, server_hostname=conn.host)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    pinned = _Pinned(address)
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.connect = lambda: pinned.connect(conn)  # type: ignore[method-assign]
    return conn


def post(url: str, headers: dict[str, str], body: bytes, timeout: float) -> Outcome:
    """POST `body`; 2xx is success. The URL is checked again here, on the addresses it resolves to now."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, addresses = ssrf.resolve(url)
    except ssrf.Refused as refused:
        return Outcome(False, None, elapsed(), None, f"Refused: {refused}"[:1000])
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = _connection(scheme, host, port, addresses[0], timeout)
    try:
        conn.request("POST", target, body=body, headers={**headers, "User-Agent": "ATS-Webhooks/1"})
        response = conn.getresponse()
        snippet = response.read(SNIPPET_BYTES).decode("utf-8", errors="replace")
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, None, elapsed(), None, f"{type(error).__name__}: {error}"[:1000])
    finally:
        conn.close()
    ok = 200 <= status < 300
    return Outcome(ok, status, elapsed(), snippet, None if ok else f"HTTP {status}")
