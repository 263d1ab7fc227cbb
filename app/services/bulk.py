"""Bulk actions: move, reject, annotate or tag many applications at once, and undo a bulk move.

Each application either fully succeeds or is reported with why not (`not_found`,
`stale`, `illegal`, `invalid`); the others still go through. Every moved
application gets its own history row and its own email, as a single move would
give it. Anything unexpected raises and the caller's transaction rolls back whole.

The cost is fixed per chunk of CHUNK applications, whatever the number of jobs
or stages: the ids are sorted (so two bulks lock rows in the same order) and each
chunk is one SELECT of its applications with their job and candidate (rows locked
on PostgreSQL), one UPDATE per destination stage and category, and one INSERT of
the history rows. After the last chunk: one upsert of the kept counts per job and
one INSERT of every email. Counts come last so that a bulk never holds count rows
while it waits for an application a single move holds (that move takes the
application before the counts: the other order would deadlock).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, insert, select, tuple_, update
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from app import workflow
from app.errors import Conflict, Forbidden, IllegalTransition, NotFound, StaleUpdate, ValidationFailed
from app.extensions import db
from app.mail.events import stage_change_messages
from app.mail.outbox import add_messages
from app.models import Application, MessageStatus, Note, OutboxMessage, StageChange, User
from app.models.base import utcnow
from app.services import mentions, messages, provenance, stage_counts, undo
from app.services.access import EDITORS, require_user
from app.services.validation import Checker
from app.webhooks.listeners import stage_event
from app.webhooks.record import batched as batched_events
from app.webhooks.record import record as record_events

TAG_ACTIONS = ("add_tag", "remove_tag")
ACTIONS = ("move", "reject", "note", "email", *TAG_ACTIONS)
CHUNK = 100
MAX_ID = 2_147_483_647
BATCH_ID = re.compile(r"^[0-9a-f]{32}$")

NOT_FOUND = "That application was not found."
STALE = "The application changed meanwhile; reload it and try again."
NO_EMAIL = "The candidate has no email address."
EMAILED = "The candidate has already been emailed about this move, so it cannot be undone."


@dataclass(frozen=True)
class Done:
    """An application the action went through for: where it stands now."""

    id: int
    stage: str
    version: int
    change_id: int | None = None  # the history row written (moves and undos)

    def as_dict(self) -> dict:
        return {"id": self.id, "stage": self.stage, "version": self.version}


@dataclass(frozen=True)
class Failure:
    """An application left as it was, and why."""

    id: int
    code: str  # not_found | stale | illegal | invalid | forbidden | not_undoable | no_email | offer_required
    detail: str
    current_stage: str | None = None
    allowed: list[str] | None = None
    version: int | None = None

    def as_dict(self) -> dict:
        out = {"id": self.id, "code": self.code, "detail": self.detail}
        for name in ("current_stage", "allowed", "version"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass
class BulkResult:
    action: str
    batch_id: str | None  # shared by the history rows written (None for notes)
    succeeded: list[Done] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    def sort(self, order: dict[int, int]) -> BulkResult:
        """Both lists in the order the ids were given."""
        self.succeeded.sort(key=lambda item: order[item.id])
        self.failed.sort(key=lambda item: order[item.id])
        return self


@dataclass(frozen=True)
class _Move:
    application: Application
    from_stage: str
    to_stage: str
    category: str


def run(
    actor: User,
    *,
    action: str,
    items,
    to: str | None = None,
    reason: str | None = None,
    reason_id: int | None = None,
    note: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    send_at=None,
    tag: str | None = None,
) -> BulkResult:
    """Apply one action to many applications of the actor's company.

    `items`: application ids, or (id, expected version) pairs (a changed version
    is reported `stale`). `action`: "move" (to the stage key `to`), "reject"
    (`reason`, `reason_id` or both; an optional private `note`) or "note" (adds
    `note` as a staff note) or "email" (`subject` and `body`, with merge fields
    filled per candidate, now or at `send_at`; see app/services/messages.py).
    Moves are for recruiters and admins; notes and emails for the company's
    staff, hiring managers included. Ids of other companies, or of no
    application, are reported `not_found`, as an unknown one would be.
    """
    actor = require_user(actor)
    if not actor.is_staff:
        raise Forbidden("Only company staff can act on applications.")
    check = Checker()
    check.choice("action", action, ACTIONS, required=True)
    check.raise_if_any()
    if action in TAG_ACTIONS:
        wanted = _items(check, items)
        check.raise_if_any()
        return _tag_all(actor, wanted, tag, add=action == "add_tag")
    if action not in ("note", "email") and actor.role not in EDITORS:
        raise Forbidden("Only recruiters and admins can move applications between stages.")
    wanted = _items(check, items)
    if action == "note":
        note = check.text("note", note, required=True, max_len=10000)
        check.raise_if_any()
        return _add_notes(actor, wanted, note)
    if action == "email":
        check.raise_if_any()
        return _email_all(actor, wanted, messages.check_draft(subject, body, send_at))
    to = _destination(check, action, to)
    note = check.text("note", note, max_len=5000) or None
    if to == workflow.FINAL_KEYS[0]:  # rejected
        reason = check.text("reason", reason, max_len=2000) or None
        if reason is None and reason_id is None:
            check.add("reason", "A reason is required to reject: `reason`, `reason_id`, or both.")
    else:
        reason, reason_id = None, None  # only a rejection has a reason
    check.raise_if_any()
    if not workflow.may_move(actor.role, False, to):
        raise Forbidden("Only the candidate who applied can withdraw an application.")
    if reason_id is not None:
        from app.services import rejection_reasons

        reason = reason or rejection_reasons.get_reason(actor, reason_id).label
    return _move_all(actor, wanted, to, note=note, reason=reason, reason_id=reason_id, action=action)


def _items(check: Checker, items) -> list[tuple[int, int | None]]:
    """(id, expected version or None) per item, in the order given."""
    if not isinstance(items, list | tuple) or not items:
        check.add("ids", "Name at least one application.")
        return []
    limit = current_app.config["BULK_MAX"]
    if len(items) > limit:
        check.add("ids", f"At most {limit} applications at once; {len(items)} were given.")
        return []
    parsed: list[tuple[int, int | None]] = []
    for item in items:
        app_id, version = item if isinstance(item, list | tuple) and len(item) == 2 else (item, None)
        if not _is_id(app_id) or (version is not None and not _is_id(version)):
            check.add("ids", "Each item is an application id, or an id and the version you read.")
            return []
        parsed.append((app_id, version))
    repeated = sorted(app_id for app_id, seen in Counter(i for i, _ in parsed).items() if seen > 1)
    if repeated:
        shown = ", ".join(str(app_id) for app_id in repeated[:10])
        check.add("ids", f"Name each application once; repeated: {shown}{' ...' if len(repeated) > 10 else ''}.")
        return []
    return parsed


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _destination(check: Checker, action: str, to) -> str | None:
    rejected = workflow.FINAL_KEYS[0]
    if action == "reject":
        if to not in (None, rejected):
            check.add("to", "A rejection moves to `rejected`; leave `to` out.")
        return rejected
    if to is None:
        check.add("to", "The key of the stage to move to is required.")
    elif not isinstance(to, str) or not workflow.KEY_PATTERN.match(to):
        check.add("to", "Not a stage key.")
        return None
    return to


def _load(actor: User, ids: list[int], *, lock: bool) -> dict[int, Application]:
    """The chunk's applications of the actor's company, with job and candidate, read afresh.

    Locked on PostgreSQL until the commit, so a move of one of them elsewhere waits for
    this bulk and then finds the new version. Other companies' ids are simply absent.
    """
    stmt = (
        select(Application)
        .where(Application.id.in_(ids), Application.company_id == actor.company_id)
        .options(defer(Application.cover_letter))
        .order_by(Application.id)
        .execution_options(populate_existing=True)
    )
    if lock:
        stmt = stmt.with_for_update(of=Application)
    return {application.id: application for application in db.session.scalars(stmt).unique()}


def _stale(application: Application, expected: int | None) -> Failure | None:
    if expected is None or expected == application.version:
        return None
    return Failure(application.id, "stale", STALE, current_stage=application.stage, version=application.version)


def _move_all(
    actor: User,
    wanted: list[tuple[int, int | None]],
    to: str,
    *,
    note: str | None,
    reason: str | None,
    reason_id: int | None,
    action: str,
) -> BulkResult:
    result = BulkResult(action=action, batch_id=uuid.uuid4().hex)
    expected = dict(wanted)
    now = utcnow()
    counts: dict[int, tuple] = {}  # job id -> (job, [(from, to), ...])
    emails: list[dict] = []
    events: list = []
    ids = sorted(expected)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = _load(actor, chunk, lock=True)
        moves: list[_Move] = []
        for app_id in chunk:
            application = found.get(app_id)
            outcome = _check(application, app_id, expected[app_id], to, actor.role, reason)
            if isinstance(outcome, Failure):
                result.failed.append(outcome)
            else:
                moves.append(outcome)
        moves = _with_offers(moves, result)
        if not moves:
            continue
        changes = _write(actor, moves, result.batch_id, now, note=note, reason=reason, reason_id=reason_id)
        for move, change in zip(moves, changes, strict=True):
            application = move.application
            result.succeeded.append(Done(application.id, application.stage, application.version, change.id))
            counts.setdefault(application.job_id, (application.job, []))[1].append((move.from_stage, move.to_stage))
            emails.extend(stage_change_messages(application, change))
            events.append(stage_event(application, change))
    for job_id in sorted(counts):
        job, pairs = counts[job_id]
        stage_counts.record_moves(job, pairs)
    add_messages(emails)
    record_events(events)  # the moves' events and webhook deliveries: two statements for the whole bulk
    return result.sort({app_id: n for n, (app_id, _) in enumerate(wanted)})


def _with_offers(moves: list[_Move], result: BulkResult) -> list[_Move]:
    """The moves into a hired stage need an accepted offer where the company says so (one SELECT when any)."""
    from app.services.offers import OFFER_REQUIRED, accepted_among

    hiring = {
        m.application.id for m in moves if m.category == "hired" and m.application.job.company.hire_requires_offer
    }
    if not hiring:
        return moves
    accepted = accepted_among(sorted(hiring))
    kept = []
    for move in moves:
        if move.application.id in hiring and move.application.id not in accepted:
            result.failed.append(Failure(move.application.id, "offer_required", OFFER_REQUIRED,
                                         current_stage=move.from_stage))  # fmt: skip
        else:
            kept.append(move)
    return kept


def _check(
    application: Application | None, app_id: int, expected: int | None, to: str, role: str, reason: str | None
) -> _Move | Failure:
    """Whether this application may make the move, through its job's own pipeline."""
    if application is None:
        return Failure(app_id, "not_found", NOT_FOUND)
    stale = _stale(application, expected)
    if stale is not None:
        return stale
    pipeline = workflow.for_job(application.job)
    current = application.stage
    try:
        dest = pipeline.move(current, to, role=role, is_applicant=False, reason=reason)
    except IllegalTransition as error:
        return Failure(app_id, "illegal", error.detail, current_stage=current, allowed=error.allowed)
    except ValidationFailed:
        detail = f"`{to}` is not a stage of this application's job: {', '.join(pipeline.keys)}."
        return Failure(app_id, "invalid", detail, current_stage=current)
    except Forbidden as error:  # pragma: no cover - the actor's role was checked for the whole bulk
        return Failure(app_id, "forbidden", error.detail, current_stage=current)
    return _Move(application, current, dest, pipeline.category(dest))


def _write(
    actor: User,
    moves: list[_Move],
    batch_id: str,
    now,
    *,
    note: str | None,
    reason: str | None,
    reason_id: int | None,
) -> list[StageChange]:
    """One UPDATE per destination, one INSERT of the history rows; the loaded objects follow."""
    table = Application.__table__
    groups: dict[tuple[str, str], list[Application]] = {}
    for move in moves:
        groups.setdefault((move.to_stage, move.category), []).append(move.application)
    for (dest, category), group in sorted(groups.items()):
        done = db.session.execute(
            update(table)
            .where(tuple_(table.c.id, table.c.version).in_([(a.id, a.version) for a in group]))
            .values(
                stage=dest,
                stage_category=category,
                stage_entered_at=now,
                version=table.c.version + 1,
                updated_at=now,
            )
        ).rowcount
        if done != len(group):  # the rows are locked (PostgreSQL) or the database is (SQLite): not expected
            raise StaleUpdate("Some of these applications changed meanwhile; nothing was changed. Try again.")
    rejecting = moves[0].to_stage == workflow.FINAL_KEYS[0]
    key_id = provenance.api_key_id()
    rows = [
        {
            "application_id": move.application.id,
            "company_id": move.application.company_id,
            "from_stage": move.from_stage,
            "to_stage": move.to_stage,
            "to_category": move.category,
            "actor_id": actor.id,
            "note": note,
            "reason": reason if rejecting else None,
            "reason_id": reason_id if rejecting else None,
            "undo_of_id": None,
            "batch_id": batch_id,
            "api_key_id": key_id,
            "created_at": now,
        }
        for move in moves
    ]
    history = StageChange.__table__
    # Each application once: its id says which row is which, whatever order RETURNING gives them in
    # (asking for the parameters' order would make SQLite insert them one by one).
    made = dict(db.session.execute(insert(history).returning(history.c.application_id, history.c.id), rows).all())
    changes = []
    for move, row in zip(moves, rows, strict=True):
        change_id = made[move.application.id]
        application = move.application
        for name, value in (
            ("stage", move.to_stage),
            ("stage_category", move.category),
            ("stage_entered_at", now),
            ("version", application.version + 1),
            ("updated_at", now),
        ):
            set_committed_value(application, name, value)
        db.session.expire(application, ["stage_changes"])
        change = StageChange(id=change_id, **row)  # not added: the row is written already
        set_committed_value(change, "actor", actor)  # who sent the email it triggers (sender.name)
        changes.append(change)
    return changes


def _fresh(actor: User, wanted: list[tuple[int, int | None]], result: BulkResult) -> Iterator[Application]:
    """The applications found and at the version given, chunk by chunk (one SELECT each); the others failed."""
    expected = dict(wanted)
    ids = sorted(expected)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = _load(actor, chunk, lock=False)
        for app_id in chunk:
            application = found.get(app_id)
            if application is None:
                result.failed.append(Failure(app_id, "not_found", NOT_FOUND))
            elif (stale := _stale(application, expected[app_id])) is not None:
                result.failed.append(stale)
            else:
                yield application


def _add_notes(actor: User, wanted: list[tuple[int, int | None]], body: str) -> BulkResult:
    """One staff note per application, in one INSERT. Mentions stay plain text: a bulk note notifies no one."""
    result = BulkResult(action="note", batch_id=None)
    body = mentions.plain(body)
    now = utcnow()
    key_id = provenance.api_key_id()
    rows = []
    for application in _fresh(actor, wanted, result):
        rows.append({"application_id": application.id, "author_id": actor.id, "body": body, "api_key_id": key_id,
                     "created_at": now})  # fmt: skip
        result.succeeded.append(Done(application.id, application.stage, application.version))
    if rows:
        db.session.execute(insert(Note.__table__), rows)
    return result.sort({app_id: n for n, (app_id, _) in enumerate(wanted)})


def _email_all(actor: User, wanted: list[tuple[int, int | None]], draft: messages.Draft) -> BulkResult:
    """One message per candidate (merge fields filled for each), all queued by one INSERT after the last chunk."""
    result = BulkResult(action="email", batch_id=None)
    rows = []
    for application in _fresh(actor, wanted, result):
        if not application.candidate.email:
            result.failed.append(Failure(application.id, "no_email", NO_EMAIL, current_stage=application.stage))
            continue
        rows.append(messages.outbox_message(application, actor, draft))
        result.succeeded.append(Done(application.id, application.stage, application.version))
    add_messages(rows)
    return result.sort({app_id: n for n, (app_id, _) in enumerate(wanted)})


def _tag_all(actor: User, wanted: list[tuple[int, int | None]], name, *, add: bool) -> BulkResult:
    """Put a tag (by name) on, or take it off, each application's candidate: per chunk one SELECT and one
    INSERT (or DELETE). Adding an unknown name creates the tag (recruiters and admins)."""
    from app.services import tags

    tag = tags.resolve(actor, name, create=add)
    result = BulkResult(action="add_tag" if add else "remove_tag", batch_id=None)
    expected = dict(wanted)
    ids = sorted(expected)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = _load(actor, chunk, lock=False)
        candidates = []
        for app_id in chunk:
            application = found.get(app_id)
            if application is None:
                result.failed.append(Failure(app_id, "not_found", NOT_FOUND))
            elif (stale := _stale(application, expected[app_id])) is not None:
                result.failed.append(stale)
            else:
                candidates.append(application.candidate_id)
                result.succeeded.append(Done(app_id, application.stage, application.version))
        if add:
            tags.add_pairs([(candidate_id, tag.id) for candidate_id in candidates], actor.id)
        else:
            tags.remove_from(sorted(set(candidates)), tag.id)
    return result.sort({app_id: n for n, (app_id, _) in enumerate(wanted)})


def undo_batch(actor: User, batch_id: str) -> BulkResult:
    """Take back the moves of one bulk action, each that may still be undone.

    The same rules as undoing one move (app/services/undo.py), per application:
    only the person who made it, within the window, while nothing else happened
    to the application and its email still waits. The others are reported
    `not_undoable` (or `forbidden`) with the reason. The undo rows share a new batch id.
    """
    actor = require_user(actor)
    if not actor.is_staff or not isinstance(batch_id, str) or not BATCH_ID.match(batch_id):
        raise NotFound("That bulk action was not found.")
    moves = list(
        db.session.scalars(
            select(StageChange)
            .where(
                StageChange.batch_id == batch_id,
                StageChange.company_id == actor.company_id,
                StageChange.undo_of_id.is_(None),
            )
            .order_by(StageChange.application_id)
        )
    )
    if not moves:
        raise NotFound("That bulk action was not found.")
    if actor.role not in EDITORS or all(move.actor_id != actor.id for move in moves):
        raise Forbidden("Only the recruiter or admin who made these moves can undo them.")
    result = BulkResult(action="undo", batch_id=uuid.uuid4().hex)
    with batched_events():  # every undo's event in one INSERT
        _undo_chunks(actor, moves, result)
    return result


def _undo_chunks(actor: User, moves: list[StageChange], result: BulkResult) -> None:
    for start in range(0, len(moves), CHUNK):
        chunk = moves[start : start + CHUNK]
        ids = [move.application_id for move in chunk]
        found = _load(actor, ids, lock=True)  # locked before any count row, as a bulk move does
        newest = _last_two(ids)
        emailed = _emailed([move.id for move in chunk])
        for move in chunk:
            application = found.get(move.application_id)
            if application is None:  # pragma: no cover - history rows go with their application
                result.failed.append(Failure(move.application_id, "not_found", NOT_FOUND))
                continue
            last, before = newest.get(application.id, (None, None))
            try:
                undo.check_undoable(actor, application, last, move.id)
                if move.id in emailed:
                    raise Conflict(EMAILED)
            except (Conflict, Forbidden) as error:
                code = "forbidden" if isinstance(error, Forbidden) else "not_undoable"
                result.failed.append(Failure(application.id, code, error.detail, current_stage=application.stage))
                continue
            # Checked above: a refusal now (an email sent meanwhile) rolls the whole undo back.
            change = undo.revert(actor, application, last, before, change_id=move.id, batch_id=result.batch_id)
            result.succeeded.append(Done(application.id, application.stage, application.version, change.id))


def _emailed(change_ids: list[int]) -> set[int]:
    """The moves whose candidate email has gone out (or is going out): those cannot be undone."""
    table = OutboxMessage.__table__
    waiting = (MessageStatus.PENDING.value, MessageStatus.CANCELLED.value)
    return set(
        db.session.scalars(
            select(table.c.stage_change_id)
            .where(table.c.stage_change_id.in_(change_ids), table.c.status.not_in(waiting))
            .distinct()
        )
    )


def _last_two(application_ids: list[int]) -> dict[int, tuple[StageChange, StageChange | None]]:
    """Each application's newest history row and the one under it, in one SELECT."""
    ranked = (
        select(
            StageChange.id,
            func.row_number().over(partition_by=StageChange.application_id, order_by=StageChange.id.desc()).label("n"),
        )
        .where(StageChange.application_id.in_(application_ids))
        .subquery()
    )
    rows = db.session.scalars(
        select(StageChange)
        .join(ranked, ranked.c.id == StageChange.id)
        .where(ranked.c.n <= 2)
        .order_by(StageChange.application_id, StageChange.id.desc())
    ).unique()
    newest: dict[int, list[StageChange]] = {}
    for row in rows:
        newest.setdefault(row.application_id, []).append(row)
    return {app_id: (pair[0], pair[1] if len(pair) > 1 else None) for app_id, pair in newest.items()}
