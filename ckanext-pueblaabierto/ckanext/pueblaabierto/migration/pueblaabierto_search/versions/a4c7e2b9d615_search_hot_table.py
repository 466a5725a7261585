"""A narrow copy of the columns searches filter, sort and count on: ``pueblaabierto_search_hot``.

A search without text and whose filters are on facet fields, dates, state, type or
permission labels (the broadest ones: ``q`` empty and two wide ``fq``, 10,000-23,000
matches at 100,000 datasets) reads every matched row. In ``pueblaabierto_search`` each
row also carries ``search_vector`` (≈ 1.5 KB, in the row so ranking does not visit
TOAST): such a search reads ~7,000 pages it needs nothing from. The hot table holds only
``package_id``, ``site_id``, ``name``, ``title_sort``, the dates, ``state``,
``capacity``, ``dataset_type``, ``permission_labels``, ``facet_terms`` and
``facet_ids``, with the same indexes for those columns (search/facets.py picks it when
the statement needs no other column).

It is kept equal to ``pueblaabierto_search`` by statement triggers (insert, update,
delete, truncate; transition tables), in the same transaction as the write: the indexer, ``search-index rebuild``
and any other writer need no change. Filled here from the indexed rows.

Revision ID: a4c7e2b9d615
Revises: 5d9e3b7a2c18
Create Date: 2026-12-03 15:00:00
"""

from alembic import op

revision = "a4c7e2b9d615"
down_revision = "5d9e3b7a2c18"
branch_labels = None
depends_on = None

_COLUMNS = ("package_id", "site_id", "name", "title_sort", "metadata_created", "metadata_modified", "state",
            "capacity", "dataset_type", "permission_labels", "facet_terms", "facet_ids")


_EVENTS = ("insert", "update", "delete", "truncate")


def upgrade():
    op.execute(
        """
        CREATE TABLE IF NOT EXISTS pueblaabierto_search_hot (
            package_id text PRIMARY KEY,
            site_id text NOT NULL,
            name text NOT NULL,
            title_sort text NOT NULL DEFAULT '',
            metadata_created timestamp,
            metadata_modified timestamp,
            state text,
            capacity text,
            dataset_type text,
            permission_labels text[] NOT NULL DEFAULT '{}',
            facet_terms text[] NOT NULL DEFAULT '{}',
            facet_ids integer[] NOT NULL DEFAULT '{}'
        )
        """
    )
    columns = ", ".join(_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "package_id")
    upsert = (f"INSERT INTO pueblaabierto_search_hot ({columns}) SELECT {columns} FROM new_rows "
              f"ON CONFLICT (package_id) DO UPDATE SET {updates};")
    # One statement per writing statement (transition tables), not a call per row: a rebuild
    # writes 200 rows per statement. One trigger per event (PostgreSQL allows transition
    # tables only on single-event triggers). An upsert fires the insert and the update ones.
    bodies = {
        "insert": upsert,
        "update": "DELETE FROM pueblaabierto_search_hot WHERE package_id IN "
                  "(SELECT package_id FROM old_rows EXCEPT SELECT package_id FROM new_rows); " + upsert,
        "delete": "DELETE FROM pueblaabierto_search_hot AS h USING old_rows AS o WHERE h.package_id = o.package_id;",
        "truncate": "TRUNCATE pueblaabierto_search_hot;",
    }
    for event, body in bodies.items():
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION pueblaabierto_search_hot_{event}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                {body}
                RETURN NULL;
            END
            $$
            """
        )
        transition = {"insert": "REFERENCING NEW TABLE AS new_rows",
                      "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                      "delete": "REFERENCING OLD TABLE AS old_rows", "truncate": ""}[event]
        op.execute(f"DROP TRIGGER IF EXISTS pueblaabierto_search_hot_{event} ON pueblaabierto_search")
        op.execute(f"CREATE TRIGGER pueblaabierto_search_hot_{event} AFTER {event.upper()} ON pueblaabierto_search "
                   f"{transition} FOR EACH STATEMENT EXECUTE FUNCTION pueblaabierto_search_hot_{event}()")
    op.execute("TRUNCATE pueblaabierto_search_hot")
    op.execute(f"INSERT INTO pueblaabierto_search_hot ({columns}) SELECT {columns} FROM pueblaabierto_search")
    for name, definition in (
        ("facet_terms", "USING gin (facet_terms)"),
        ("labels", "USING gin (permission_labels)"),
        ("modified", "(metadata_modified)"),
        ("created", "(metadata_created)"),
        ("title", "(title_sort)"),
        ("name", "(name)"),
    ):
        op.execute(f"CREATE INDEX IF NOT EXISTS pueblaabierto_search_hot_{name}_idx "
                   f"ON pueblaabierto_search_hot {definition}")
    op.execute("ANALYZE pueblaabierto_search_hot")


def downgrade():
    for event in _EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS pueblaabierto_search_hot_{event} ON pueblaabierto_search")
        op.execute(f"DROP FUNCTION IF EXISTS pueblaabierto_search_hot_{event}()")
    op.execute("DROP TABLE IF EXISTS pueblaabierto_search_hot")
