"""/metrics: Prometheus text, per endpoint name, outbox and periodic gauges, and who may read it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.core import periodic
from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow


def samples(body: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client, **kwargs) -> dict:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.data[:300]
    assert response.content_type.startswith("text/plain")
    return samples(response.get_data(as_text=True))


def requests_total(found: dict, endpoint: str, status: str, method: str = "GET") -> float:
    key = ("ats_http_requests_total", (("endpoint", endpoint), ("method", method), ("status", status)))
    return found.get(key, 0.0)


def test_requests_are_counted_by_endpoint_name_never_by_path(client, factory):
    tenant = factory.tenant()
    job_id = tenant["job"].id
    before = scrape(client)
    client.get(f"/api/v1/jobs/{job_id}")
    client.get(f"/api/v1/jobs/{job_id}")
    client.get("/no/such/page/secret-looking-token")
    response = client.get("/metrics")
    body = response.get_data(as_text=True)
    after = samples(body)

    endpoint, _args = client.application.url_map.bind("localhost").match(f"/api/v1/jobs/{job_id}")
    assert "." in endpoint  # a blueprint's endpoint name, e.g. api_jobs.get_job
    assert requests_total(after, endpoint, "200") - requests_total(before, endpoint, "200") == 2
    assert requests_total(after, "unmatched", "404") - requests_total(before, "unmatched", "404") == 1
    assert f"/jobs/{job_id}" not in body and "secret-looking-token" not in body
    count_key = ("ats_http_request_duration_seconds_count", (("endpoint", endpoint),))
    assert after[count_key] - before.get(count_key, 0.0) == 2


def test_mail_queue_depth_and_oldest_age_come_from_the_outbox(client, count_statements):
    assert scrape(client)[("ats_mail_pending_messages", ())] == 0
    now = utcnow()
    for n, (status, age) in enumerate([("pending", 3600), ("pending", 60), ("sent", 7200), ("failed", 9000)]):
        db.session.add(
            OutboxMessage(
                kind="test",
                to_address=f"to{n}@example.com",
                subject="s",
                text_body="b",
                message_id=f"<{n}-{time.time()}@test>",
                status=status,
                created_at=now - timedelta(seconds=age),
            )
        )
    db.session.commit()

    with count_statements() as log:
        found = scrape(client)
    assert found[("ats_mail_pending_messages", ())] == 2
    assert 3590 <= found[("ats_mail_oldest_pending_age_seconds", ())] <= 3600 + 120
    assert log.count <= 2, log.report()


@pytest.mark.redis
def test_periodic_task_lag_is_reported_per_task(redis_app):
    calls = []
    periodic.registry.add("test.lagging", 1, lambda app: calls.append(1))
    try:
        assert sorted(periodic.tick(redis_app)) == [
            "api.idempotency_cleanup",
            "audit.seal",
            "booking.expire",
            "candidate_imports.sweep",
            "candidates.find_duplicates",
            "data_requests.sweep",
            "interviews.feedback_reminders",
            "interviews.remind",
            "jobs.close_due",
            "mail.digest",
            "mail.sweep",
            "privacy.retention",
            "search.sweep",
            "test.lagging",
            "webhooks.due",
            "webhooks.prune",
        ]
        time.sleep(1.5)  # the task was due again 0.5 s ago; nothing ran it
        found = scrape(redis_app.test_client())
    finally:
        periodic.registry.remove("test.lagging")
    lag = found[("ats_periodic_task_lag_seconds", (("task", "test.lagging"),))]
    assert lag > 0
    assert found[("ats_periodic_task_lag_seconds", (("task", "mail.sweep"),))] == 0  # due every 60 s
    assert found[("ats_periodic_task_last_run_failed", (("task", "test.lagging"),))] == 0
    assert abs(found[("ats_periodic_task_last_run_timestamp_seconds", (("task", "mail.sweep"),))] - time.time()) < 60


def test_without_a_token_only_private_addresses_that_came_through_no_proxy(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "8.8.8.8"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "2606:4700:4700::1111"}).status_code == 403
    # A proxy on loopback forwarding a public request must not open the door.
    assert client.get("/metrics", headers={"X-Forwarded-For": "8.8.4.4"}).status_code == 403


def test_with_a_token_only_the_bearer_of_it(make_app):
    client = make_app(METRICS_TOKEN="a-long-metrics-token-for-the-scraper").test_client()
    assert client.get("/metrics").status_code == 403  # loopback is not enough any more
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    basic = {"Authorization": "Basic a-long-metrics-token-for-the-scraper"}
    assert client.get("/metrics", headers=basic).status_code == 403
    ok = client.get(
        "/metrics",
        headers={"Authorization": "Bearer a-long-metrics-token-for-the-scraper"},
        environ_base={"REMOTE_ADDR": "8.8.8.8"},
    )
    assert ok.status_code == 200
    assert b"ats_mail_pending_messages" in ok.data
