"""languages for mail: a candidate's preferred language and a company's default one

Revision ID: 0015_candidate_language
Revises: 0024_api_keys
Create Date: 2026-12-02 00:20:00

`candidates.preferred_language` (NULL: the company's) and
`companies.default_language` ("en" for every company so far) choose which of a
company's email templates a candidate gets. Going back, messages still waiting
that were written for the company's templates (`company:<key>`) cannot be
rendered by the older code: they fail with the reason rather than go out wrong.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_candidate_language"
down_revision = "0024_api_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("default_language", sa.String(length=16), nullable=False, server_default=sa.text("'en'"))
        )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preferred_language", sa.String(length=16), nullable=True))


def downgrade():
    op.execute(
        "UPDATE outbox_messages SET status = 'failed',"
        " last_error = 'Not rendered: written for company email templates; the mail schema was downgraded.'"
        " WHERE status = 'pending' AND template LIKE 'company:%'"
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("preferred_language")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("default_language")
