"""The production topology, run from the Procfile with honcho: web (gunicorn), worker, clock and inbound.

On a fresh PostgreSQL database, the shared Redis under this test's own key
prefix and a real SMTP server (aiosmtpd): the web process migrates (`flask
deploy`), /readyz turns ready once the worker's heartbeat is in Redis, an admin
invites a colleague through the API, and the invitation is delivered by the
worker process. Then honcho stops every process cleanly.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long and secret admin passphrase"
ADMIN = "admin@topology.example.com"


def call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "X-Request-ID": f"topology-{secrets.token_hex(6)}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (loopback only)
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    except (urllib.error.URLError, ConnectionError):  # not listening yet
        return 0, {}
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"text": raw.decode(errors="replace")}


def wait_for(predicate, what: str, output, deadline: float = 120.0):
    """Poll until `predicate()` is truthy; the deadline only bounds a hang, it measures nothing."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; output so far:\n{output()[-6000:]}")


@pytest.mark.postgres
@pytest.mark.redis
def test_procfile_topology_serves_delivers_mail_and_stops(
    new_pg_database, redis_url, redis_prefix, smtp_server, tmp_path
):
    port, inbound_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    env_file = tmp_path / "topology.env"
    settings = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "WEBHOOK_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": new_pg_database(),
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "BASE_URL": base,
        "PUBLIC_COMPANY_SIGNUP": "true",  # the test signs a company up through the API
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
        "TICK_INTERVAL": "1",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "8192",
        "ARGON2_PARALLELISM": "1",
        "PYTHONUNBUFFERED": "1",
        "MAIL_REPLY_DOMAIN": "replies.topology.example",
        "MAIL_INBOUND_PORT": str(inbound_port),
    }
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log_file = tmp_path / "honcho.log"
    with open(log_file, "w") as sink:
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", "Procfile", "-e", str(env_file), "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output() -> str:
        return log_file.read_text(errors="replace")

    try:
        ready = wait_for(lambda: call(base, "GET", "/readyz")[0] == 200 or None, "/readyz to be ready", output)
        assert ready
        status, body = call(base, "GET", "/readyz")
        assert body["checks"]["worker"]["ok"] and body["checks"]["migrations"]["ok"], body

        status, created = call(
            base,
            "POST",
            "/api/v1/companies",
            {
                "name": "Topology Ltd",
                "admin": {"email": "admin@topology.example.com", "password": PASSWORD, "full_name": "Ada"},
            },
        )
        assert status == 201, created
        status, tokens = call(
            base, "POST", "/api/v1/auth/token", {"email": "admin@topology.example.com", "password": PASSWORD}
        )
        assert status == 200, tokens
        status, member = call(
            base,
            "POST",
            f"/api/v1/companies/{created['company']['id']}/members",
            {"email": "grace@topology.example.com", "full_name": "Grace", "role": "recruiter"},
            token=tokens["access_token"],
        )
        assert status == 201, member

        def invitation():
            return [m for m in smtp_server.messages if "grace@topology.example.com" in m[1]]

        delivered = wait_for(invitation, "the invitation to reach the SMTP server", output)
        assert len(delivered) == 1
        assert "/set-password/" in delivered[0][2].get_body(("plain",)).get_content()

        # The reply receiver answers SMTP and refuses an address that is no live reply address.
        def refused_forgery():
            try:
                with smtplib.SMTP("127.0.0.1", inbound_port, timeout=10) as client:
                    client.ehlo()
                    client.mail("someone@example.com")
                    return client.rcpt("reply+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@replies.topology.example")[0]
            except OSError:
                return None

        assert wait_for(refused_forgery, "the reply receiver to answer", output) == 550

        # The clock ticked (the sweep's run is recorded), and metrics from both gunicorn workers merge.
        def scraped():
            body = call(base, "GET", "/metrics")[1]
            text = body.get("text", "")
            return text if 'ats_periodic_task_last_run_timestamp_seconds{task="mail.sweep"}' in text else None

        metrics = wait_for(scraped, "the clock's first recorded tick", output)
        values = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(metrics)
            for sample in family.samples
        }
        assert values[("ats_mail_pending_messages", ())] == 0
        token_requests = [
            value
            for (name, labels), value in values.items()
            if name == "ats_http_requests_total"
            and dict(labels)["status"] == "200"
            and "token" in dict(labels)["endpoint"]
        ]
        assert token_requests == [1.0]
    finally:
        if honcho.poll() is None:
            honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()

    log = output()
    for process in ("web.1", "worker.1", "clock.1", "inbound.1"):
        assert f"{process} stopped (rc=0)" in log, log[-4000:]
    assert "clock stopped" in log  # the clock finished its tick and left on SIGTERM
    # The web and the clock log no error. (The worker may: its maintenance step sweeps at start,
    # before `flask deploy` has created the tables of a brand-new database.)
    assert not [line for line in log.splitlines() if "Traceback" in line and "worker.1" not in line], log[-6000:]

    # One JSON format across the processes; request ids on request lines; no password or token anywhere.
    records = []
    for line in log.splitlines():
        _, sep, payload = line.partition("| ")
        if sep and payload.startswith("{"):
            records.append(json.loads(payload))
    loggers = {record["logger"] for record in records}
    assert {"app.request", "gunicorn.error", "rq.worker", "app.core.periodic"} <= loggers, loggers
    requests_logged = [r for r in records if r["logger"] == "app.request"]
    assert requests_logged and all(
        r["request_id"].startswith("topology-") for r in requests_logged if r["route"] != "-"
    )
    for secret in (PASSWORD, tokens["access_token"], tokens["refresh_token"], settings["SECRET_KEY"]):
        assert secret not in log
