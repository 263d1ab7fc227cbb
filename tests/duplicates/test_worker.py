"""With Redis, a new record is compared by the worker after the commit (the request only notes its id)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DuplicateCandidate
from app.services import applying
from app.services.candidates import CandidateDetails


@pytest.fixture
def app_with_redis(app, make_app, redis_url, redis_prefix):
    made = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with made.app_context():
        yield made
        db.session.rollback()


def test_a_new_record_is_compared_by_the_worker(app_with_redis, factory):
    from rq import Queue

    from app.mail.worker import make_worker
    from app.redis_client import redis_client
    from app.search.queue import queue_name

    queue = Queue(queue_name(app_with_redis), connection=redis_client(app_with_redis))
    queue.empty()
    t = factory.tenant()
    people = []
    for name, phone in (("Pat One", "+44 20 7946 0958"), ("Pat Two", "0044 20 7946 0958")):
        details = CandidateDetails(full_name=name, phone=phone)
        people.append(applying.add_candidate(t["recruiter"], t["job"].id, details=details, source="sourced"))
        db.session.commit()
    dupes_jobs = [job for job in queue.jobs if job.func_name.endswith("duplicates_tasks.check_job")]
    assert [job.args for job in dupes_jobs] == [([p.candidate_id],) for p in people]
    make_worker(app_with_redis).work(burst=True)
    db.session.expire_all()
    (pair,) = db.session.scalars(select(DuplicateCandidate)).all()
    assert (pair.candidate_a_id, pair.candidate_b_id, pair.reasons) == (
        people[0].candidate_id,
        people[1].candidate_id,
        ["phone"],
    )


def test_the_comparison_goes_with_the_search_jobs_in_one_enqueue(app_with_redis, factory, monkeypatch):
    """After a new record's commit the search queue gets its index job and its comparison together."""
    from rq import Queue

    from app.redis_client import redis_client
    from app.search.queue import queue_name

    queue = Queue(queue_name(app_with_redis), connection=redis_client(app_with_redis))
    queue.empty()
    t = factory.tenant()
    calls = []
    real_enqueue_many = Queue.enqueue_many

    def counting(self, jobs, *args, **kwargs):
        calls.append((self.name, [job.func for job in jobs]))
        return real_enqueue_many(self, jobs, *args, **kwargs)

    monkeypatch.setattr(Queue, "enqueue_many", counting)
    details = CandidateDetails(full_name="Sam Solo", email="sam.solo@example.com")
    made = applying.add_candidate(t["recruiter"], t["job"].id, details=details, source="sourced")
    db.session.commit()
    search_calls = [funcs for name, funcs in calls if name == queue.name]
    assert search_calls == [["app.search.jobs.index_job", "app.services.duplicates_tasks.check_job"]]
    assert {job.func_name: job.args for job in queue.jobs} == {
        "app.search.jobs.index_job": ([made.candidate_id],),
        "app.services.duplicates_tasks.check_job": ([made.candidate_id],),
    }
