"""Workflow: record the transition e-mails that could not be sent.

A new table rather than a column on the transition record: that record refuses UPDATE
(trigger) and the e-mail is only sent after the step is committed. Nothing existing changes.

Revision ID: e5c2a8f1d734
Revises: d7b1e9c3a5f4
Create Date: 2026-11-21 08:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5c2a8f1d734"
down_revision = "d7b1e9c3a5f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pueblaabierto_workflow_notice_failure",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("transition_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("error", sa.UnicodeText, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("pueblaabierto_workflow_notice_failure")
