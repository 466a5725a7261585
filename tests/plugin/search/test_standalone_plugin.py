"""Issue 16, item 1: ``pueblaabierto_search`` alone, as any CKAN 2.11 would enable it."""

from __future__ import annotations

import ckan.lib.search as search_lib
import ckan.plugins as p
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.common import config
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search.query import PostgresPackageSearchQuery


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto_search")
@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_search_works_with_only_the_search_plugin():
    assert p.plugin_loaded("pueblaabierto_search") and not p.plugin_loaded("pueblaabierto")
    assert search_lib.query_for(model.Package).__class__ is PostgresPackageSearchQuery
    assert config.get("pueblaabierto.search.backend") == "postgres"  # declared by the plugin itself

    org = factories.Organization()
    factories.Dataset(name="river-quality", title="River quality", owner_org=org["id"], tags=[{"name": "water"}])
    result = call_action("package_search", q="river", **{"facet.field": ["tags"]})
    assert [d["name"] for d in result["results"]] == ["river-quality"]
    assert result["facets"]["tags"] == {"water": 1}
    # The row lives in the plugin's own table, created by its own migration.
    count = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
    assert count == 1
