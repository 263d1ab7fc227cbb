"""The audit log: what is recorded, sealing into a chain, and `flask audit verify` catching tampering."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete, func, insert, select, update

from app.extensions import db
from app.models import AuditEvent
from app.services import accounts, api_keys, audit, companies
from tests.factories import PASSWORD


@pytest.fixture
def world(factory) -> dict:
    return {"acme": factory.tenant()}


def _actions(company_id: int | None = None) -> list[str]:
    db.session.expire_all()
    stmt = select(AuditEvent.action).order_by(AuditEvent.id)
    if company_id is not None:
        stmt = stmt.where(AuditEvent.company_id == company_id)
    return list(db.session.scalars(stmt))


def test_sign_ins_member_changes_and_keys_are_recorded(world):
    acme = world["acme"]
    admin, recruiter = acme["admin"], acme["recruiter"]
    assert accounts.authenticate(recruiter.email, PASSWORD) is not None
    db.session.commit()
    assert accounts.authenticate(recruiter.email, "wrong password") is None
    db.session.rollback()  # the refusal's row was written on its own connection
    companies.update_member(admin, acme["company"].id, recruiter.id, role="hiring_manager")
    companies.update_member(admin, acme["company"].id, recruiter.id, active=False)
    made = api_keys.create_key(admin, name="Sync", scopes=["jobs:read"])
    api_keys.revoke_key(admin, made.key.id)
    db.session.commit()
    assert _actions(acme["company"].id)[-6:] == [
        "auth.sign_in", "auth.sign_in_failed", "member.role_changed", "member.deactivated", "api_key.created",
        "api_key.revoked",
    ]  # fmt: skip
    failed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed"))
    assert failed.actor_label == recruiter.email and failed.object_id == str(recruiter.id)
    changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.role_changed"))
    assert changed.actor_id == admin.id and changed.details == {"from": "recruiter", "to": "hiring_manager"}


def test_a_sign_in_with_an_unknown_address_goes_to_the_chain_outside_companies(world):
    assert accounts.authenticate("nobody@nowhere.example", "whatever") is None
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed"))
    assert row.company_id is None and row.chain == 0 and row.actor_label == "nobody@nowhere.example"


def test_a_rolled_back_action_leaves_no_row(world):
    acme = world["acme"]
    api_keys.create_key(acme["admin"], name="Never", scopes=["jobs:read"])
    db.session.rollback()
    assert "api_key.created" not in _actions()


def _filled(world) -> int:
    acme = world["acme"]
    accounts.authenticate("nobody@nowhere.example", "x")
    for n in range(5):
        api_keys.create_key(acme["admin"], name=f"Key {n}", scopes=["jobs:read"])
    db.session.commit()
    return acme["company"].id


def test_sealed_rows_form_a_chain_that_verifies(world):
    company_id = _filled(world)
    assert audit.seal_all() >= 6
    sealed = db.session.execute(
        select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash)
        .where(AuditEvent.company_id == company_id)
        .order_by(AuditEvent.seq)
    ).all()
    assert [row.seq for row in sealed] == list(range(1, len(sealed) + 1))
    assert sealed[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(sealed))
    result = audit.verify()
    assert result.broken is None and result.rows >= 6 and result.unsealed == 0
    api_keys.create_key(world["acme"]["admin"], name="Later", scopes=["jobs:read"])
    db.session.commit()
    assert audit.seal_all() == 1 and audit.verify().broken is None  # a new row joins the end


def _row(company_id: int, seq: int) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).where(AuditEvent.chain == company_id, AuditEvent.seq == seq))


def test_verify_catches_an_edited_row(world, runner):
    company_id = _filled(world)
    audit.seal_all()
    third = _row(company_id, 3)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == third.id).values(actor_label="someone@else.example"))
    db.session.commit()
    broken = audit.verify().broken
    assert (broken.chain, broken.seq, broken.row_id) == (company_id, 3, third.id) and "edited" in broken.reason
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"company {company_id}, position 3 (row id {third.id})" in result.output


def test_verify_catches_a_deleted_row(world, runner):
    company_id = _filled(world)
    audit.seal_all()
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == _row(company_id, 2).id))
    db.session.commit()
    broken = audit.verify(company_id).broken
    assert (broken.seq, broken.row_id) == (2, None) and "missing" in broken.reason
    assert runner.invoke(args=["audit", "verify", "--company", str(company_id)]).exit_code == 1


def test_verify_catches_an_inserted_row(world, runner):
    company_id = _filled(world)
    audit.seal_all()
    top = db.session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.chain == company_id))
    head = _row(company_id, top - 1)
    # A forger with the database but not the key: shift the last row up and slip one in before it.
    last = _row(company_id, top)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == last.id).values(seq=top + 1))
    db.session.execute(
        insert(AuditEvent).values(
            company_id=company_id, chain=company_id, actor_label="forger@example.com", action="auth.sign_in",
            details={}, created_at=head.created_at, seq=top, prev_hash=head.hash, hash="f" * 64,
        )
    )  # fmt: skip
    db.session.commit()
    broken = audit.verify(company_id).broken
    assert broken.seq == top and "edited" in broken.reason
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_an_intact_log_verifies_from_the_console(world, runner):
    _filled(world)
    assert runner.invoke(args=["audit", "seal"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_webhook_changes_are_recorded(world):
    from app.services import webhooks

    admin = world["acme"]["admin"]
    made = webhooks.create_endpoint(admin, url="https://93.184.215.14/hooks", event_types=[])
    webhooks.rotate_secret(admin, made.endpoint.id)
    webhooks.delete_endpoint(admin, made.endpoint.id)
    db.session.commit()
    assert _actions(world["acme"]["company"].id)[-3:] == [
        "webhook.created",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
