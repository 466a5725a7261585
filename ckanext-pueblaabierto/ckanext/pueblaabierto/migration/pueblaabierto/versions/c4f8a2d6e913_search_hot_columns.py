"""Search index: visibility fields as columns, long text out of ``fields``.

Measured at 10,000 datasets: every search filters on site_id, state, capacity and
permission labels, and as jsonb containment those cost a decompression of
``fields`` per row (~90 ms per query). As plain columns they cost ~1 ms.
Long text (descriptions, URLs, titles) moves to ``text_fields`` so ``fields``
stays small and uncompressed for filters and facets.

Existing rows are converted in place; ``ckan search-index rebuild`` is not needed.
Rows already in the new shape (written after the ``pueblaabierto_search`` plugin's
own migration) have no ``state`` in ``fields`` and are left alone.

Revision ID: c4f8a2d6e913
Revises: b7e2d4a91c05
Create Date: 2026-11-21 07:30:00
"""

from alembic import op

revision = "c4f8a2d6e913"
down_revision = "b7e2d4a91c05"
branch_labels = None
depends_on = None

_TEXT_KEYS = "ARRAY['title', 'notes', 'res_name', 'res_description', 'res_url', 'url', 'author', " \
             "'maintainer', 'organization_title', 'groups_title', 'title_string']"


def upgrade():
    op.execute(
        """
        ALTER TABLE pueblaabierto_search
            ADD COLUMN IF NOT EXISTS state text,
            ADD COLUMN IF NOT EXISTS capacity text,
            ADD COLUMN IF NOT EXISTS dataset_type text,
            ADD COLUMN IF NOT EXISTS permission_labels text[] NOT NULL DEFAULT '{}',
            ADD COLUMN IF NOT EXISTS text_fields jsonb NOT NULL DEFAULT '{}'
        """
    )
    op.execute(
        f"""
        UPDATE pueblaabierto_search SET
            state = fields -> 'state' ->> 0,
            capacity = fields -> 'capacity' ->> 0,
            dataset_type = fields -> 'dataset_type' ->> 0,
            permission_labels = ARRAY(SELECT jsonb_array_elements_text(fields -> 'permission_labels')),
            text_fields = (SELECT coalesce(jsonb_object_agg(key, value), '{{}}') FROM jsonb_each(fields)
                           WHERE key = ANY({_TEXT_KEYS})),
            fields = fields - {_TEXT_KEYS}
        WHERE fields ? 'state'
        """
    )
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_labels_idx "
               "ON pueblaabierto_search USING gin (permission_labels)")
    op.execute("ANALYZE pueblaabierto_search")


def downgrade():
    op.execute("DROP INDEX IF EXISTS pueblaabierto_search_labels_idx")
    op.execute("UPDATE pueblaabierto_search SET fields = fields || text_fields")
    op.execute(
        """
        ALTER TABLE pueblaabierto_search
            DROP COLUMN state, DROP COLUMN capacity, DROP COLUMN dataset_type,
            DROP COLUMN permission_labels, DROP COLUMN text_fields
        """
    )
