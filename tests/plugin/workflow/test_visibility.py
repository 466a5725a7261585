"""Who sees an unpublished dataset, over every read path of issue 7 item 4.

Matrix: viewers (anonymous, another dependency's editor, each liaison) x states (borrador,
en_revision, publicado) x read paths (package_show, package_search and its facet counts,
resource page and download, datastore_search and SQL, DCAT, /data.json, Data Packages, activity
streams, dashboard).
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from tests.plugin.verification.helpers import run_validation

from .conftest import act, new_dataset, publish_path

PLUGINS_VIS = "pueblaabierto activity datastore pueblaabierto_datastore dcat dcat_json_interface"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS_VIS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "euro_dcat_ap_3"),
    pytest.mark.usefixtures("with_plugins"),
]

VIEWERS = ["anonymous", "outsider", "datos", "seguridad", "transparencia", "tecnico"]
EXPECTED = {
    "borrador": {"datos", "seguridad"},
    "en_revision": {"datos", "seguridad", "transparencia", "tecnico"},
    "publicado": set(VIEWERS),
}


@pytest.fixture
def world(people):
    """Three datasets of the same dependency, one per state, each with DataStore data."""
    datasets = {}
    for state in ("borrador", "en_revision", "publicado"):
        dataset = new_dataset(people, name=f"conjunto-{state.replace('_', '-')}", title=f"Secreto {state}",
                              tags=[{"name": f"etiqueta-{state.replace('_', '-')}"}])
        resource = dataset["resources"][0]
        # The DataStore is loaded by the server only, from the validated file (loading/).
        assert run_validation(dataset["id"])["status"] == "valido"
        loaded = act(people.sysadmin, "datastore_search", resource_id=resource["id"])
        assert [r["folio"] for r in loaded["records"]] == [1, 2], loaded["records"]
        if state == "en_revision":
            act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
        if state == "publicado":
            publish_path(people, dataset["id"])
        datasets[state] = act(people.sysadmin, "package_show", id=dataset["id"])
    users = {name: getattr(people, name) for name in VIEWERS if name != "anonymous"}
    users["anonymous"] = None
    tokens = {
        name: (factories.APIToken(user=user["name"])["token"] if user else None) for name, user in users.items()
    }
    return datasets, users, tokens


def _can(func) -> bool:
    try:
        func()
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


@pytest.mark.parametrize("viewer", VIEWERS)
def test_package_show_resource_show_and_datastore(world, viewer):
    datasets, users, _tokens = world
    who = users[viewer]
    for state, dataset in datasets.items():
        expected = viewer in EXPECTED[state]
        rid = dataset["resources"][0]["id"]
        assert _can(lambda d=dataset: act(who, "package_show", id=d["id"])) is expected, (state, "package_show")
        assert _can(lambda r=rid: act(who, "resource_show", id=r)) is expected, (state, "resource_show")
        assert _can(lambda r=rid: act(who, "datastore_search", resource_id=r)) is expected, (state, "datastore")
        sql = f'SELECT folio FROM "{rid}"'
        assert _can(lambda s=sql: act(who, "datastore_search_sql", sql=s)) is expected, (state, "datastore_sql")
        assert _can(lambda d=dataset: act(who, "package_activity_list", id=d["id"])) is expected, (state, "activity")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_search_and_facet_counts(world, viewer):
    datasets, users, _tokens = world
    result = act(users[viewer], "package_search", q="Secreto", include_private=True,
                 **{"facet.field": '["tags", "organization"]'})
    names = {d["name"] for d in result["results"]}
    expected = {d["name"] for state, d in datasets.items() if viewer in EXPECTED[state]}
    assert names == expected
    assert result["count"] == len(expected)
    tags = {item["name"] for item in result["search_facets"]["tags"]["items"]}
    assert tags == {f"etiqueta-{s.replace('_', '-')}" for s in datasets if viewer in EXPECTED[s]}
    org_counts = {item["name"]: item["count"] for item in result["search_facets"]["organization"]["items"]}
    assert org_counts.get("movilidad", 0) == len(expected)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_web_pages_downloads_and_dcat(app, world, viewer):
    datasets, _users, tokens = world
    headers = {"Authorization": tokens[viewer]} if tokens[viewer] else {}
    for state, dataset in datasets.items():
        expected = viewer in EXPECTED[state]
        rid = dataset["resources"][0]["id"]
        page = app.get(f"/dataset/{dataset['name']}", headers=headers)
        assert (page.status_code == 200) is expected, (state, "page")
        resource_page = app.get(f"/dataset/{dataset['name']}/resource/{rid}", headers=headers)
        assert (resource_page.status_code == 200) is expected, (state, "resource page")
        download = app.get(f"/dataset/{dataset['id']}/resource/{rid}/download", headers=headers,
                           follow_redirects=False)
        assert (download.status_code in (200, 302)) is expected, (state, "download", download.status_code)
        rdf = app.get(f"/dataset/{dataset['name']}.rdf", headers=headers)
        assert (rdf.status_code == 200) is expected, (state, "dcat rdf", rdf.status_code)
        # Data Packages: only of published datasets, whoever asks (drafts included).
        package = app.get(f"/dataset/{dataset['name']}/datapackage.json", headers=headers)
        assert (package.status_code == 200) is (state == "publicado"), (state, "datapackage", package.status_code)
    catalog = app.get("/catalog.ttl", headers=headers).get_data(as_text=True)
    catalog_json = app.get("/dcat.json", headers=headers).get_data(as_text=True)
    exports = {path: app.get(path, headers=headers).get_data(as_text=True)
               for path in ("/data.json", "/catalog.json")}
    for state, dataset in datasets.items():
        if state != "publicado":
            # The public catalogue never lists unpublished datasets, whoever asks.
            assert dataset["id"] not in catalog and dataset["title"] not in catalog, state
            assert dataset["title"] not in catalog_json, state
            for path, text in exports.items():
                assert dataset["id"] not in text and dataset["title"] not in text, (path, state)
    assert datasets["publicado"]["id"] in catalog and "Secreto publicado" in catalog_json
    assert all(datasets["publicado"]["id"] in text for text in exports.values())


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_activity_streams_and_dashboard_show_nothing_unpublished(world, viewer):
    datasets, users, _tokens = world
    who = users[viewer]
    streams = [
        act(who, "recently_changed_packages_activity_list"),
        act(who, "organization_activity_list", id="movilidad"),
    ]
    if who is not None:
        streams.append(act(who, "dashboard_activity_list"))
    text = repr(streams)
    for state in ("borrador", "en_revision"):
        assert datasets[state]["id"] not in text, state
        assert f"Secreto {state}" not in text, state
    assert "Secreto publicado" in repr(streams[0])


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_listings_and_organization_page_show_nothing_unpublished(app, world, viewer):
    datasets, users, tokens = world
    who = users[viewer]
    listings = {
        "package_list": act(who, "package_list"),
        "current_package_list_with_resources": act(who, "current_package_list_with_resources"),
        "package_autocomplete": act(who, "package_autocomplete", q="conjunto"),
        "organization_show": act(who, "organization_show", id="movilidad", include_datasets=True),
    }
    headers = {"Authorization": tokens[viewer]} if tokens[viewer] else {}
    listings["organization page"] = app.get("/organization/movilidad", headers=headers).get_data(as_text=True)
    listings["dataset search page"] = app.get("/dataset/?q=Secreto", headers=headers).get_data(as_text=True)
    for name, listing in listings.items():
        text = listing if isinstance(listing, str) else repr(listing)
        for state in ("borrador", "en_revision"):
            assert datasets[state]["name"] not in text, (name, state)
        assert datasets["publicado"]["name"] in text, name
    assert act(who, "organization_show", id="movilidad")["package_count"] == 1


def test_liaison_emails_are_only_for_sysadmins(people):
    assert all("email" not in row for row in act(people.datos, "workflow_role_list"))
    assert all(row["email"] for row in act(people.sysadmin, "workflow_role_list"))
