"""Shared fixtures: CKAN's pytest plugin made to work with our plugin tables, and a live CKAN.

`make test` runs pytest with ``--ckan-ini .var/test.ini`` (written by
``python -m ckanext.pueblaabierto.embedded test-env``) against the project's private
PostgreSQL and Redis, with their own test databases.
"""

from __future__ import annotations

import pytest

from tests.live_ckan import live_ckan  # noqa: F401  (fixture)


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the migrations of the loaded plugins.

    CKAN's own fixture re-creates only core tables on its first call of a session, so plugin
    tables (activity, ours) would be missing; re-applying their migrations is cheap and idempotent.
    The PostgreSQL search index is emptied too, as CKAN's clean_index would empty Solr.
    """
    import ckan.lib.search as search
    import ckan.plugins as p

    reset_db()
    for plugin in ("activity", "pueblaabierto_search", "pueblaabierto"):
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)
    if p.plugin_loaded("pueblaabierto") and not p.plugin_loaded("pueblaabierto_search"):
        from ckanext.pueblaabierto.search import schema as search_schema

        search_schema.upgrade()  # the Puebla plugin searches with pueblaabierto_search's table
    if p.plugin_loaded("pueblaabierto") or p.plugin_loaded("pueblaabierto_search"):
        # Our index table is not in CKAN's metadata, so reset_db leaves its rows behind.
        search.clear_all()
