"""Create the pueblaabierto_search table: the PostgreSQL dataset search index.

One row per dataset, written on every dataset change (CKAN's synchronous_search
plugin) and by ``ckan search-index rebuild``. It replaces Solr when
``pueblaabierto.search.backend = postgres``.

- ``validated_data_dict``/``data_dict``: what package_search returns (jsonb).
- ``doc``: the flattened, Solr-like document (``search-index show``, ``fl``).
- ``fields``: every filterable field as ``{"key": ["value", ...]}`` so one GIN
  index (jsonb_path_ops) answers ``key:value`` filters with ``@>``.
- ``search_vector``: weighted Spanish tsvector, stemmed and unaccented forms
  concatenated. Stored (not an expression index) because ``unaccent()`` is
  only STABLE.

Revision ID: 9a1c3e5f7b20
Revises:
Create Date: 2026-11-21 07:10:00
"""

from alembic import op

revision = "9a1c3e5f7b20"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # IF NOT EXISTS: the pueblaabierto_search plugin's own migration may have built it.
    # The embedded setup creates it as superuser; keep it here for other setups
    # where the CKAN user may create trusted extensions (PostgreSQL >= 13).
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
            indexed_at timestamp NOT NULL DEFAULT (now() at time zone 'utc')
        )
        """
    )
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_fields_idx "
               "ON pueblaabierto_search USING gin (fields jsonb_path_ops)")
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_vector_idx "
               "ON pueblaabierto_search USING gin (search_vector)")
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_modified_idx "
               "ON pueblaabierto_search (metadata_modified)")
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_created_idx "
               "ON pueblaabierto_search (metadata_created)")
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_title_idx "
               "ON pueblaabierto_search (title_sort)")
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_name_idx "
               "ON pueblaabierto_search (name)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS pueblaabierto_search")
