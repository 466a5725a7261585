"""Bring ``pueblaabierto_search`` to its latest shape without the plugin being loaded.

``ckan db upgrade -p pueblaabierto_search`` needs the plugin in ``ckan.plugins``. The Puebla
plugin searches with the same table, so where only it is loaded (some tests) the table's
own migration chain is applied with this.
"""

from __future__ import annotations

from pathlib import Path

PLUGIN = "pueblaabierto_search"


def upgrade() -> None:
    """Apply the ``pueblaabierto_search`` migration chain up to its head (idempotent)."""
    import ckan.model as model

    alembic_ini = Path(__file__).resolve().parent.parent / "migration" / PLUGIN / "alembic.ini"
    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(alembic_ini)
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original
