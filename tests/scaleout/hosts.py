"""Two web hosts for the scale-out test: gunicorn processes sharing only PostgreSQL and Redis,
and a browser-like HTTP client that talks to either of them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import requests
from requests.cookies import extract_cookies_to_jar, get_cookie_header

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
START_SECONDS = 40
REQUEST_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`flask --app run ARGS` as an operator would run it, with this environment only."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )


class WebHost:
    """One gunicorn process (one sync worker) on a free loopback port, with its own instance folder."""

    def __init__(self, name: str, env: dict[str, str], instance: Path) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        instance.mkdir(parents=True, exist_ok=True)
        # Nothing on disk is shared: each host has its own instance and upload folders.
        self.env = {**env, "INSTANCE_PATH": str(instance), "UPLOAD_DIR": str(instance / "uploads")}
        self.log = instance / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> WebHost:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{self.port}",
            "--graceful-timeout", "5", "--error-logfile", "-", "run:app",
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"web host {self.name} exited:\n{self.log_tail()}")
            try:
                if requests.get(self.base + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still booting its worker
                pass
            time.sleep(0.2)
        raise RuntimeError(f"web host {self.name} did not answer on {self.base}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class LoopbackIsSecure(DefaultCookiePolicy):
    """Send `Secure` cookies to 127.0.0.1 over plain HTTP, as browsers treat loopback as a secure context.

    The app runs with its production cookie settings (Secure session cookies);
    in production TLS ends at the proxy in front of the hosts.
    """

    def return_ok_secure(self, cookie, request) -> bool:
        return True


@dataclass
class Traffic:
    """Every request the test made: which host, what, and the answer's status."""

    entries: list[tuple[str, str, str, int]] = field(default_factory=list)

    def summary(self) -> dict:
        by_host = Counter(host for host, *_ in self.entries)
        statuses = Counter(str(status) for *_, status in self.entries)
        return {"requests": len(self.entries), "by_host": dict(by_host), "statuses": dict(sorted(statuses.items()))}


class Browser:
    """One visitor: one cookie jar, whichever host the load balancer picks for each request."""

    def __init__(self, traffic: Traffic, *, cookies: bool = True) -> None:
        self.http = requests.Session()
        # requests copies a session's jar into a default-policy jar for each request,
        # so the jar with the loopback policy is applied here, by hand.
        self.jar: CookieJar | None = CookieJar(policy=LoopbackIsSecure()) if cookies else None
        self.traffic = traffic

    def request(self, host: WebHost, method: str, path: str, **kwargs) -> requests.Response:
        timeout = kwargs.pop("timeout", REQUEST_SECONDS)
        prepared = requests.Request(method, host.base + path, **kwargs).prepare()
        if self.jar is not None and (header := get_cookie_header(self.jar, prepared)):
            prepared.headers["Cookie"] = header
        response = self.http.send(prepared, allow_redirects=False, timeout=timeout)
        if self.jar is not None:
            extract_cookies_to_jar(self.jar, prepared, response.raw)
        self.traffic.entries.append((host.name, method, path, response.status_code))
        return response

    def get(self, host: WebHost, path: str, **kwargs) -> requests.Response:
        return self.request(host, "GET", path, **kwargs)

    def post(self, host: WebHost, path: str, **kwargs) -> requests.Response:
        return self.request(host, "POST", path, **kwargs)

    def csrf(self, host: WebHost, path: str) -> str:
        """The CSRF token of the form on that page, as rendered by that host."""
        response = self.get(host, path)
        assert response.status_code == 200, f"{host.name} GET {path}: {response.status_code}"
        match = CSRF_RE.search(response.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, host: WebHost, email: str, password: str) -> requests.Response:
        token = self.csrf(host, "/auth/login")
        return self.post(host, "/auth/login", data={"email": email, "password": password, "csrf_token": token})
