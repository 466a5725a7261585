"""Create the workflow tables: role assignments, state per dataset, the transition record.

The transition record (``pueblaabierto_workflow_transition``) is the audit trail of
FORM.317: a trigger refuses UPDATE and DELETE on it, so not even a bug in the portal or a
sysadmin's API call can rewrite history. (TRUNCATE, a database-administrator operation, is
not affected; the test suite uses it to start clean.)

Revision ID: b7e2d4a91c05
Revises: 9a1c3e5f7b20
Create Date: 2026-11-21 07:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "b7e2d4a91c05"
down_revision = "9a1c3e5f7b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pueblaabierto_workflow_role",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("organization_id", sa.UnicodeText, nullable=True, index=True),
        sa.Column("assigned_by", sa.UnicodeText, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.UnicodeText, nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    # One active assignment per (user, role, dependency); revoked rows stay for the audit.
    op.execute(
        "CREATE UNIQUE INDEX pueblaabierto_workflow_role_active_uq ON pueblaabierto_workflow_role "
        "(user_id, role, coalesce(organization_id, '')) WHERE revoked_at IS NULL"
    )
    op.create_table(
        "pueblaabierto_workflow_state",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("approvals", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("report", JSONB, nullable=True),
        sa.Column("requested_by", sa.UnicodeText, nullable=True),
        sa.Column("revision_of", sa.UnicodeText, nullable=True, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pueblaabierto_workflow_transition",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("package_name", sa.UnicodeText, nullable=False),
        sa.Column("package_title", sa.UnicodeText, nullable=True),
        sa.Column("organization_id", sa.UnicodeText, nullable=True),
        sa.Column("organization_name", sa.UnicodeText, nullable=True),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText, nullable=True),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("user_name", sa.UnicodeText, nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=True),
        sa.Column("as_sysadmin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("oficio_numero", sa.UnicodeText, nullable=True),
        sa.Column("oficio_fecha", sa.Date, nullable=True),
        sa.Column("acknowledged_findings", JSONB, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # OR REPLACE: dropping the tables (CKAN's test reset) leaves the function behind.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION pueblaabierto_workflow_transition_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'El registro de transiciones del flujo de validación no se puede modificar ni borrar.';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER pueblaabierto_workflow_transition_append_only "
        "BEFORE UPDATE OR DELETE ON pueblaabierto_workflow_transition "
        "FOR EACH ROW EXECUTE FUNCTION pueblaabierto_workflow_transition_append_only()"
    )


def downgrade():
    op.drop_table("pueblaabierto_workflow_transition")
    op.execute("DROP FUNCTION IF EXISTS pueblaabierto_workflow_transition_append_only()")
    op.drop_table("pueblaabierto_workflow_state")
    op.drop_table("pueblaabierto_workflow_role")
