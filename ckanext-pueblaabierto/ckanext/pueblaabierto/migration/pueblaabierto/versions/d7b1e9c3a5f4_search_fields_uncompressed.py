"""Search index: store ``fields`` uncompressed.

Facet counts read ``fields`` once per facet for every matching row; compressed,
each read decompresses the value again (measured: most of a 60 ms search at
10,000 datasets). ``fields`` is kept small (a few hundred bytes to ~1 KB), so it
fits in the row without compression. Applies to rows written from now on;
``ckan search-index rebuild`` rewrites existing ones.

Revision ID: d7b1e9c3a5f4
Revises: c4f8a2d6e913
Create Date: 2026-11-21 07:50:00
"""

from alembic import op

revision = "d7b1e9c3a5f4"
down_revision = "c4f8a2d6e913"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN fields SET STORAGE EXTERNAL")


def downgrade():
    op.execute("ALTER TABLE pueblaabierto_search ALTER COLUMN fields SET STORAGE EXTENDED")
