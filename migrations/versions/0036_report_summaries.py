"""report summaries: every figure the hiring reports need, kept per application

Revision ID: 0036_report_summaries
Revises: 0037_search_rank
Create Date: 2026-12-02 11:40:00

`application_summaries` (migration 0030_integrations) gains what the reports
still read from elsewhere: the application's filter columns copied from
`applications` (job, source, created_at as `applied_at`, the current category)
and the seconds spent in each pipeline category over its finished stays
(`seconds_applied` .. `seconds_offer`, NULL when it has none). The trigger on
`stage_changes` now recomputes the whole row (the time in stage with `LEAD` over
the application's standing moves); a second trigger on `applications` copies the
filter columns when one of them changes. Both run in the statement that writes
the move, the undo or the change, on SQLite and PostgreSQL. The upgrade fills
every row again from the history; indexes for the filters (company + job,
source, applied_at) and a partial index of the standing moves by time (velocity)
are added. The downgrade puts the 0030 trigger back and drops the new columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036_report_summaries"
down_revision = "0037_search_rank"
branch_labels = None
depends_on = None

STAGE_CATEGORIES = ("applied", "screening", "interview", "offer")  # hired, rejected, withdrawn: no time in them
COPIED = ("job_id", "source", "applied_at", "stage_category")
FIGURES = ("furthest_rank", "hired_at", "first_response_at", *(f"seconds_{c}" for c in STAGE_CATEGORIES))
COLUMNS = ("application_id", "company_id", *COPIED, *FIGURES)

_SECONDS = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM (m.left_at - m.created_at)) AS DOUBLE PRECISION)",
    "sqlite": "((julianday(m.left_at) - julianday(m.created_at)) * 86400.0)",
}

# The standing moves (no undone move, no undo row), each with the time the next standing move left it.
_MOVES = """
SELECT s.application_id, s.from_stage, s.to_category, s.created_at,
  lead(s.created_at) OVER (PARTITION BY s.application_id ORDER BY s.id) AS left_at
FROM stage_changes s
WHERE {where} AND s.undo_of_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM stage_changes u WHERE u.undo_of_id = s.id)
"""


def _figures(dialect: str, where: str) -> str:
    """(application_id, *FIGURES) per application with standing moves, named as the summary's columns."""
    seconds = "".join(
        f",\n  sum(CASE WHEN m.to_category = '{c}' AND m.left_at IS NOT NULL THEN {_SECONDS[dialect]} END)"
        f" AS seconds_{c}"
        for c in STAGE_CATEGORIES
    )
    return f"""
SELECT m.application_id,
  max(CASE m.to_category WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 WHEN 'interview' THEN 2
      WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE -1 END) AS furthest_rank,
  min(CASE WHEN m.to_category = 'hired' THEN m.created_at END) AS hired_at,
  min(CASE WHEN m.from_stage IS NOT NULL AND m.to_category <> 'withdrawn' THEN m.created_at END)
    AS first_response_at{seconds}
FROM ({_MOVES.format(where=where)}) m
GROUP BY m.application_id
"""


def _select(dialect: str, where: str) -> str:
    """The summary rows (COLUMNS) of the applications whose history rows `s` match `where`, recomputed.

    Every application matched by `application_id = X` gets its row, NULL figures when no move stands.
    """
    applications = "a.id = NEW.application_id" if "NEW." in where else "1 = 1"
    figures = ", ".join(f"f.{c}" for c in FIGURES)
    return (
        f"SELECT a.id, a.company_id, a.job_id, a.source, a.created_at, a.stage_category, {figures} "
        f"FROM applications a {'LEFT ' if 'NEW.' in where else ''}JOIN ({_figures(dialect, where)}) f "
        f"ON f.application_id = a.id WHERE {applications}"
    )


def _upsert(dialect: str) -> str:
    """The trigger's statement: the application's row brought up to date, written if missing."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[2:])
    return (
        f"INSERT INTO application_summaries ({', '.join(COLUMNS)}) "
        f"{_select(dialect, 's.application_id = NEW.application_id')} "
        f"ON CONFLICT (application_id) DO UPDATE SET {updates};"
    )


def _copy_update() -> str:
    """The `applications` trigger's statement: the copied filter columns follow the application."""
    return (
        "UPDATE application_summaries SET job_id = NEW.job_id, source = NEW.source, applied_at = NEW.created_at, "
        "stage_category = NEW.stage_category WHERE application_id = NEW.id;"
    )


def _changed(dialect: str) -> str:
    different = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {different} NEW.{c}" for c in _COPIED_FROM.split(", "))


# A move or an undo is an INSERT; a corrected row (a time, a category) an UPDATE. Deleting history
# happens only with its application, whose summary goes with it (ON DELETE CASCADE).
_WHEN = ("INSERT", "UPDATE")
_COPIED_FROM = "job_id, source, created_at, stage_category"

# The 0030_integrations trigger's statement, put back by the downgrade.
_OLD_UPSERT = """INSERT INTO application_summaries (application_id, company_id, furthest_rank, hired_at, first_response_at)
SELECT NEW.application_id, NEW.company_id,
  max(CASE s.to_category WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 WHEN 'interview' THEN 2
      WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE -1 END),
  min(CASE WHEN s.to_category = 'hired' THEN s.created_at END),
  min(CASE WHEN s.from_stage IS NOT NULL AND s.to_category <> 'withdrawn' THEN s.created_at END)
FROM stage_changes s
WHERE s.application_id = NEW.application_id AND s.undo_of_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM stage_changes u WHERE u.undo_of_id = s.id)
 ON CONFLICT (application_id) DO UPDATE SET furthest_rank = excluded.furthest_rank, \
hired_at = excluded.hired_at, first_response_at = excluded.first_response_at;"""

MOVES_WHERE = "from_stage IS NOT NULL AND undo_of_id IS NULL"
INDEXES = {
    "ix_application_summaries_company_id_job_id": ["company_id", "job_id", "applied_at"],
    "ix_application_summaries_company_id_source": ["company_id", "source", "applied_at"],
    "ix_application_summaries_company_id_applied_at": ["company_id", "applied_at"],
}


def _drop_triggers(postgres: bool) -> None:
    on = " ON stage_changes" if postgres else ""
    for when in _WHEN:
        op.execute(f"DROP TRIGGER IF EXISTS stage_changes_summary_{when.lower()}{on}")
    op.execute("DROP TRIGGER IF EXISTS applications_summary_update" + (" ON applications" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS application_summary_refresh()")
        op.execute("DROP FUNCTION IF EXISTS application_summary_copy()")


def _stage_triggers(postgres: bool, statement: str) -> None:
    if postgres:
        op.execute(
            "CREATE FUNCTION application_summary_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + statement
            + " RETURN NULL; END $$"
        )
    for when in _WHEN:
        name = f"stage_changes_summary_{when.lower()}"
        if postgres:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {when} ON stage_changes FOR EACH ROW "
                "EXECUTE FUNCTION application_summary_refresh()"
            )
        else:
            op.execute(f"CREATE TRIGGER {name} AFTER {when} ON stage_changes BEGIN {statement} END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    postgres = dialect == "postgresql"
    with op.batch_alter_table("application_summaries") as batch:
        batch.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("stage_category", sa.String(length=20), nullable=True))
        for category in STAGE_CATEGORIES:
            batch.add_column(sa.Column(f"seconds_{category}", sa.Double(), nullable=True))
    _drop_triggers(postgres)
    # Every row again, from the history there is (in this transaction: no move can slip between).
    # TRUNCATE on PostgreSQL: a DELETE would leave the table twice its size for the reports to scan.
    op.execute("TRUNCATE application_summaries" if postgres else "DELETE FROM application_summaries")
    op.execute(f"INSERT INTO application_summaries ({', '.join(COLUMNS)}) {_select(dialect, '1 = 1')}")
    _stage_triggers(postgres, _upsert(dialect))
    if postgres:
        op.execute(
            "CREATE FUNCTION application_summary_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + _copy_update()
            + " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER applications_summary_update AFTER UPDATE OF {_COPIED_FROM} ON applications "
            f"FOR EACH ROW WHEN ({_changed(dialect)}) EXECUTE FUNCTION application_summary_copy()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER applications_summary_update AFTER UPDATE OF {_COPIED_FROM} ON applications "
            f"FOR EACH ROW WHEN {_changed(dialect)} BEGIN {_copy_update()} END"
        )
    for name, columns in INDEXES.items():
        op.create_index(name, "application_summaries", columns)
    op.create_index(
        "ix_stage_changes_company_id_created_at",
        "stage_changes",
        ["company_id", "created_at", "application_id"],
        postgresql_where=sa.text(MOVES_WHERE),
        sqlite_where=sa.text(MOVES_WHERE),
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_stage_changes_company_id_created_at", table_name="stage_changes")
    for name in INDEXES:
        op.drop_index(name, table_name="application_summaries")
    _drop_triggers(postgres)
    with op.batch_alter_table("application_summaries") as batch:
        for column in (*COPIED, *(f"seconds_{c}" for c in STAGE_CATEGORIES)):
            batch.drop_column(column)
    _stage_triggers(postgres, _OLD_UPSERT)
