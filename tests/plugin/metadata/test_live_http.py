"""FORM.317 over HTTP against a real CKAN (``live_ckan``): API, pages, DataStore info and DCAT."""

from __future__ import annotations

import io
from datetime import date, timedelta

import ckanapi
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from tests.live_ckan import wait_for_datastore, wait_for_validation

from .conftest import dataset_dict, organization_dict, resource_dict

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


def upload_file(api: ckanapi.RemoteCKAN, resource_id: str, content: bytes = b"colonia,latitud\nCentro,19.04\n") -> None:
    """Give a resource its file: the server validates what it reads (example.com does not answer here)."""
    api.action.resource_patch(id=resource_id, upload=("puntos_wifi.csv", io.BytesIO(content)))


def publish(api: ckanapi.RemoteCKAN, dataset_id: str) -> None:
    """Public datasets go through the review workflow; the sysadmin demo walk publishes one."""
    try:
        wait_for_validation(api, dataset_id)
        api.call_action("workflow_demo_publish", {"id": dataset_id})
    except ckanapi.CKANAPIError as error:  # no workflow in this build: datasets are public already
        if "workflow_demo_publish" not in str(error):
            raise


@pytest.fixture(scope="module")
def published(live_ckan):
    """One dependencia and one complete dataset, created through the API like a developer would."""
    api = live_ckan.api()
    org = api.action.organization_create(**organization_dict(name="movilidad-live", id_dependencia="77"))
    start = date.today() - timedelta(days=40)
    end = date.today() - timedelta(days=5)
    data = dataset_dict(org["id"], name="wifi-live", resources=[
        resource_dict(fecha_inicio=start.isoformat(), fecha_fin=end.isoformat()),
    ])
    pkg = api.action.package_create(**data)
    resource_id = pkg["resources"][0]["id"]
    # The file itself, with every column the dictionary below describes. The server validates
    # it and loads it into the DataStore (datastore_create from the API is refused).
    upload_file(api, resource_id, b"colonia,latitud,colonia_extra\nCentro,19.04,Centro\n")
    # An edit of the dictionary in the portal refreshes the DataStore field info.
    api.action.package_patch(id=pkg["id"], diccionario=data["diccionario"] + [
        {"termino": "colonia_extra", "descripcion": "No existe en el archivo.", "recurso": ""}])
    wait_for_datastore(api, resource_id)
    publish(api, pkg["id"])
    return {"org": org, "pkg": api.action.package_show(id=pkg["id"]), "resource_id": resource_id,
            "start": start, "end": end}


def test_api_returns_every_form317_field(live_ckan, published):
    anonymous = live_ckan.api(token="")
    pkg = anonymous.action.package_show(id="wifi-live")
    expected = dataset_dict("x")
    for key in ("id_dataset", "title", "tema", "frecuencia", "responsable_nombre", "responsable_correo"):
        assert pkg[key] == expected[key], key
    assert pkg["license_id"] == "libre-uso-mx"
    assert (pkg["periodo_inicio"], pkg["periodo_fin"]) == (published["start"].isoformat(),
                                                           published["end"].isoformat())
    assert pkg["diccionario"][0]["termino"] == "colonia"
    for key in ("nombre_archivo", "tipo_visualizacion", "name", "fecha_inicio", "fecha_fin", "format", "url"):
        assert pkg["resources"][0][key], key
    assert anonymous.action.organization_show(id="movilidad-live")["id_dependencia"] == "77"

    # The live CKAN is shared by the session (other modules publish the WiFi example too),
    # so the search is scoped to this test's dependencia.
    found = anonymous.action.package_search(q="WiFi", fq="organization:movilidad-live")["results"]
    assert [d["name"] for d in found] == ["wifi-live"]
    assert found[0]["tema"] == "infraestructura-y-servicios-publicos"
    assert found[0]["diccionario"]


def test_api_refuses_bad_values_in_spanish(live_ckan, published):
    api = live_ckan.api()
    with pytest.raises(ckanapi.ValidationError) as caught:
        api.action.organization_create(**organization_dict(name="duplicada-live", id_dependencia="77"))
    assert "ID de Dependencia" in str(caught.value.error_dict["id_dependencia"])
    with pytest.raises(ckanapi.ValidationError) as caught:
        api.action.package_create(**dataset_dict(published["org"]["id"], name="mala-live", frecuencia="mensualmente",
                                                 responsable_correo="alguien@yahoo.com"))
    errors = caught.value.error_dict
    assert "¿Quiso decir «mensual»?" in str(errors["frecuencia"])
    assert "correo institucional" in str(errors["responsable_correo"])


def test_dataset_page_in_spanish(live_ckan, published):
    html = requests.get(f"{live_ckan.url}/dataset/wifi-live", timeout=60).text
    for text in ("Infraestructura y Servicios Públicos", "Mensual", "María López Hernández", "Periodo que cubre",
                 "Actualizado", "Diccionario de datos", "Latitud en grados decimales"):
        assert text in html, text
    assert "maria.lopez@pueblacapital.gob.mx" not in html
    script = requests.get(f"{live_ckan.url}/pueblaabierto/pa-correo.js", timeout=60)
    assert script.status_code == 200 and "data-pa-correo" in script.text  # decodes the address for people


def test_dictionary_reaches_datastore_info(live_ckan, published):
    anonymous = live_ckan.api(token="")
    info = anonymous.action.datastore_info(id=published["resource_id"])
    by_id = {f["id"]: f.get("info") or {} for f in info["fields"]}
    assert by_id["colonia"] == {"label": "colonia", "notes": "Colonia donde está el punto de acceso."}
    assert by_id["latitud"]["notes"] == "Latitud en grados decimales (WGS84)."
    search = anonymous.action.datastore_search(resource_id=published["resource_id"])
    assert {f["id"]: f.get("info", {}).get("notes") for f in search["fields"]}["colonia"].startswith("Colonia")
    page = requests.get(f"{live_ckan.url}/dataset/wifi-live/resource/{published['resource_id']}", timeout=60).text
    # CKAN's data dictionary shows the terms once; our FORM.317 table is only for non-DataStore files.
    assert "Colonia donde está el punto de acceso." in page
    assert 'class="pa-diccionario' not in page


def _dataset_graph(live_ckan, path: str, fmt: str) -> Graph:
    response = requests.get(live_ckan.url + path, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return Graph().parse(data=response.content, format=fmt)  # bytes: Turtle is UTF-8 whatever requests guesses


@pytest.mark.parametrize(("path", "fmt"), [("/dataset/wifi-live.jsonld", "json-ld"),
                                           ("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld")])
def test_dcat_maps_form317_fields(live_ckan, published, path, fmt):
    g = _dataset_graph(live_ckan, path, fmt)
    dataset = URIRef(f"{live_ckan.url}/dataset/{published['pkg']['id']}")
    assert (dataset, RDF.type, DCAT.Dataset) in g

    # DCAT-AP 3.0.1: the EU frequency table (the national code R/P1M is in /data.json).
    assert g.value(dataset, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY")

    # The portal's tema concept, beside the closest EU data-theme (Regiones y ciudades).
    theme = next(t for t in g.objects(dataset, DCAT.theme) if "?tema=" in str(t))
    assert g.value(theme, SKOS.prefLabel) == Literal("Infraestructura y Servicios Públicos", lang="es")

    contact = g.value(dataset, DCAT.contactPoint)
    assert str(g.value(contact, VCARD.fn)) == "María López Hernández"
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:maria.lopez@pueblacapital.gob.mx")

    period = g.value(dataset, DCT.temporal)
    assert g.value(period, DCAT.startDate) == Literal(published["start"].isoformat(), datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal(published["end"].isoformat(), datatype=XSD.date)

    publisher = g.value(dataset, DCT.publisher)
    assert str(g.value(publisher, FOAF.name)) == "Secretaría de Movilidad e Infraestructura"
    assert str(g.value(publisher, DCT.identifier)) == "77"

    licence = g.value(dataset, DCT.license)
    assert licence == URIRef("https://datos.gob.mx/libreusomx")
    assert str(g.value(licence, DCT.title)) == "Libre Uso MX"
    distribution = g.value(dataset, DCAT.distribution)
    assert g.value(g.value(distribution, DCT.temporal), DCAT.endDate) is not None


def test_dependencia_logo_can_be_uploaded(live_ckan, published, tmp_path):
    html = requests.get(f"{live_ckan.url}/organization/new", headers={"Authorization": live_ckan.token},
                        timeout=60).text
    assert 'name="image_upload"' in html and "Logotipo de la Dependencia" in html
    logo = tmp_path / "logo.png"
    # 1x1 transparent PNG
    logo.write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    with logo.open("rb") as image:
        org = live_ckan.api().call_action(
            "organization_create",
            {"name": "logo-live", "title": "Dirección con Logo", "id_dependencia": "78",
             "description": "Prueba del logotipo."},
            files={"image_upload": image})
    assert org["image_url"].endswith("logo.png")
    shown = requests.get(org["image_display_url"], timeout=60)
    assert shown.status_code == 200 and shown.content.startswith(b"\x89PNG")
