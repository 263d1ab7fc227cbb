"""The caller's row kept in Redis: no users statement per call, and every change to the user seen at once."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import update

from app import identity_cache
from app.api.auth import issue_tokens
from app.extensions import db
from app.models import User
from app.services import accounts, companies
from tests.api.conftest import ApiClient, assert_problem


@pytest.fixture
def api(redis_app) -> ApiClient:
    return ApiClient(redis_app.test_client())


@pytest.fixture
def acme(factory, redis_app):
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    db.session.commit()
    return {"company": company, "admin": admin, "member": member}


def _user_statements(log) -> list[str]:
    return [sql for sql in log.statements if "FROM users" in sql]


def _me(api: ApiClient, access: str) -> dict:
    response = api.get("/me", token=access)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_known_caller_costs_no_users_statement(api, acme, count_statements):
    access, company_id = issue_tokens(acme["member"])["access_token"], acme["company"].id
    first = _me(api, access)  # read from the database, then kept
    db.session.expunge_all()
    with count_statements() as log:
        second = _me(api, access)
    assert _user_statements(log) == [], log.report()
    assert second == first  # the company (not kept) loads when the answer shows it
    assert second["company"]["id"] == company_id


def test_the_password_hash_is_never_kept(api, acme, redis_url, redis_prefix):
    _me(api, issue_tokens(acme["member"])["access_token"])
    client = redis.Redis.from_url(redis_url)
    kept = [client.hgetall(key) for key in client.scan_iter(match=f"{redis_prefix}identity:answers:*")]
    assert kept and all(b"password_hash" not in value and b"argon2" not in value for h in kept for value in h.values())
    row = identity_cache.decode(next(iter(kept[0].values())))
    assert row["id"] == acme["member"].id and row["auth_version"] == acme["member"].auth_version


def test_a_role_change_is_seen_by_the_next_call(api, acme):
    access = issue_tokens(acme["member"])["access_token"]
    assert _me(api, access)["role"] == "recruiter"
    companies.update_member(acme["admin"], acme["company"].id, acme["member"].id, role="hiring_manager")
    db.session.commit()
    assert _me(api, access)["role"] == "hiring_manager"


def test_deactivation_and_a_password_change_end_tokens_at_once(api, acme, factory):
    admin_access = issue_tokens(acme["admin"])["access_token"]
    access = issue_tokens(acme["member"])["access_token"]
    _me(api, access)
    response = api.patch(
        f"/companies/{acme['company'].id}/members/{acme['member'].id}", json={"active": False}, token=admin_access
    )
    assert response.status_code == 200
    assert "deactivated" in assert_problem(api.get("/me", token=access), 401)["detail"]

    candidate = factory.candidate()
    pair = issue_tokens(candidate)
    _me(api, pair["access_token"])
    accounts.set_password(candidate, "a brand new password")
    db.session.commit()
    assert_problem(api.get("/me", token=pair["access_token"]), 401)
    assert _me(api, issue_tokens(candidate)["access_token"])["id"] == candidate.id  # a new token works at once


def test_a_change_is_seen_before_its_commit_by_other_readers_too(api, acme, redis_app):
    """Bumped when written, not only after the commit: no reader keeps the old row meanwhile."""
    cache = identity_cache.get_cache(redis_app)
    before, _ = cache.lookup(acme["member"].id, identity_cache.FIELD)
    acme["member"].full_name = "Renamed"
    db.session.flush()
    during, _ = cache.lookup(acme["member"].id, identity_cache.FIELD)
    db.session.commit()
    after, _ = cache.lookup(acme["member"].id, identity_cache.FIELD)
    assert len({before, during, after}) == 3


def test_an_update_of_many_users_makes_every_entry_old(api, acme, count_statements):
    access, member_id = issue_tokens(acme["member"])["access_token"], acme["member"].id
    _me(api, access)
    db.session.execute(update(User).where(User.id == member_id).values(full_name="Changed in bulk"))
    db.session.commit()
    db.session.expunge_all()
    with count_statements() as log:
        assert _me(api, access)["full_name"] == "Changed in bulk"
    assert _user_statements(log)


def test_an_old_entry_never_refuses_a_new_token(redis_app, acme):
    """A row kept at an older auth_version (say a bump was lost) sends the call to the database."""
    cache = identity_cache.get_cache(redis_app)
    member = acme["member"]
    generation, _ = cache.lookup(member.id, identity_cache.FIELD)
    cache.store(member.id, generation, identity_cache.FIELD, identity_cache.encode(member))
    row = identity_cache.decode(cache.lookup(member.id, identity_cache.FIELD)[1])
    assert identity_cache.trusted(row, member.auth_version)
    assert not identity_cache.trusted(row, member.auth_version + 1)
    assert not identity_cache.trusted({**row, "active": False}, member.auth_version)
    kept = cache.lookup(member.id, identity_cache.FIELD)
    assert identity_cache.user_for(redis_app, member.id, member.auth_version + 1, kept) is None  # the database says no


def test_with_redis_down_the_database_answers(make_app, closed_port, factory):
    _company, admin = factory.company()
    db.session.commit()
    down = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0")
    with down.app_context():
        access = issue_tokens(admin)["access_token"]
        assert ApiClient(down.test_client()).get("/me", token=access).get_json()["id"] == admin.id
    assert identity_cache.get_cache(make_app(REDIS_URL="")) is None


def test_a_redis_that_lost_its_scripts_still_answers(api, acme, redis_url):
    access = issue_tokens(acme["member"])["access_token"]
    _me(api, access)
    redis.Redis.from_url(redis_url).script_flush()  # as after a restart: the lookup's hash is unknown
    assert _me(api, access)["id"] == acme["member"].id
    assert _me(api, access)["id"] == acme["member"].id
