"""Answers kept in Redis per owner (a company, a user) until a commit changes the owner's rows.

The mechanism of the public cache (app/public_cache.py), per owner: each owner
has a generation number; answers are stored in a hash named by it; a commit
that wrote the owner's rows bumps it after the commit, so older answers are
never read again and expire on their own. A reader that started before a
commit can only store its answer under the old generation, which nobody reads.
A statement over many rows whose owners are not known (an UPDATE or DELETE)
bumps a generation every answer also carries.

`track_owners` registers the session listeners that find the owners of each
change: the owner column of flushed objects, the VALUES of an INSERT statement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from app.after_commit import run_after_commit
from app.extensions import db
from app.public_cache import STORE_SCRIPT
from app.redis_client import redis_client

log = logging.getLogger(__name__)

EVERY_OWNER = 0  # stands for "an owner not known": bumps the generation all answers carry

_LOOKUP = """
local generation = (redis.call('GET', KEYS[1]) or '0') .. '.' .. (redis.call('GET', KEYS[2]) or '0')
return {generation, redis.call('HGET', ARGV[1] .. generation, ARGV[2])}
"""


class KeptAnswers:
    def __init__(self, client: redis.Redis, prefix: str, seconds: int, max_entries: int, max_bytes: int) -> None:
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lookup = client.register_script(_LOOKUP)
        self._store = client.register_script(STORE_SCRIPT)

    def _generation_key(self, owner_id: int) -> str:
        return f"{self.prefix}generation:{owner_id}"

    def _answers_key(self, owner_id: int) -> str:
        return f"{self.prefix}answers:{owner_id}:"

    def lookup(self, owner_id: int, field: str) -> tuple[bytes, bytes | None]:
        """(the owner's generation now, the answer kept for `field` in it or None)."""
        keys = [self._generation_key(owner_id), self._generation_key(EVERY_OWNER)]
        return self._lookup(keys=keys, args=[self._answers_key(owner_id), field])

    def queue_lookup(self, pipe: redis.client.Pipeline, owner_id: int, field: str) -> None:
        """`lookup` queued on a pipeline, by the script's hash alone: a pipeline given the script object
        asks SCRIPT EXISTS first, a round trip of its own. Should Redis have lost the script, the
        pipeline fails with NoScriptError; `load_scripts` then loads it for the retry."""
        keys = [self._generation_key(owner_id), self._generation_key(EVERY_OWNER)]
        pipe.evalsha(self._lookup.sha, len(keys), *keys, self._answers_key(owner_id), field)

    def load_scripts(self) -> None:
        self.client.script_load(_LOOKUP)

    def store(self, owner_id: int, generation: bytes, field: str, answer: bytes) -> None:
        if len(answer) > self.max_bytes:
            return
        key = self._answers_key(owner_id) + generation.decode()
        self._store(keys=[key], args=[field, answer, self.max_entries, self.seconds])

    def bump(self, owner_ids: Collection[int]) -> None:
        """New generations for these owners."""
        with self.client.pipeline(transaction=False) as pipe:
            for owner_id in sorted(owner_ids):
                pipe.incr(self._generation_key(owner_id))
            pipe.execute()


def for_app(app: Flask, name: str, seconds: int, max_entries: int, max_bytes: int) -> KeptAnswers | None:
    """The app's kept answers called `name` (its Redis keys under REDIS_KEY_PREFIX + name + ":"),
    or None when they are off (no Redis, or `seconds` is 0)."""
    if not seconds:
        return None
    cache = app.extensions.get(f"kept:{name}")
    if cache is None:
        client = redis_client(app)
        if client is None:
            return None
        prefix = f"{app.config['REDIS_KEY_PREFIX']}{name}:"
        cache = app.extensions[f"kept:{name}"] = KeptAnswers(client, prefix, seconds, max_entries, max_bytes)
    return cache


def _one_row(parameters: Any) -> Mapping[str, Any] | None:
    """The parameters of a statement run for one row; None for many rows (executemany) or none."""
    return parameters if isinstance(parameters, Mapping) else None


def _inserted_owner(statement, parameters: Mapping[str, Any] | None, column: str) -> int:
    """The owner named in an INSERT ... VALUES of one row, else EVERY_OWNER. The value is a literal, a
    bound value, or a named parameter given with the statement (a statement built once and reused)."""
    for key, value in (getattr(statement, "_values", None) or {}).items():
        if getattr(key, "key", key) != column:
            continue
        if isinstance(value, BindParameter) and value.value is None and parameters:
            return parameters.get(value.key) or EVERY_OWNER
        return getattr(value, "value", value) or EVERY_OWNER
    return EVERY_OWNER


def track_owners(
    pending: str,
    tables: frozenset[str],
    owner_column: str,
    get_cache: Callable[[Flask], KeptAnswers | None],
    *,
    bump_on_flush: bool = False,
) -> None:
    """Remember, on the session under `pending`, the owners of the rows written to `tables`; bump them
    after the commit (and, with `bump_on_flush`, as soon as they are written too)."""

    def bump(app: Flask, owner_ids: set[int]) -> None:
        cache = get_cache(app)
        if cache is None:
            return
        try:
            cache.bump(owner_ids)
        except redis.RedisError as error:  # kept answers still expire on their own
            log.error("%s: could not bump %s: %s", pending, sorted(owner_ids), error)

    def remember(session: Session, owner_ids: set[int]) -> None:
        if owner_ids:
            session.info.setdefault(pending, set()).update(owner_ids)
            if bump_on_flush and has_app_context():
                bump(current_app._get_current_object(), owner_ids)

    @event.listens_for(db.session, "after_flush")
    def _after_flush(session: Session, _context) -> None:
        changed = [*session.new, *session.dirty, *session.deleted]
        owners = {
            getattr(obj, owner_column, None) or EVERY_OWNER
            for obj in changed
            if getattr(obj, "__tablename__", None) in tables
        }
        remember(session, owners)

    @event.listens_for(db.session, "do_orm_execute")
    def _bulk_statement(state) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table in tables:
            owner = (
                _inserted_owner(state.statement, _one_row(state.parameters), owner_column)
                if state.is_insert
                else EVERY_OWNER
            )
            remember(state.session, {owner})

    run_after_commit(pending, bump)
