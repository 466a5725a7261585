"""Create the ``pueblaabierto_search`` table for the ``pueblaabierto_search`` plugin alone.

The same table (final shape) that the Puebla Abierto plugin's migrations build in
three steps (9a1c3e5f7b20, c4f8a2d6e913, d7b1e9c3a5f4), so a CKAN that enables only
``pueblaabierto_search`` gets it with ``ckan db upgrade -p pueblaabierto_search``.
Every statement is idempotent: on a portal where the Puebla migrations already ran
(or run later) both chains agree on the result.

Revision ID: 3f6b0d2c8e41
Revises:
Create Date: 2026-12-02 21:50:00
"""

from alembic import op

revision = "3f6b0d2c8e41"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Needs a superuser, or PostgreSQL >= 13 where unaccent is a trusted extension.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        CREATE TABLE IF NOT EXISTS pueblaabierto_search (
            package_id text PRIMARY KEY,
            site_id text NOT NULL,
            name text NOT NULL,
            title_sort text NOT NULL DEFAULT '',
            metadata_created timestamp,
            metadata_modified timestamp,
            validated_data_dict jsonb NOT NULL,
            data_dict jsonb NOT NULL,
            doc jsonb NOT NULL,
            fields jsonb NOT NULL,
            search_vector tsvector NOT NULL,
            indexed_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            state text,
            capacity text,
            dataset_type text,
            permission_labels text[] NOT NULL DEFAULT '{}',
            text_fields jsonb NOT NULL DEFAULT '{}'
        )
        """
    )
    for name, definition in (
        ("fields", "USING gin (fields jsonb_path_ops)"),
        ("vector", "USING gin (search_vector)"),
        ("modified", "(metadata_modified)"),
        ("created", "(metadata_created)"),
        ("title", "(title_sort)"),
        ("name", "(name)"),
        ("labels", "USING gin (permission_labels)"),
    ):
        op.execute(f"CREATE INDEX IF NOT EXISTS pueblaabierto_search_{name}_idx ON pueblaabierto_search {definition}")
    # Facets read ``fields`` of every matched row: kept uncompressed (see d7b1e9c3a5f4).
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN fields SET STORAGE EXTERNAL")


def downgrade():
    op.execute("DROP TABLE IF EXISTS pueblaabierto_search")
