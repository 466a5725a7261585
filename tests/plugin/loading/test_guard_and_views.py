"""Who may write the DataStore, the views the server makes, and the upload size limit."""

from __future__ import annotations

import io
import json
import zipfile

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto import loading
from werkzeug.datastructures import FileStorage

from .conftest import PLUGINS, entry, obras, write_csv

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "app"),  # app: url_for as in the jobs worker (charts_view needs it)
]

CURP_ROW = {"numero_contrato": "X-1", "obra": "GODE561231HDFRRN09", "colonia": "Centro"}


def trusted() -> dict:
    """In-process, as the site user (what the loader and the validation job are)."""
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site["name"], "ignore_auth": True}


def as_user(user: dict, action: str, **data):
    """Like an API request: the user's own rights, no ignore_auth."""
    return tk.get_action(action)({"user": user["name"], "ignore_auth": False}, data)


@pytest.mark.ckan_config("pueblaabierto.datastore.solo_servidor", "true")
def test_web_and_api_cannot_write_the_datastore_only_the_loader(app, resource, tmp_path):
    sysadmin = factories.Sysadmin()
    path = write_csv(tmp_path / "obras.csv", obras(5))
    loading.after_validation(resource["package_id"], [entry(resource, path)])

    for action, data in (
        ("datastore_upsert", {"records": [CURP_ROW], "method": "insert", "force": True}),
        ("datastore_create", {"records": [CURP_ROW], "force": True}),
        ("datastore_delete", {"force": True}),
        ("datastore_run_triggers", {}),
    ):
        with pytest.raises(tk.ValidationError) as refused:
            as_user(sysadmin, action, resource_id=resource["id"], **data)
        assert "sólo el servidor" in json.dumps(refused.value.error_dict, ensure_ascii=False)

    # The same over HTTP, with a sysadmin's API token.
    token = factories.APIToken(user=sysadmin["name"])["token"]
    response = app.post("/api/3/action/datastore_upsert", headers={"Authorization": token},
                        json={"resource_id": resource["id"], "records": [CURP_ROW], "method": "insert",
                              "force": True}, status=409)
    assert "sólo el servidor" in response.json["error"]["datastore"][0]
    assert "suba el archivo corregido" in response.json["error"]["datastore"][0]

    # Nothing the validation did not read reached the table.
    search = call_action("datastore_search", resource_id=resource["id"], q="GODE561231HDFRRN09")
    assert search["total"] == 0
    assert call_action("datastore_search", resource_id=resource["id"], limit=0)["total"] == 5


def test_auto_is_on_with_this_plugin_and_false_gives_the_api_back_the_datastore(resource, ckan_config, monkeypatch):
    # "auto" (the default): this plugin always registers dataset_validation_show, so the API may
    # not write; "auto" matters to ``pueblaabierto publicar`` against other portals.
    sysadmin = factories.Sysadmin()
    data = {"resource_id": resource["id"], "force": True, "fields": [{"id": "a", "type": "text"}],
            "records": [{"a": "x"}]}
    with pytest.raises(tk.ValidationError, match="sólo el servidor"):
        as_user(sysadmin, "datastore_create", **data)
    # "false": the DataStore takes API writes as in plain CKAN (a portal without the workflow).
    monkeypatch.setitem(ckan_config, "pueblaabierto.datastore.solo_servidor", "false")
    as_user(sysadmin, "datastore_create", **data)
    assert call_action("datastore_search", resource_id=resource["id"])["total"] == 1


def test_grafico_gets_a_chart_of_a_number_by_a_label(resource, tmp_path):
    call_action("resource_patch", context=trusted(), id=resource["id"], tipo_visualizacion="grafico")
    path = write_csv(tmp_path / "obras.csv", obras(6))

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])

    views = {v["view_type"]: v for v in call_action("resource_view_list", id=resource["id"])}
    assert outcome["error"] is None and outcome["avisos"] == [], outcome["error"]
    assert "charts_view" in views, views
    chart = views["charts_view"]
    assert chart["title"] == "Gráfico"
    assert chart["x"] == "numero_contrato" and chart["y"] == "monto_contratado_mxn"
    # Running again adds nothing.
    loading.after_validation(resource["package_id"], [entry(resource, path)])
    assert len(call_action("resource_view_list", id=resource["id"])) == len(views)


def _shapefile_zip(tmp_path) -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"nombre": ["Parque Ecológico", "Zócalo"]},
                             geometry=[Point(-98.17, 19.03), Point(-98.198, 19.043)], crs="EPSG:4326")
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "parques.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    return buffer.getvalue()


def test_mapa_of_a_shapefile_gets_its_geojson_and_a_map(resource, tmp_path):
    pkg_id = resource["package_id"]
    shp = call_action("resource_create", context=trusted(), package_id=pkg_id, name="Parques", url="http://example.com/parques.zip",
                      format="SHP", tipo_visualizacion="mapa", nombre_archivo="parques.zip")
    path = tmp_path / "parques.zip"
    path.write_bytes(_shapefile_zip(tmp_path))

    [outcome] = loading.after_validation(pkg_id, [entry(shp, path, formato="SHP")])

    assert outcome["error"] is None
    pkg = call_action("package_show", id=pkg_id)
    derived = next(r for r in pkg["resources"] if r["name"] == "Parques (GeoJSON)")
    assert derived["format"].upper() == "GEOJSON" and derived["derivado_de"] == "Parques"
    assert derived["url_type"] == "upload" and derived["url"].endswith("parques.geojson")
    assert [v["view_type"] for v in call_action("resource_view_list", id=derived["id"])] == ["geojson_view"]
    # Unchanged source: the GeoJSON is not made again.
    loading.after_validation(pkg_id, [entry(shp, path, formato="SHP")])
    again = call_action("package_show", id=pkg_id)
    assert [r["id"] for r in again["resources"]] == [r["id"] for r in pkg["resources"]]
    assert call_action("resource_show", id=derived["id"])["metadata_modified"] == derived["metadata_modified"]


@pytest.mark.ckan_config("ckan.max_resource_size", "1")
def test_upload_above_the_limit_is_refused_in_spanish(resource):
    sysadmin = factories.Sysadmin()
    big = FileStorage(stream=io.BytesIO(b"a,b\n" + b"1,2\n" * 300_000), filename="grande.csv")
    with pytest.raises(tk.ValidationError) as refused:
        as_user(sysadmin, "resource_create", package_id=resource["package_id"], name="Grande", format="CSV",
                upload=big, url="grande.csv")
    message = refused.value.error_dict["upload"][0]
    assert "«grande.csv» pesa 1.1 MB" in message and "hasta 1 MB" in message
    small = FileStorage(stream=io.BytesIO(b"a,b\n1,2\n"), filename="chica.csv")
    created = as_user(sysadmin, "resource_create", package_id=resource["package_id"], name="Chica", format="CSV",
                      upload=small, url="chica.csv")
    assert created["url_type"] == "upload"
