"""After erasure nothing of the person is left in Redis either: sessions, queued and finished jobs, caches."""

from __future__ import annotations

import contextlib
import zlib

from app.extensions import db
from app.mail.queue import key_stem
from app.redis_client import redis_client
from app.services import erasure
from tests.privacy.conftest import EMAIL, NAME, NOTE_WORD, RESUME_WORD, make_person
from tests.web.conftest import login, post

MARKERS = (NAME.split()[1].lower(), EMAIL.split("@")[0], RESUME_WORD, NOTE_WORD)


def _values(client, key: bytes) -> list[bytes]:
    kind = client.type(key)
    if kind == b"string":
        return [client.get(key) or b""]
    if kind == b"hash":
        return [part for pair in client.hgetall(key).items() for part in pair]
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"zset":
        return client.zrange(key, 0, -1)
    return []


def _redis_traces(app) -> list[str]:
    """`key:marker` for every key of this app holding one of the person's words (values decompressed by RQ too)."""
    client = redis_client(app)
    marks = (app.config["REDIS_KEY_PREFIX"], key_stem(app))
    keys = {key for mark in marks for key in client.scan_iter(match=f"*{mark}*", count=1000)}
    assert keys, "the fixture must leave keys to look at"
    found = set()
    for key in keys:
        for value in _values(client, key):
            texts = [value]
            with contextlib.suppress(zlib.error):
                texts.append(zlib.decompress(value))  # RQ stores job data and results compressed
            for marker in MARKERS:
                if any(marker.encode() in text.lower() for text in texts):
                    found.add(f"{key.decode()}:{marker}")
    return sorted(found)


def test_after_erasure_no_word_of_the_person_is_left_in_redis(redis_app, factory):
    from app.mail.worker import make_worker

    tenant = factory.tenant()
    someone = make_person(tenant)  # queues extraction, indexing, the duplicates check and mail
    make_worker(redis_app).work(burst=True)  # finished jobs keep their results for a while
    # A recruiter writes to the person and closes the tab before the next page: the confirmation
    # stays in their stored session.
    staff = redis_app.test_client()
    assert login(staff, tenant["recruiter"]).status_code == 302
    sent = post(
        staff,
        f"/dashboard/applications/{someone.application_id}/messages",
        {"subject": "Next steps", "body": f"About the {NOTE_WORD}"},
    )
    assert sent.status_code == 302
    # The scan finds a word where one is (confirmations used to name the person in the session).
    canary = f"{redis_app.config['REDIS_KEY_PREFIX']}canary"
    redis_client(redis_app).set(canary, f"Your message to {EMAIL} goes out now.")
    assert {trace.rsplit(":", 1)[0] for trace in _redis_traces(redis_app)} == {canary}
    redis_client(redis_app).delete(canary)

    erasure.erase(tenant["admin"], someone.candidate_id)
    db.session.commit()
    make_worker(redis_app).work(burst=True)

    assert _redis_traces(redis_app) == []
