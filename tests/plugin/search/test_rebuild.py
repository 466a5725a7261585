"""The batched (and forked) rebuild writes exactly the rows one-by-one indexing writes.

``ckan search-index rebuild`` goes through ``search/rebuild.py`` (batches of
``package_show`` dicts, one statement per batch, one process per CPU on big
catalogues); CKAN's own loop (``--commit-each``) indexes one dataset at a time.
Search results come from these rows, so equal rows mean equal results.
"""

from __future__ import annotations

import ckan.lib.search as search_lib
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search import document, rebuild
from ckanext.pueblaabierto.search.index import TABLE, TERMS

from tests.plugin.metadata.conftest import PLUGINS, dataset_dict, organization_dict

from .conftest import names, search

# Every column but the time of indexing.
_COLUMNS = ("package_id, site_id, name, title_sort, metadata_created, metadata_modified, state, capacity, "
            "dataset_type, permission_labels, validated_data_dict::text, data_dict::text, doc::text, "
            "fields::text, text_fields::text, search_vector::text, facet_terms::text, "
            # facet_ids as the terms they number (numbers depend on which dataset came first)
            f"ARRAY(SELECT d.term FROM unnest(facet_ids) WITH ORDINALITY AS u(id, i) JOIN {TERMS} AS d "
            "ON d.id = u.id ORDER BY u.i)::text")


def _rows() -> dict[str, tuple]:
    model.Session.commit()
    model.Session.remove()  # see what forked indexers committed
    result = model.Session.execute(sa.text(f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY package_id"))
    return {row[0]: tuple(row) for row in result}


def _one_by_one() -> dict[str, tuple]:
    search_lib.clear_all()
    search_lib.rebuild(defer_commit=False)  # CKAN's loop: package_show + index_package each
    return _rows()


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto")
@pytest.mark.usefixtures("catalog")
class TestBatchedRebuild:
    def test_installed_as_ckans_rebuild(self):
        assert search_lib.rebuild is rebuild.rebuild

    def test_batched_rows_equal_one_by_one(self, monkeypatch):
        expected = _one_by_one()
        assert len(expected) == 6  # drafts, private and other types are indexed too
        monkeypatch.setattr(rebuild, "BATCH_SIZE", 4)  # more than one batch
        search_lib.clear_all()
        search_lib.rebuild(defer_commit=True)
        assert _rows() == expected

    @pytest.mark.ckan_config("pueblaabierto.search.rebuild_workers", 2)
    def test_forked_indexers_write_the_same_rows(self):
        expected = _one_by_one()
        search_lib.clear_all()
        search_lib.rebuild(defer_commit=True, quiet=True)
        assert _rows() == expected
        assert search()["count"] == 4

    def test_package_ids_with_a_repeated_dataset(self, catalog):
        expected = _one_by_one()
        search_lib.clear_all()
        ids = [catalog.agua["id"], catalog.poblacion["id"], catalog.agua["id"]]
        search_lib.rebuild(package_ids=ids)
        rows = _rows()
        assert rows == {i: expected[i] for i in ids}

    def test_package_ids_with_a_deleted_dataset_removes_its_row(self, catalog):
        # CKAN's default ckan.search.remove_deleted_packages: a deleted dataset leaves the index.
        expected = _one_by_one()
        agua = call_action("package_show", id="calidad-agua")
        call_action("package_delete", id="calidad-agua")
        search_lib.index_for(model.Package).index_package(agua)  # a stale row, as if missed
        search_lib.rebuild(package_ids=[catalog.agua["id"], catalog.poblacion["id"]])
        rows = _rows()
        assert catalog.agua["id"] not in rows
        assert rows[catalog.poblacion["id"]] == expected[catalog.poblacion["id"]]

    def test_only_missing(self, catalog):
        expected = _one_by_one()
        search_lib.clear("calidad-agua")
        model.Session.commit()
        search_lib.rebuild(only_missing=True, defer_commit=True)
        assert _rows() == expected

    def test_force_skips_a_dataset_that_fails(self, catalog, monkeypatch):
        build = document.build

        def failing(pkg_dict):
            if pkg_dict["name"] == "calidad-agua":
                raise ValueError("documento roto")
            return build(pkg_dict)

        monkeypatch.setattr(document, "build", failing)
        search_lib.clear_all()
        with pytest.raises(ValueError):
            search_lib.rebuild(defer_commit=True)
        model.Session.rollback()
        search_lib.rebuild(defer_commit=True, force=True)
        assert set(names(search())) == {"poblacion-2020", "licitaciones-publicas", "cosechado"}


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("clean_db", "with_plugins", "clean_index")
def test_batched_rebuild_keeps_results_equal_to_package_show_with_scheming():
    context = {"user": factories.Sysadmin()["name"]}
    org = call_action("organization_create", context=dict(context), **organization_dict())
    call_action("package_create", context=dict(context), **dataset_dict(org["id"]))
    expected = _one_by_one()
    search_lib.clear_all()
    search_lib.rebuild(defer_commit=True)
    assert _rows() == expected
    result = search(q="name:puntos-wifi", include_private=True)["results"]
    assert result == [call_action("package_show", id="puntos-wifi")]
