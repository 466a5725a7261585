"""Items 1 and 7: the CKAN features that reach the search index directly or indirectly."""

from __future__ import annotations

import datetime as dt
import json

import ckan.lib.search as search_lib
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search import backend
from ckanext.pueblaabierto.search.index import PostgresPackageSearchIndex
from ckanext.pueblaabierto.search.query import PostgresPackageSearchQuery

from .conftest import names, search

PUBLIC = {"poblacion-2020", "licitaciones-publicas", "calidad-agua", "cosechado"}

with_plugin = pytest.mark.ckan_config("ckan.plugins", "pueblaabierto")


@with_plugin
@pytest.mark.usefixtures("with_plugins")
def test_backend_replaces_every_reference_to_the_solr_classes():
    assert search_lib._INDICES["package"] is PostgresPackageSearchIndex
    assert search_lib._QUERIES["package"] is PostgresPackageSearchQuery
    assert search_lib.PackageSearchIndex is PostgresPackageSearchIndex
    assert search_lib.PackageSearchQuery is PostgresPackageSearchQuery


def test_solr_backend_keeps_stock_ckan():
    # CKAN's own classes (their module attributes point to ours while postgres is selected).
    PackageSearchIndex, PackageSearchQuery = backend._SOLR_INDEX, backend._SOLR_QUERY  # noqa: N806
    try:
        backend.configure({"pueblaabierto.search.backend": "solr"})
        assert search_lib.index_for(model.Package).__class__ is PackageSearchIndex
        assert search_lib.query_for(model.Package).__class__ is PackageSearchQuery
        assert search_lib.PackageSearchQuery is PackageSearchQuery
        from ckan.lib.search.index import PackageSearchIndex as module_index

        assert module_index is PackageSearchIndex
    finally:
        backend.configure({"pueblaabierto.search.backend": "postgres"})
    assert search_lib.PackageSearchQuery is PostgresPackageSearchQuery


@with_plugin
@pytest.mark.usefixtures("catalog")
class TestIndexCommands:
    def test_show(self, catalog):
        doc = search_lib.show("calidad-agua")
        assert doc["id"] == catalog.agua["id"]
        assert doc["tema"] == "medio-ambiente"
        assert doc["res_format"] == ["JSON"]
        assert doc["permission_labels"] == ["public"]
        assert json.loads(doc["validated_data_dict"])["name"] == "calidad-agua"
        with pytest.raises(search_lib.SearchError):
            search_lib.show("no-existe")

    def test_clear_and_rebuild(self):
        search_lib.clear_all()
        assert search()["count"] == 0
        search_lib.rebuild()
        assert set(names(search())) == PUBLIC
        search_lib.clear("calidad-agua")
        assert "calidad-agua" not in names(search())
        search_lib.rebuild(only_missing=True)
        assert set(names(search())) == PUBLIC

    def test_cli(self, cli, catalog):
        result = cli.invoke(ckan_cli, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert search()["count"] == 0
        result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert set(names(search())) == PUBLIC
        result = cli.invoke(ckan_cli, ["search-index", "show", "calidad-agua"])
        assert result.exit_code == 0, result.output
        assert "medio-ambiente" in result.output
        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert "Packages not indexed = 0" in result.output
        # As with Solr, only active datasets count as indexed here: the draft is listed.
        result = cli.invoke(ckan_cli, ["search-index", "list-unindexed"])
        assert "Found 1 unindexed" in result.output
        assert catalog.draft["id"] in result.output

    def test_rebuild_fast_forks_indexers_with_their_own_connections(self, cli):
        search_lib.clear_all()
        model.Session.commit()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild-fast"])
        assert result.exit_code == 0, result.output
        model.Session.remove()  # see what the children committed
        assert set(names(search())) == PUBLIC
        assert search()["count"] == 4

    def test_every_write_updates_the_index(self):
        call_action("package_patch", id="calidad-agua", title="Calidad del aire")
        assert names(search(q="aire")) == ["calidad-agua"]
        call_action("resource_create", package_id="calidad-agua", url="http://x/y.geojson", format="GeoJSON")
        assert names(search(fq="res_format:GeoJSON")) == ["calidad-agua"]
        call_action("dataset_purge", id="calidad-agua")
        assert "calidad-agua" not in names(search())
        assert model.Session.execute(
            sa.text("select count(*) from pueblaabierto_search where name = 'calidad-agua'")
        ).scalar() == 0


@with_plugin
@pytest.mark.usefixtures("catalog")
class TestCorePagesAndActions:
    def test_organization_and_group_counts(self, catalog):
        orgs = {o["name"]: o for o in call_action("organization_list", all_fields=True)}
        assert orgs["bienestar"]["package_count"] == 2  # public only
        assert orgs["tesoreria"]["package_count"] == 2
        groups = {g["name"]: g for g in call_action("group_list", all_fields=True)}
        assert groups["sociedad"]["package_count"] == 1
        shown = call_action("organization_show", id="bienestar", include_datasets=True)
        assert {d["name"] for d in shown["packages"]} == {"poblacion-2020", "calidad-agua"}

    def test_organization_and_group_pages(self, app):
        body = app.get("/organization/bienestar").body
        assert "calidad-agua" in body and "licitaciones-publicas" not in body
        assert "Tema" in body  # organization facets, Spanish titles
        # The portal has no group pages (temas and dependencias filter the search instead).
        moved = app.get("/group/sociedad", follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["Location"].endswith("/dataset/")
        shown = call_action("group_show", id="sociedad", include_datasets=True)
        assert [d["name"] for d in shown["packages"]] == ["poblacion-2020"]
        body = app.get("/organization/").body
        assert "Secretaría de Bienestar" in body

    def test_package_autocomplete(self):
        found = call_action("package_autocomplete", q="pobla")
        assert [d["name"] for d in found] == ["poblacion-2020"]
        assert {d["name"] for d in call_action("package_autocomplete", q="agua")} == {"calidad-agua", "cosechado"}

    def test_home_and_dashboard(self, app, catalog):
        assert app.get("/").status_code == 200
        user = factories.UserWithToken()
        response = app.get("/dashboard/datasets", headers={"Authorization": user["token"]})
        assert response.status_code == 200
        response = app.get("/dataset/", query_string={"q": "poblacion"})
        assert "poblacion-2020" in response.body

    def test_tag_show_with_datasets(self):
        shown = call_action("tag_show", id="agua", include_datasets=True)
        assert [d["name"] for d in shown["packages"]] == ["calidad-agua"]

    def test_bulk_updates(self, catalog):
        ids = [catalog.poblacion["id"], catalog.agua["id"]]
        context = {"user": catalog.sysadmin["name"]}
        call_action("bulk_update_private", context=context, datasets=ids, org_id=catalog.org_a["id"])
        assert set(names(search())) == PUBLIC - {"poblacion-2020", "calidad-agua"}
        assert set(names(search(include_private=True))) == PUBLIC | {"presupuesto-interno"}
        call_action("bulk_update_delete", context=context, datasets=ids, org_id=catalog.org_a["id"])
        assert set(names(search())) == PUBLIC - {"poblacion-2020", "calidad-agua"}


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto datastore")
@pytest.mark.usefixtures("catalog")
def test_datastore_active_flag_reaches_search_results(catalog):
    resource_id = catalog.agua["resources"][0]["id"]
    call_action("datastore_create", resource_id=resource_id, force=True,
                fields=[{"id": "cloro", "type": "numeric"}], records=[{"cloro": 0.5}])
    result = search(q="name:calidad-agua")["results"][0]
    assert result["resources"][0]["datastore_active"] is True
    assert result == call_action("package_show", id="calidad-agua")


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto dcat")
@pytest.mark.usefixtures("catalog")
class TestDcat:
    def test_catalog_endpoint_returns_the_public_non_harvest_datasets(self, app):
        body = app.get("/catalog.ttl").body
        for title in ("Población de Puebla 2020", "Licitaciones públicas", "Calidad del agua"):
            assert title in body
        assert "cosechado" not in body  # -dataset_type:harvest
        assert "Presupuesto interno" not in body and "Padrón en borrador" not in body

    def test_modified_since_q_and_fq(self, app, catalog):
        model.Session.execute(
            model.package_table.update()
            .where(model.package_table.c.id == catalog.licitaciones["id"])
            .values(metadata_modified=dt.datetime(1990, 1, 1))
        )
        model.Session.commit()
        model.Session.expire_all()  # CKAN's session keeps ORM objects across commits
        search_lib.rebuild(catalog.licitaciones["id"])
        titles = ("Población de Puebla 2020", "Licitaciones públicas", "Calidad del agua")

        def catalog_titles(**params):
            body = app.get("/catalog.ttl", query_string=params).body
            return {t for t in titles if t in body}

        assert catalog_titles(modified_since="2000-01-01") == {"Población de Puebla 2020", "Calidad del agua"}
        assert catalog_titles(q="agua") == {"Calidad del agua"}
        assert catalog_titles(q="tags:censo") == {"Población de Puebla 2020"}
        assert catalog_titles(fq="organization:bienestar") == {"Población de Puebla 2020", "Calidad del agua"}
        assert catalog_titles(fq="-organization:bienestar") == {"Licitaciones públicas"}
