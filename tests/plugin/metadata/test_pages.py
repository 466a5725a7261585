"""What citizens see: the FORM.317 block, freshness badge, protected e-mail and the dictionary."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS, dataset_dict, resource_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_dataset_page_shows_form317_fields_in_spanish(app, sysadmin, org):
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    html = app.get("/dataset/puntos-wifi").body
    text = text_of(html)
    assert "Infraestructura y Servicios Públicos" in text
    assert "Frecuencia de actualización Mensual" in text
    assert "María López Hernández" in text
    assert "Periodo que cubre" in text and "Última actualización" in text
    assert "Actualizado" in text and "Desactualizado" not in text
    assert "Libre Uso MX" in text


def test_responsable_email_is_not_in_the_html(app, sysadmin, org):
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    html = app.get("/dataset/puntos-wifi").body
    assert "maria.lopez@pueblacapital.gob.mx" not in html
    assert "pueblacapital.gob.mx" not in html
    encoded = re.search(r'data-pa-correo="([^"]+)"', html).group(1)
    assert base64.b64decode(encoded).decode()[::-1] == "maria.lopez@pueblacapital.gob.mx"
    assert "Active JavaScript para ver el correo electrónico." in html  # no-JS fallback
    assert "/pueblaabierto/pa-correo.js" in html


def test_stale_dataset_shows_desactualizado(app, sysadmin, org):
    old = resource_dict(fecha_inicio="2020-01-01", fecha_fin=(date.today() - timedelta(days=90)).isoformat())
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"], resources=[old]))
    text = text_of(app.get("/dataset/puntos-wifi").body)
    assert "Desactualizado" in text
    assert "más antigüedad de la que permite la frecuencia mensual" in text


def test_dictionary_table_on_dataset_and_resource_pages(app, sysadmin, org):
    pkg = call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"], resources=[
        resource_dict(), resource_dict(name="Otro recurso", nombre_archivo="otro.csv"),
    ]))
    text = text_of(app.get("/dataset/puntos-wifi").body)
    assert "Diccionario de datos" in text
    assert "colonia Colonia donde está el punto de acceso. Todos" in text
    assert "latitud Latitud en grados decimales (WGS84). Puntos WiFi" in text

    first, second = pkg["resources"]
    text = text_of(app.get(f"/dataset/puntos-wifi/resource/{first['id']}").body)
    assert "Diccionario de datos" in text and "latitud" in text and "colonia" in text
    text = text_of(app.get(f"/dataset/puntos-wifi/resource/{second['id']}").body)
    assert "colonia" in text and "Latitud en grados decimales" not in text  # scoped to the other resource


def test_dictionary_edited_in_the_form_reaches_api_and_page(app, org):
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    # A private draft: the review workflow lets enlaces edit only what is not published yet.
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    form = app.get("/dataset/edit/puntos-wifi", headers=headers).body
    assert 'name="diccionario-0-termino"' in form  # the repeating subfields are editable
    assert "Diccionario de datos" in form and "Término" in form
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)

    data = {
        "_csrf_token": token,
        "name": "puntos-wifi",
        "title": "Puntos de acceso WiFi gratuito",
        "notes": "Ubicación de los puntos de acceso.",
        "owner_org": org["id"],
        "id_dataset": "3",
        "tag_string": "wifi",
        "tema": "infraestructura-y-servicios-publicos",
        "frecuencia": "mensual",
        "responsable_nombre": "María López Hernández",
        "responsable_correo": "maria.lopez@pueblacapital.gob.mx",
        "license_id": "libre-uso-mx",
        "diccionario-0-termino": "alcaldia",
        "diccionario-0-descripcion": "Junta auxiliar donde está el punto.",
        "diccionario-0-recurso": "",
        "save": "",
    }
    response = app.post("/dataset/edit/puntos-wifi", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 302, text_of(response.body)[:2000]

    pkg = call_action("package_show", id="puntos-wifi")
    assert pkg["diccionario"] == [
        {"termino": "alcaldia", "descripcion": "Junta auxiliar donde está el punto.", "recurso": ""}]
    assert "Junta auxiliar donde está el punto." in text_of(app.get("/dataset/puntos-wifi", headers=headers).body)


def test_form_refuses_bad_values_with_spanish_messages(app, org):
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    form = app.get("/dataset/edit/puntos-wifi", headers=headers).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    data = {"_csrf_token": token, "name": "puntos-wifi", "title": "Puntos", "notes": "x", "owner_org": org["id"],
            "id_dataset": "3", "tema": "deportes", "frecuencia": "mensual",
            "responsable_nombre": "María López", "responsable_correo": "maria@hotmail.com",
            "license_id": "libre-uso-mx", "save": ""}
    text = text_of(app.post("/dataset/edit/puntos-wifi", data=data, headers=headers).body)
    assert "«deportes» no es un valor válido para «Tema»" in text
    assert "no es un correo institucional" in text


def test_organization_form_is_the_dependencia_sheet(app):
    user = factories.SysadminWithToken()
    html = app.get("/organization/new", headers={"Authorization": user["token"]}).body
    for label in ("ID de Dependencia", "Nombre de la Dependencia",
                  "Breve descripción de las funciones y atribuciones de la Dependencia",
                  "Número asignado por la Coordinación General de Transparencia."):
        assert label in html


def test_dataset_created_through_the_portal_form_shows_its_fields(app, org):
    """The enlace's path: stage 1 (dataset) then stage 2 (resource), all FORM.317 fields."""
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    form = app.get("/dataset/new", headers=headers).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    stage1 = {
        "_csrf_token": token, "_ckan_phase": "dataset_new_1", "save": "continue",
        "name": "obra-publica", "title": "Obra pública 2024", "notes": "Obras con ubicación y presupuesto.",
        "owner_org": org["id"], "id_dataset": "8", "tag_string": "obra,presupuesto",
        "tema": "infraestructura-y-servicios-publicos", "frecuencia": "trimestral",
        "responsable_nombre": "Jorge Ramírez Soto", "responsable_correo": "jorge.ramirez@pueblacapital.gob.mx",
        "license_id": "libre-uso-mx",
        "diccionario-0-termino": "monto", "diccionario-0-descripcion": "Monto contratado en MXN.",
        "diccionario-0-recurso": "",
    }
    response = app.post("/dataset/new", data=stage1, headers=headers, follow_redirects=False)
    assert response.status_code == 302, text_of(response.body)[:1500]
    assert "/dataset/obra-publica/resource/new" in response.headers["Location"]

    form = app.get("/dataset/obra-publica/resource/new", headers=headers).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    end = (date.today() - timedelta(days=20)).isoformat()
    stage2 = {
        "_csrf_token": token, "save": "go-metadata", "id": "",
        "url": "http://example.com/obras.csv", "nombre_archivo": "obras_2024.csv", "name": "Obras 2024",
        "tipo_visualizacion": "tabla", "fecha_inicio": "2024-01-01", "fecha_fin": end, "format": "CSV",
    }
    response = app.post("/dataset/obra-publica/resource/new", data=stage2, headers=headers, follow_redirects=False)
    assert response.status_code == 302, text_of(response.body)[:1500]

    pkg = call_action("package_show", id="obra-publica")
    assert pkg["state"] == "active"
    assert (pkg["tema"], pkg["frecuencia"], pkg["id_dataset"]) == ("infraestructura-y-servicios-publicos",
                                                                    "trimestral", "8")
    assert (pkg["periodo_inicio"], pkg["periodo_fin"]) == ("2024-01-01", end)
    assert pkg["resources"][0]["nombre_archivo"] == "obras_2024.csv"
    text = text_of(app.get("/dataset/obra-publica", headers=headers).body)
    for shown in ("Trimestral", "Jorge Ramírez Soto", "Actualizado", "Monto contratado en MXN."):
        assert shown in text, shown


def test_resource_form_refuses_inverted_dates_in_spanish(app, org):
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    form = app.get("/dataset/puntos-wifi/resource/new", headers=headers).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    data = {"_csrf_token": token, "save": "again", "id": "", **resource_dict(
        name="Otro", fecha_inicio="2024-03-01", fecha_fin="2024-01-31", format="pdf")}
    text = text_of(app.post("/dataset/puntos-wifi/resource/new", data=data, headers=headers).body)
    assert "es anterior a la «Fecha inicial del periodo que cubre»" in text
    assert "«pdf» no es un valor válido para «Formato»" in text


def test_search_facets_show_tema_and_frecuencia_labels(app, sysadmin, org):
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    facets = call_action("package_search", **{"facet.field": '["tema", "frecuencia"]'})["search_facets"]
    labels = {field: {i["name"]: i["display_name"] for i in facets[field]["items"]} for field in facets}
    assert labels["tema"]["infraestructura-y-servicios-publicos"] == "Infraestructura y Servicios Públicos"
    assert labels["frecuencia"]["mensual"] == "Mensual"
    html = app.get("/dataset/").body
    assert 'href="/dataset/?tema=infraestructura-y-servicios-publicos"' in html
    assert '<span class="item-label">Infraestructura y Servicios Públicos</span>' in html  # shown whole, not cut


def test_search_results_show_freshness_and_tema_per_dataset(app, sysadmin, org):
    stale = resource_dict(fecha_inicio="2020-01-01", fecha_fin=(date.today() - timedelta(days=90)).isoformat())
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(
        org["id"], name="obras-viejas", title="Obras viejas", id_dataset="4", resources=[stale]))
    for path in ("/dataset/", f"/organization/{org['name']}"):
        html = app.get(path).body
        items = re.findall(r'<li class="dataset-item">(.*?)</li>\s*(?=<li class="dataset-item">|</ul>)', html, re.S)
        badges = {}
        for item in items:
            name = re.search(r'href="/dataset/([^"]+)"', item).group(1)
            badges[name] = text_of(" ".join(re.findall(r'<span class="badge[^"]*pa-[^"]*"[^>]*>.*?</span>', item)))
        assert badges == {
            "puntos-wifi": "Actualizado Infraestructura y Servicios Públicos",
            "obras-viejas": "Desactualizado Infraestructura y Servicios Públicos",
        }, path


def test_dataset_form_checks_dictionary_resource_against_saved_resources(app, org):
    # The edit form sends no resources: the names come from the saved dataset.
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    form = app.get("/dataset/edit/puntos-wifi", headers=headers).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    data = {"_csrf_token": token, "name": "puntos-wifi", "title": "Puntos de acceso WiFi gratuito",
            "notes": "Ubicación de los puntos de acceso.", "owner_org": org["id"], "id_dataset": "3",
            "tema": "infraestructura-y-servicios-publicos", "frecuencia": "mensual",
            "responsable_nombre": "María López Hernández", "responsable_correo": "maria.lopez@pueblacapital.gob.mx",
            "license_id": "libre-uso-mx", "diccionario-0-termino": "latitud",
            "diccionario-0-descripcion": "Latitud.", "diccionario-0-recurso": "Obras 2023", "save": ""}
    text = text_of(app.post("/dataset/edit/puntos-wifi", data=data, headers=headers).body)
    assert ("«Obras 2023» no es el nombre de ningún recurso del conjunto («Recurso» del término «latitud»). "
            "Escriba el Nombre del archivo o el Nombre del Recurso tal como está registrado («Puntos WiFi»)") in text

    response = app.post("/dataset/edit/puntos-wifi", data=dict(data, **{"diccionario-0-recurso": "puntos wifi"}),
                        headers=headers, follow_redirects=False)
    assert response.status_code == 302, text_of(response.body)[:2000]
    assert call_action("package_show", id="puntos-wifi")["diccionario"][0]["recurso"] == "Puntos WiFi"
