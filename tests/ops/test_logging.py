"""Logs: one format (text or JSON), request ids, job ids, and no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from app.core import logging as core_logging
from tests.factories import PASSWORD
from tests.web.conftest import login


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What the production handler writes, at DEBUG so that anything any library logs is seen."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = core_logging.make_handler("json", stream)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_request_gets_an_id_echoed_and_on_its_log_lines(client, captured):
    response = client.get("/healthz")
    generated = response.headers["X-Request-ID"]
    assert len(generated) == 32

    sane = "edge-7f3a9c1d-0001"
    assert client.get("/healthz", headers={"X-Request-ID": sane}).headers["X-Request-ID"] == sane
    for insane in ("short", "x" * 200, "has spaces in it", "semi;colon<script>"):
        echoed = client.get("/healthz", headers={"X-Request-ID": insane}).headers["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32

    records = [record for record in lines(captured) if record["logger"] == "app.request"]
    assert len(records) == 6
    assert records[0]["request_id"] == generated
    assert records[1]["request_id"] == sane
    assert records[0]["route"] == "/healthz" and records[0]["status"] == 200 and records[0]["level"] == "INFO"
    assert {"time", "duration_ms", "endpoint", "method", "process", "job_id"} <= set(records[0])


def test_the_request_line_names_the_route_pattern_not_the_path(client, captured):
    client.get("/auth/reset-password/a-secret-reset-token-value")
    record = next(r for r in lines(captured) if r["logger"] == "app.request")
    assert record["route"] == "/auth/reset-password/<token>"
    assert "a-secret-reset-token-value" not in captured.getvalue()


def test_sign_in_and_token_requests_log_no_password_and_no_token(client, factory, captured):
    candidate = factory.candidate()
    assert login(client, candidate.email).status_code == 302
    wrong = "Wrong-but-secret-password-42"
    login(client, candidate.email, password=wrong)

    api = client.application.test_client()
    issued = api.post("/api/v1/auth/token", json={"email": candidate.email, "password": PASSWORD})
    assert issued.status_code == 200
    access, refresh = issued.json["access_token"], issued.json["refresh_token"]
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 200
    api.get("/api/v1/me", headers={"Authorization": "Bearer not-a-valid-token-but-secret"})

    text = captured.getvalue()
    assert text.count('"logger": "app.request"') >= 6  # the requests were logged...
    for secret in (PASSWORD, wrong, access, refresh, "not-a-valid-token-but-secret"):
        assert secret not in text  # ...without what they carried


def test_token_shaped_text_in_a_message_is_masked(captured):
    logging.getLogger("app.test").warning(
        "calling with Authorization: Bearer abc.def.ghi and password=hunter2 and %s",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_part",
    )
    text = captured.getvalue()
    assert "abc.def.ghi" not in text and "hunter2" not in text and "eyJzdWIiOiIxIn0" not in text
    assert "Bearer [redacted]" in text and "password=[redacted]" in text


def test_text_format_carries_the_same_fields():
    stream = io.StringIO()
    handler = core_logging.make_handler("text", stream)
    logger = logging.getLogger("app.test.text")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("hello")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert " WARNING app.test.text [" in stream.getvalue()
    assert "req=- job=-: hello" in stream.getvalue()


def test_an_unknown_log_format_is_refused():
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        core_logging.make_formatter("xml")


@pytest.mark.redis
def test_lines_logged_inside_a_worker_job_carry_the_job_id(make_app, redis_url, redis_prefix, tmp_path, captured):
    from app.extensions import db
    from app.models import OutboxMessage
    from tests.mail.conftest import work

    app = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix, MAIL_BACKEND="file")
    app.instance_path = str(tmp_path)
    with app.app_context():
        message = OutboxMessage(
            kind="test", to_address="a@example.com", subject="Hi", text_body="b", message_id="<job-log@test>"
        )
        db.session.add(message)
        db.session.commit()
        from app.mail.queue import enqueue

        assert enqueue(app, [message.id]) == 1
        work(app)
    written = [r for r in lines(captured) if r["logger"] == "app.mail.backends"]
    assert len(written) == 1
    assert written[0]["job_id"].startswith(redis_prefix.replace(":", "-") + "mail-")
    assert written[0]["request_id"] == "-"
