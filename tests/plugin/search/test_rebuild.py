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
from ckanext.pueblaabierto.embedded.settings import PLUGINS as PORTAL_PLUGINS
from ckanext.pueblaabierto.search import document, rebuild
from ckanext.pueblaabierto.search.index import TABLE, TERMS

from tests.plugin.metadata.conftest import PLUGINS, dataset_dict, organization_dict, resource_dict

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


# -- bulk reading (search/bulk_show.py): package_show for a whole batch ---------------------------


def _odd_catalog() -> dict[str, str]:
    """Datasets with the cases where a bulk read could drift from package_show; name -> id.

    Built through CKAN's actions, then put in states the forms do not produce (deleted
    rows, no organization, ties) straight in the tables, as data migrated from elsewhere has them.
    """
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    org = factories.Organization(name="catastro", title="Catastro Municipal")
    gone_org = factories.Organization(name="extinta", title="Dependencia extinta")
    groups = [factories.Group(name=f"grupo-{i}", title=title)
              for i, title in enumerate(["Zonas", "Agua", "Agua", "Borrado"])]
    vocab = call_action("vocabulary_create", context=dict(context), name="ods",
                        tags=[{"name": "ods-6"}, {"name": "ods-11"}])

    def dataset(name: str, **fields) -> dict:
        fields.setdefault("owner_org", org["id"])
        return factories.Dataset(name=name, title=f"  Conjunto {name} ", **fields)

    made = {
        "recursos-borrados": dataset("recursos-borrados", resources=[
            {"url": "http://example.com/1.csv", "format": "CSV", "name": "Uno"},
            {"url": "example.com/sin-esquema.csv", "format": "CSV", "name": "Dos"},
            {"url": "http://example.com/3.csv", "format": "CSV", "name": "Tres", "tipo_visualizacion": "tabla"},
        ], extras=[{"key": "tema", "value": "catastro"}, {"key": "nota", "value": "se va"}]),
        "privado": dataset("privado", private=True, tags=[{"name": "predial"}]),
        "sin-dependencia": dataset("sin-dependencia", license_id="licencia-propia"),
        "dependencia-borrada": dataset("dependencia-borrada", owner_org=gone_org["id"]),
        "vocabulario": dataset("vocabulario", tags=[{"name": "ods-6", "vocabulary_id": vocab["id"]},
                                                    {"name": "ods-11", "vocabulary_id": vocab["id"]},
                                                    {"name": "catastro"}, {"name": "zona"}]),
        "grupos": dataset("grupos", groups=[{"name": "grupo-0"}, {"name": "grupo-1"}, {"name": "grupo-3"}]),
        "grupos-empatados": dataset("grupos-empatados", groups=[{"name": "grupo-1"}, {"name": "grupo-2"}]),
        "relacionado": dataset("relacionado"),
        "vacio": dataset("vacio", license_id="cc-by"),
        "archivo-subido": dataset("archivo-subido", resources=[
            {"url": "http://localhost/dataset/x/resource/y/download/datos.csv", "url_type": "upload",
             "format": "CSV", "name": "Subido"}]),
    }
    call_action("package_relationship_create", context=dict(context), subject=made["relacionado"]["id"],
                object=made["vacio"]["id"], type="depends_on")
    ids = {name: d["id"] for name, d in made.items()}
    session = model.Session
    recursos = made["recursos-borrados"]
    session.execute(sa.text("UPDATE resource SET state = 'deleted' WHERE id = :id"),
                    {"id": recursos["resources"][0]["id"]})
    session.execute(sa.text("UPDATE package_extra SET state = 'deleted' WHERE package_id = :p AND key = 'nota'"),
                    {"p": recursos["id"]})
    session.execute(sa.text("UPDATE package SET owner_org = NULL WHERE id = :p"), {"p": ids["sin-dependencia"]})
    session.execute(sa.text("UPDATE \"group\" SET state = 'deleted' WHERE id = :g"), {"g": gone_org["id"]})
    session.execute(sa.text("UPDATE package_tag SET state = 'deleted' WHERE package_id = :p AND tag_id = "
                            "(SELECT id FROM tag WHERE name = 'zona')"), {"p": ids["vocabulario"]})
    session.execute(sa.text("UPDATE member SET state = 'deleted' WHERE table_id = :p AND group_id = :g"),
                    {"p": ids["grupos"], "g": groups[3]["id"]})
    session.commit()
    return ids


def _spy_on_bulk(monkeypatch) -> list[str]:
    """The datasets the bulk read answered (the others went through package_show)."""
    from ckanext.pueblaabierto.search import bulk_show

    answered: list[str] = []
    real = bulk_show.package_shows

    def spying(packages, context):
        answers = real(packages, context)
        answered.extend(pkg.name for pkg, answer in zip(packages, answers, strict=True) if answer is not None)
        return answers

    monkeypatch.setattr(bulk_show, "package_shows", spying)
    return answered


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto")
@pytest.mark.usefixtures("catalog")
def test_bulk_read_rows_equal_package_show_on_odd_datasets(monkeypatch):
    _odd_catalog()
    expected = _one_by_one()
    assert len(expected) == 6 + 10
    answered = _spy_on_bulk(monkeypatch)
    monkeypatch.setattr(rebuild, "BATCH_SIZE", 7)  # several batches, groups shared across them
    search_lib.clear_all()
    search_lib.rebuild(defer_commit=True)
    assert _rows() == expected
    # Ties and relationships go through package_show; everything else was read in bulk.
    assert len(answered) == 16 - 3
    assert {"grupos-empatados", "relacionado", "vacio"}.isdisjoint(answered)


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto")
@pytest.mark.usefixtures("catalog")
def test_bulk_read_only_where_package_show_is_ckans(monkeypatch):
    import ckan.logic as logic
    from ckanext.pueblaabierto.search import bulk_show

    assert bulk_show.usable()  # the portal's own wrapper of package_show changes nothing here
    get_action = logic.get_action
    show = get_action("package_show")

    def changed_show(context, data_dict):  # as an extension's own package_show would
        return dict(show(context, data_dict), cambiado=True)

    monkeypatch.setattr(logic, "get_action", lambda name: changed_show if name == "package_show" else get_action(name))
    assert not bulk_show.usable()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("clean_db", "with_plugins", "clean_index")
def test_bulk_read_with_scheming_equals_package_show(monkeypatch):
    context = {"user": factories.Sysadmin()["name"]}
    org = call_action("organization_create", context=dict(context), **organization_dict())
    call_action("package_create", context=dict(context), **dataset_dict(org["id"]))
    call_action("package_create", context=dict(context),
                **dataset_dict(org["id"], name="puntos-wifi-privado", private=True, id_dataset="4",
                               resources=[resource_dict(), resource_dict(name="Otra tabla", format="XLSX")]))
    expected = _one_by_one()
    answered = _spy_on_bulk(monkeypatch)
    search_lib.clear_all()
    search_lib.rebuild(defer_commit=True)
    assert _rows() == expected
    assert sorted(answered) == ["puntos-wifi", "puntos-wifi-privado"]


def test_navl_plans_validate_as_navl():
    """Same data and errors as navl, for shapes seen again, junk, extras and a misplaced value."""
    import ckan.lib.navl.dictization_functions as df
    from ckan.logic.schema import default_show_package_schema
    from ckanext.pueblaabierto.search import navl_plans

    def dataset(n_resources, **more):
        return {"name": "xx-nombre", "title": 7, "resources": [{"url": f"u{i}", "otro": i} for i in range(n_resources)],
                "tags": [{"name": "t"}], "campo_libre": "v", **more}

    def context():
        return {"model": model, "session": model.Session}

    datasets = [dataset(1), dataset(2), dataset(1, notes="n"), dataset(2), dataset(0, groups=[{"name": "g"}])]
    for data in datasets:
        flat = df.flatten_dict(data)
        expected = df._validate(dict(flat), default_show_package_schema(), context())
        with navl_plans.reused_plans():
            assert df._validate is navl_plans._validate
            got = df.validate(data, default_show_package_schema(), context())
            assert navl_plans._validate(dict(flat), default_show_package_schema(), context()) == expected
        assert got == df.validate(data, default_show_package_schema(), context())
    assert df._validate is not navl_plans._validate
    misplaced = df.flatten_dict({"name": "x", "resources": "texto"})
    with pytest.raises(df.DataError) as from_navl:
        df._validate(misplaced, default_show_package_schema(), context())
    with navl_plans.reused_plans(), pytest.raises(df.DataError) as from_plans:
        df._validate(misplaced, default_show_package_schema(), context())
    assert str(from_plans.value) == str(from_navl.value)


@pytest.mark.ckan_config("ckan.plugins", " ".join(PORTAL_PLUGINS))
@pytest.mark.usefixtures("with_plugins")
def test_bulk_read_is_on_with_every_plugin_of_the_portal():
    """With the portal's whole plugin list no extension changes package_show: the fast path stays on."""
    from ckanext.pueblaabierto.search import bulk_show

    assert bulk_show.usable()
