"""Server-side validation of datasets and the Entregas (FORM.317 intake).

``pueblaabierto_dataset_validation``: the server's own validation of a dataset's files, with
the fingerprint (files' SHA-256, URLs, dictionary) it was run on; ``enviar_revision`` compares
it with the dataset as it is now. ``pueblaabierto_entrega`` / ``_entrega_version``: what an
enlace de datos abiertos uploaded (the workbook and its files, each upload a new version that
keeps its report).

Revision ID: f3a9c1d2e4b5
Revises: e5c2a8f1d734
Create Date: 2026-12-03 03:40:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "f3a9c1d2e4b5"
down_revision = "e5c2a8f1d734"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pueblaabierto_dataset_validation",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("fingerprint", sa.UnicodeText, nullable=False),
        sa.Column("report", JSONB, nullable=True),
        sa.Column("files", JSONB, nullable=True),
        sa.Column("progress", JSONB, nullable=True),
        sa.Column("error", sa.UnicodeText, nullable=True),
        sa.Column("job_id", sa.UnicodeText, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "pueblaabierto_entrega",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("organization_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("title", sa.UnicodeText, nullable=True),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "pueblaabierto_entrega_version",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("entrega_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("oficio_numero", sa.UnicodeText, nullable=True),
        sa.Column("oficio_fecha", sa.Date, nullable=True),
        sa.Column("uploaded_by", sa.UnicodeText, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("storage_dir", sa.UnicodeText, nullable=False),
        sa.Column("files", JSONB, nullable=True),
        sa.Column("progress", JSONB, nullable=True),
        sa.Column("report", JSONB, nullable=True),
        sa.Column("datasets", JSONB, nullable=True),
        sa.Column("error", sa.UnicodeText, nullable=True),
        sa.Column("job_id", sa.UnicodeText, nullable=True),
        sa.Column("applied_by", sa.UnicodeText, nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("entrega_id", "number", name="pueblaabierto_entrega_version_number"),
    )


def downgrade():
    op.drop_table("pueblaabierto_entrega_version")
    op.drop_table("pueblaabierto_entrega")
    op.drop_table("pueblaabierto_dataset_validation")
