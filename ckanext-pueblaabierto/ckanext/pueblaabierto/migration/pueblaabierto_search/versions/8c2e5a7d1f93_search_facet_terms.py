"""Facet terms as a narrow array column, for facet counts and filters at national scale.

``facet_terms`` holds ``field:value`` for the values of the fields every dataset page
facets on (``document.FACET_FIELDS``): a text array a few hundred bytes long, stored in
the row itself, with a GIN index and PostgreSQL's per-element statistics. Facet counts
unnest it instead of extracting each field from the (out-of-line) ``fields`` JSON of
every matched row, and ``fq`` on those fields uses it (the planner estimates array
containment; it cannot estimate ``jsonb @>``). ``search_vector`` is kept in the row
(compressed) instead of in TOAST, so ranking and rechecking matches do not fetch it
chunk by chunk.

The column is filled here from ``fields`` (the same values), so search keeps answering
without a rebuild; ``ckan search-index rebuild`` afterwards is still recommended, to
rewrite ``search_vector`` with its new storage.

Revision ID: 8c2e5a7d1f93
Revises: 3f6b0d2c8e41
Create Date: 2026-12-03 04:00:00
"""

from alembic import op

revision = "8c2e5a7d1f93"
down_revision = "3f6b0d2c8e41"
branch_labels = None
depends_on = None

# document.FACET_FIELDS at the time of this migration (a later change needs its own).
_FACET_FIELDS = "ARRAY['organization', 'groups', 'tags', 'res_format', 'license_id', 'tema', 'frecuencia', " \
                "'res_extras_tipo_visualizacion']"


def upgrade():
    op.execute("ALTER TABLE pueblaabierto_search ADD COLUMN IF NOT EXISTS facet_terms text[] NOT NULL DEFAULT '{}'")
    # MAIN: kept in the row. With the default (EXTENDED) the row's size (search_vector is
    # MAIN too) pushed it to TOAST: at 100,000 datasets a broad search's facet count read
    # ~40,000 TOAST buffers for 14,640 matches (EXPLAIN ANALYZE, benchmarks/search).
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN facet_terms SET STORAGE MAIN")
    op.execute(
        f"""
        UPDATE pueblaabierto_search SET facet_terms = ARRAY(
            SELECT f.key || ':' || v.value
            FROM unnest({_FACET_FIELDS}) WITH ORDINALITY AS f(key, i)
            CROSS JOIN LATERAL jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(fields -> f.key) = 'array' THEN fields -> f.key ELSE '[]' END
            ) WITH ORDINALITY AS v(value, j)
            ORDER BY f.i, v.j)
        """
    )
    op.execute("CREATE INDEX IF NOT EXISTS pueblaabierto_search_facet_terms_idx "
               "ON pueblaabierto_search USING gin (facet_terms)")
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN search_vector SET STORAGE MAIN")
    op.execute("ANALYZE pueblaabierto_search")


def downgrade():
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN search_vector SET STORAGE EXTENDED")
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN facet_terms SET STORAGE EXTENDED")
    op.execute("DROP INDEX IF EXISTS pueblaabierto_search_facet_terms_idx")
    op.execute("ALTER TABLE pueblaabierto_search DROP COLUMN IF EXISTS facet_terms")
