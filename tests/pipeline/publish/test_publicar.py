"""``pueblaabierto publicar`` end to end against a real CKAN over HTTP (live_ckan).

What a liaison would notice: how many datasets and resources the portal shows, whether a
re-run touched anything (metadata_modified, activity), DataStore rows and their dictionary,
privacy while incomplete, exit codes and Spanish messages.
"""

from __future__ import annotations

import time

import ckanapi
import pytest

from tests.live_ckan import free_port, wait_for_datastore, wait_for_validation

from .conftest import Resource, csv_bytes


def org_datasets(api, org_name: str) -> list[dict]:
    org = api.action.organization_show(id=org_name, include_datasets=False)
    found = api.action.package_search(fq=f'owner_org:"{org["id"]}"', include_private=True, rows=100)
    return found["results"]


def only_dataset(api, run) -> dict:
    [dataset] = run.data["datasets"]
    return api.action.package_show(id=dataset["nombre"])


def activity_count(api, dataset_id: str) -> int:
    return len(api.action.package_activity_list(id=dataset_id, limit=100))


def test_first_publish_loads_everything_privately_and_prints_the_link(cli, form, live_ckan):
    form.write()
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    api = live_ckan.api()

    pkg = only_dataset(api, run)
    assert pkg["title"] == form.dataset_title
    # The server's verdict, awaited after the uploads (same keys as with --enviar-revision, plus its line).
    verdict = run.data["datasets"][0]["validacion_portal"]
    assert verdict["status"] == "valido" and verdict["resumen"] == "Validación del portal: sin errores"
    assert pkg["private"] is True  # the workflow (or the last step) decides publication
    assert pkg["tema"] == "economia-y-empleo"
    assert pkg["frecuencia"] == "anual"
    assert pkg["responsable_correo"] == "pedro.juarez@pueblacapital.gob.mx"
    assert pkg["license_id"] == "libre-uso-mx"
    assert {t["name"] for t in pkg["tags"]} == {"mercados", "abasto"}
    assert [d["termino"] for d in pkg["diccionario"]] == ["mercado", "locales", "apertura"]
    org = api.action.organization_show(id=pkg["owner_org"])
    assert org["title"] == form.dependencia
    assert str(org["id_dependencia"]) == str(form.id_dependencia)
    assert org["image_url"], "el logotipo se sube con la dependencia"

    [resource] = pkg["resources"]
    assert resource["name"] == "Mercados 2024"
    assert resource["url_type"] == "upload"
    assert resource["fecha_inicio"].startswith("2024-01-01")
    # publicar uploads the file; the server validates it, loads the DataStore and makes the view.
    assert wait_for_datastore(api, resource["id"])["datastore_active"] is True
    table = api.action.datastore_search(resource_id=resource["id"], limit=0)
    assert table["total"] == 3
    fields = {f["id"]: f for f in table["fields"]}
    assert fields["locales"]["type"] in ("int8", "int4", "numeric")
    assert fields["locales"]["info"]["notes"] == "Número de locales comerciales."
    deadline = time.monotonic() + 120  # the view is made right after the load, in the same job
    while "datatables_view" not in [v["view_type"] for v in api.action.resource_view_list(id=resource["id"])]:
        assert time.monotonic() < deadline, "el servidor no creó la vista «Tabla»"
        time.sleep(0.5)

    # The "enlace de publicación" the procedure requires.
    text = cli("publicar", str(form.path))
    assert f"{live_ckan.url}/dataset/{pkg['name']}" in text.output


def test_identical_republish_writes_nothing(cli, form, live_ckan):
    form.write()
    assert cli("publicar", str(form.path)).code == 0
    api = live_ckan.api()
    first = cli("publicar", str(form.path), "--json")
    pkg = only_dataset(api, first)
    before_activity = activity_count(api, pkg["id"])
    org_before = api.action.organization_show(id=pkg["owner_org"])

    again = cli("publicar", str(form.path), "--json")
    assert again.code == 0, again.output
    assert again.data["escrituras"] == 0
    assert again.data["estado"] == "sin_cambios"
    after = api.action.package_show(id=pkg["id"])
    assert after["metadata_modified"] == pkg["metadata_modified"]
    assert len(after["resources"]) == 1
    assert activity_count(api, pkg["id"]) == before_activity
    assert len(org_datasets(api, org_before["name"])) == 1
    assert api.action.organization_show(id=pkg["owner_org"])["image_url"] == org_before["image_url"]


def test_changed_file_is_uploaded_and_reloaded_without_touching_the_other_resource(cli, form, live_ckan):
    form.resources = [
        Resource("mercados.csv", "Mercados 2024", csv_bytes(3)),
        Resource("mercados_2023.csv", "Mercados 2023", csv_bytes(2), inicio=form.resources[0].inicio.replace(2023),
                 fin=form.resources[0].fin.replace(2023)),
    ]
    form.write()
    first = cli("publicar", str(form.path), "--json")
    assert first.code == 0, first.output
    api = live_ckan.api()
    for resource in only_dataset(api, first)["resources"]:  # the server's load marks each resource
        wait_for_datastore(api, resource["id"])
    before = {r["name"]: r for r in only_dataset(api, first)["resources"]}

    form.resources[0].content = csv_bytes(5)
    form.write()
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    after = {r["name"]: r for r in only_dataset(api, run)["resources"]}
    assert len(after) == 2
    assert after["Mercados 2024"]["id"] == before["Mercados 2024"]["id"]  # updated, not duplicated
    assert after["Mercados 2024"]["sha256"] != before["Mercados 2024"]["sha256"]
    wait_for_datastore(api, after["Mercados 2024"]["id"], rows=5)  # reloaded by the server from the new file
    # The untouched resource keeps its dates and its file (the national tool's failure).
    assert after["Mercados 2023"] == before["Mercados 2023"]


def test_changed_metadata_updates_the_same_dataset_without_uploading(cli, form, live_ckan):
    form.write()
    first = cli("publicar", str(form.path), "--json")
    api = live_ckan.api()
    pkg = only_dataset(api, first)

    form.dataset_title = form.dataset_title + " (actualizado)"
    form.notes = "Padrón de mercados municipales con locales, actualizado al cierre del año."
    form.write()
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    after = only_dataset(api, run)
    assert after["id"] == pkg["id"] and after["name"] == pkg["name"]  # identity: id_dataset, not the title
    assert after["title"] == form.dataset_title
    assert after["notes"] == form.notes
    assert after["resources"][0]["last_modified"] == pkg["resources"][0]["last_modified"]
    assert run.data["datasets"][0]["pasos"] == ["Actualizar los metadatos del conjunto de datos"]
    assert len(org_datasets(api, api.action.organization_show(id=pkg["owner_org"])["name"])) == 1


def test_removed_resource_is_reported_and_deleted_only_when_asked(cli, form, live_ckan):
    form.resources.append(Resource("mercados_2023.csv", "Mercados 2023", csv_bytes(2)))
    form.write()
    assert cli("publicar", str(form.path)).code == 0
    form.resources.pop()
    form.write()

    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    [dataset] = run.data["datasets"]
    assert dataset["recursos_fuera_del_formato"] == ["Mercados 2023"]
    api = live_ckan.api()
    assert len(api.action.package_show(id=dataset["nombre"])["resources"]) == 2
    text = cli("publicar", str(form.path))
    assert "no se borraron" in text.output and "--eliminar-recursos" in text.output

    run = cli("publicar", str(form.path), "--eliminar-recursos", "--json")
    assert run.code == 0, run.output
    assert run.data["datasets"][0]["recursos_eliminados"] == ["Mercados 2023"]
    assert [r["name"] for r in api.action.package_show(id=dataset["nombre"])["resources"]] == ["Mercados 2024"]


def test_invalid_submission_is_refused_with_the_validation_report(cli, form, live_ckan):
    form.tema = "Deportes extremos"
    form.write()
    run = cli("publicar", str(form.path))
    assert run.code == 1
    assert "Revisión del FORM.317" in run.output
    assert "No se publicó nada" in run.output
    api = live_ckan.api()
    with pytest.raises(ckanapi.NotFound):
        api.action.organization_show(id=f"dependencia-{form.id_dependencia}")
    names = [o["title"] for o in api.action.organization_list(all_fields=True, limit=1000)]
    assert form.dependencia not in names


def test_wrong_token_is_explained_and_never_shown(cli, form):
    form.write()
    secret = "token-equivocado-123456"
    run = cli("publicar", str(form.path), token=secret)
    assert run.code == 1
    assert "El token de API no es válido o no tiene permisos" in run.output
    assert secret not in run.output
    assert "Traceback" not in run.output


def test_ckan_down_is_explained(cli, form):
    form.write()
    url = f"http://127.0.0.1:{free_port()}"
    run = cli("publicar", str(form.path), url=url)
    assert run.code == 1
    assert f"No se pudo conectar con el portal en {url}" in run.output
    assert "Traceback" not in run.output


def test_missing_token_is_a_usage_problem(cli, form):
    form.write()
    run = cli("publicar", str(form.path), token=" ")
    assert run.code == 2
    assert "Falta el token de API" in run.output


def test_enviar_revision_moves_complete_datasets_to_review(cli, form, live_ckan):
    api = live_ckan.api()
    try:
        api.action.workflow_show(id="__ninguno__")
    except ckanapi.NotFound:
        pass
    except ckanapi.CKANAPIError:
        pytest.skip("este CKAN no tiene el flujo de validación")
    form.write()
    run = cli("publicar", str(form.path), "--enviar-revision", "--json")
    assert run.code == 0, run.output
    pkg = only_dataset(api, run)
    assert api.action.workflow_show(id=pkg["id"])["state"] == "en_revision"
    # Sent on the portal's own verdict (no report of the client's), shown in the output.
    [dataset] = run.data["datasets"]
    assert dataset["validacion_portal"]["status"] == "valido"
    assert "Validación del portal: sin errores" in dataset["pasos"]
    assert pkg["private"] is True
    again = cli("publicar", str(form.path), "--enviar-revision", "--json")
    assert again.code == 0 and again.data["escrituras"] == 0


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Mercado 5 de Mayo</name><Point><coordinates>-98.1990,19.0470</coordinates></Point></Placemark>
<Placemark><name>Mercado Zaragoza</name><Point><coordinates>-98.2100,19.0600</coordinates></Point></Placemark>
</Document></kml>
"""


def test_kml_is_offered_as_geojson_next_to_the_original_with_a_map(cli, form, live_ckan):
    form.resources = [Resource("mercados.kml", "Ubicación de mercados", KML, tipo="Mapa", formato="KML")]
    form.terms = [("Name", "Nombre del mercado.")]
    form.write()
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    api = live_ckan.api()
    resources = {r["name"]: r for r in only_dataset(api, run)["resources"]}
    assert set(resources) == {"Ubicación de mercados", "Ubicación de mercados (GeoJSON)"}
    geojson = resources["Ubicación de mercados (GeoJSON)"]
    assert geojson["format"].upper() == "GEOJSON"
    assert geojson["url"].endswith("mercados.geojson")
    import requests

    features = requests.get(geojson["url"], headers={"Authorization": live_ckan.token}, timeout=30).json()
    assert len(features["features"]) == 2
    # The map view is made by the server once it validated the data (same job as the DataStore load).
    verdict = wait_for_validation(api, geojson["package_id"])
    assert verdict["status"] == "valido", verdict["report"]
    deadline = time.monotonic() + 120
    while "geojson_view" not in {v["view_type"] for v in api.action.resource_view_list(id=geojson["id"])}:
        assert time.monotonic() < deadline, "el servidor no creó la vista «Mapa» del GeoJSON"
        time.sleep(0.5)
    assert cli("publicar", str(form.path), "--json").data["escrituras"] == 0


def test_unreadable_workbook_cannot_start(cli, tmp_path):
    broken = tmp_path / "FORM.317.xlsx"
    broken.write_bytes(b"esto no es un libro de Excel")
    run = cli("publicar", str(broken))
    assert run.code == 2
    assert "No se pudo revisar" in run.output and "Traceback" not in run.output


def test_changes_to_a_published_dataset_go_into_a_workflow_update(cli, form, live_ckan):
    api = live_ckan.api()
    try:
        api.action.workflow_update_start(id="__ninguno__")
    except ckanapi.NotFound:
        pass
    except ckanapi.CKANAPIError:
        pytest.skip("este CKAN no tiene actualizaciones en el flujo de validación")
    form.write()
    first = cli("publicar", str(form.path), "--json")
    pkg = only_dataset(api, first)
    wait_for_validation(api, pkg["id"])
    api.action.workflow_demo_publish(id=pkg["id"])
    public = api.action.package_show(id=pkg["id"])
    assert public["private"] is False

    form.dataset_title += " (corregido)"
    form.resources[0].content = csv_bytes(4)
    form.write()
    run = cli("publicar", str(form.path), "--json")
    [dataset] = run.data["datasets"]
    assert run.code == 0, run.output
    assert dataset["url"].endswith(f"/dataset/{pkg['name']}")  # the public link does not change
    assert dataset["actualizacion"]
    # Citizens keep seeing the published version, untouched.
    after = api.action.package_show(id=pkg["id"])
    assert after["metadata_modified"] == public["metadata_modified"] and after["title"] == public["title"]
    update = api.action.package_show(id=dataset["actualizacion"].rsplit("/", 1)[1])
    assert update["private"] is True and update["title"] == form.dataset_title
    wait_for_datastore(api, update["resources"][0]["id"], rows=4)  # the copy's own table, loaded by the server

    again = cli("publicar", str(form.path), "--json")
    assert again.code == 0 and again.data["escrituras"] == 0, again.output


def test_malformed_portal_address_is_explained(cli, form):
    form.write()
    run = cli("publicar", str(form.path), url="datos.pueblacapital.gob.mx")
    assert run.code == 1
    assert "debe empezar con http:// o https://" in run.output and "Traceback" not in run.output


CURP = "BOXW310820HNERXN09"  # valid check digit


def test_the_terminal_table_shows_the_portals_verdict_of_each_dataset(cli, form, live_ckan, tmp_path):
    # Without --json nor --enviar-revision: the enlace reads the server's verdict in the table.
    form.write()
    run = cli("publicar", str(form.path), COLUMNS="400")
    assert run.code == 0, run.output
    assert "Validación del portal: sin errores" in run.output
    assert "datos personales" not in run.output

    # A CURP the enlace let through locally (--permitir): the server still finds it, for review.
    personal = type(form)(tmp_path / "con-curp")
    personal.resources[0].content = (
        f"mercado,locales,apertura\nMercado 1,100,2024-01-10\n{CURP},101,2024-02-11\n".encode()
    )
    personal.write()
    run = cli("publicar", str(personal.path), "--permitir", CURP, COLUMNS="400")
    assert run.code == 0, run.output
    assert ("Validación del portal: sin errores; 1 hallazgo(s) de datos personales que revisará el Enlace de "
            "Seguridad") in run.output
    assert CURP not in run.output
    # Unchanged: nothing written, no verdict to wait for.
    data = cli("publicar", str(personal.path), "--permitir", CURP, "--json").data
    assert data is not None and data["escrituras"] == 0


def test_a_term_that_names_its_resource_is_published_with_that_resource(cli, form, live_ckan):
    """The Diccionario's «Recurso» column reaches the portal as the resource's name, which the
    schema's pa_recurso_del_conjunto accepts and the resource pages use (pa_diccionario)."""
    form.resources = [Resource("mercados.csv", "Mercados 2024", csv_bytes(3)),
                      Resource("mercados_2023.csv", "Mercados 2023", csv_bytes(2, start=10))]
    form.terms = [
        ("mercado", "Nombre del mercado."),
        ("locales", "Número de locales comerciales."),
        ("apertura", "Fecha de apertura del padrón 2024.", "mercados.csv"),
        ("apertura", "Fecha de apertura del padrón 2023.", "mercados_2023"),
    ]
    form.write()
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 0, run.output
    pkg = only_dataset(live_ckan.api(), run)
    assert [(d["termino"], d.get("recurso") or "") for d in pkg["diccionario"]] == [
        ("mercado", ""), ("locales", ""), ("apertura", "Mercados 2024"), ("apertura", "Mercados 2023"),
    ]
    again = cli("publicar", str(form.path), "--json")
    assert again.code == 0 and pkg["metadata_modified"] == only_dataset(live_ckan.api(), again)["metadata_modified"]
