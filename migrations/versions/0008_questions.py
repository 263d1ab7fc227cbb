"""per-job application questions and their answers

Revision ID: 0008_questions
Revises: 0003_company_stage_totals
Create Date: 2026-12-01 01:06:44

An answer copies its question's label and kind, and carries the knockout
rule it matched (`flag`); partial indexes find a job's or a company's
flagged applications.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_questions'
down_revision = '0007_careers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('knockout', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('short_text', 'long_text', 'yes_no', 'single_choice', 'multiple_choice', 'number', 'date')", name=op.f('ck_job_questions_kind_known')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_job_questions_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_questions_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_questions'))
    )
    with op.batch_alter_table('job_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_questions_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_job_questions_job_id_position', ['job_id', 'position'], unique=False)

    op.create_table('application_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('flag', sa.String(length=400), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('short_text', 'long_text', 'yes_no', 'single_choice', 'multiple_choice', 'number', 'date')", name=op.f('ck_application_answers_kind_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_answers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_application_answers_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_application_answers_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['job_questions.id'], name=op.f('fk_application_answers_question_id_job_questions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_answers'))
    )
    with op.batch_alter_table('application_answers', schema=None) as batch_op:
        batch_op.create_index('ix_application_answers_application_id_position', ['application_id', 'position'], unique=False)
        batch_op.create_index('ix_application_answers_company_id_flagged', ['company_id', 'application_id'], unique=False, postgresql_where=sa.text('flag IS NOT NULL'), sqlite_where=sa.text('flag IS NOT NULL'))
        batch_op.create_index('ix_application_answers_job_id_flagged', ['job_id', 'application_id'], unique=False, postgresql_where=sa.text('flag IS NOT NULL'), sqlite_where=sa.text('flag IS NOT NULL'))
        batch_op.create_index(batch_op.f('ix_application_answers_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('application_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_answers_question_id'))
        batch_op.drop_index('ix_application_answers_job_id_flagged', postgresql_where=sa.text('flag IS NOT NULL'), sqlite_where=sa.text('flag IS NOT NULL'))
        batch_op.drop_index('ix_application_answers_company_id_flagged', postgresql_where=sa.text('flag IS NOT NULL'), sqlite_where=sa.text('flag IS NOT NULL'))
        batch_op.drop_index('ix_application_answers_application_id_position')

    op.drop_table('application_answers')
    with op.batch_alter_table('job_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_job_questions_job_id_position')
        batch_op.drop_index(batch_op.f('ix_job_questions_company_id'))

    op.drop_table('job_questions')
