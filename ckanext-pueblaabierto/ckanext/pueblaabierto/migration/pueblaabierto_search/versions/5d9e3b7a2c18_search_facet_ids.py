"""Facet terms also as integers, for facet counts at national scale.

``pueblaabierto_search_term`` numbers every ``field:value`` facet term once;
``facet_ids`` holds, per dataset, the numbers of its ``facet_terms``. Counting facets
unnests and groups 4-byte integers instead of text (at 100,000 datasets a broad search
groups ~150,000 terms), and only the few numbers that remain are turned back into
terms (benchmarks/search/RESULTS.md). ``facet_terms`` stays: ``fq`` filters on it (GIN
index, per-element statistics, no look-up of numbers first).

Both are filled here from the indexed ``facet_terms``, so search keeps answering
without a rebuild. The dictionary only grows (a term of a deleted dataset keeps its
number, a few bytes); a rebuild does not need it emptied.

Revision ID: 5d9e3b7a2c18
Revises: 8c2e5a7d1f93
Create Date: 2026-12-03 06:45:00
"""

from alembic import op

revision = "5d9e3b7a2c18"
down_revision = "8c2e5a7d1f93"
branch_labels = None
depends_on = None


# Short columns read by every search (filters, sort, the page's id and name).
_HOT_COLUMNS = ("package_id", "site_id", "name", "title_sort", "state", "capacity", "dataset_type",
                "permission_labels")


def upgrade():
    op.execute(
        """
        CREATE TABLE IF NOT EXISTS pueblaabierto_search_term (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            term text NOT NULL UNIQUE
        )
        """
    )
    op.execute("ALTER TABLE pueblaabierto_search ADD COLUMN IF NOT EXISTS facet_ids integer[] NOT NULL DEFAULT '{}'")
    # In the row, beside facet_terms (see 8c2e5a7d1f93): counting must not visit TOAST.
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN facet_ids SET STORAGE MAIN")
    # Rows small enough that a broad search reads few pages: the documents returned for a
    # page of results (validated_data_dict, data_dict, doc, text_fields, fields) go to TOAST,
    # fetched only for the page's rows; search_vector, facet_terms and facet_ids (MAIN) stay
    # in the row. At 100,000 datasets the table's pages halve (453 → 244 MB). The UPDATE
    # below rewrites every row, which stores them this way.
    # The short columns every search filters or sorts on are kept in the row too (MAIN):
    # with that target PostgreSQL would otherwise move any value longer than a TOAST
    # pointer (an id, a name, the permission labels) out, and read it back for every match.
    op.execute("ALTER TABLE pueblaabierto_search SET (toast_tuple_target = 128)")
    op.execute("ALTER TABLE pueblaabierto_search " + ", ".join(
        f"ALTER COLUMN {column} SET STORAGE MAIN" for column in _HOT_COLUMNS))
    op.execute(
        """
        INSERT INTO pueblaabierto_search_term (term)
        SELECT DISTINCT t.term FROM pueblaabierto_search, unnest(facet_terms) AS t(term)
        ORDER BY t.term
        ON CONFLICT (term) DO NOTHING
        """
    )
    op.execute(
        """
        UPDATE pueblaabierto_search AS s SET facet_ids = ARRAY(
            SELECT d.id FROM unnest(s.facet_terms) WITH ORDINALITY AS u(term, i)
            JOIN pueblaabierto_search_term AS d ON d.term = u.term
            ORDER BY u.i)
        """
    )
    op.execute("ANALYZE pueblaabierto_search")
    op.execute("ANALYZE pueblaabierto_search_term")


def downgrade():
    op.execute("ALTER TABLE pueblaabierto_search RESET (toast_tuple_target)")
    op.execute("ALTER TABLE pueblaabierto_search " + ", ".join(
        f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in _HOT_COLUMNS))
    op.execute("ALTER TABLE pueblaabierto_search DROP COLUMN IF EXISTS facet_ids")
    op.execute("DROP TABLE IF EXISTS pueblaabierto_search_term")
