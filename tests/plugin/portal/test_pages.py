"""The citizens' pages rendered by CKAN: home page, institutional pages, dates on a dataset."""

from __future__ import annotations

import re

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.plugin.metadata.conftest import PLUGINS, dataset_dict, organization_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckan.display_timezone", "America/Mexico_City"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def published(sysadmin):
    org = call_action("organization_create", {"user": sysadmin["name"]}, **organization_dict())
    data = dataset_dict(org["id"])
    for resource in data["resources"]:
        resource["fecha_inicio"], resource["fecha_fin"] = "2024-01-01", "2024-12-31"
    return call_action("package_create", {"user": sysadmin["name"]}, **data)


def test_periodo_que_cubre_shows_the_stored_days(app, published):
    text = text_of(app.get("/dataset/" + published["name"]).body)
    assert "Del 1 de enero de 2024 al 31 de diciembre de 2024" in text


def test_home_page_is_puebla_s_with_temas_counts_and_totals(app, published):
    html = app.get("/").body
    text = text_of(html)
    assert "Bienvenido a CKAN" not in text and "420 x 220" not in text
    assert 'action="/dataset/"' in html and 'name="q"' in html
    # The ten FORM.317 temas, the dataset's with its count.
    assert text.count(" conjunto") >= 10
    assert re.search(r"Infraestructura y Servicios Públicos\s*</span>\s*<span[^>]*>1 conjunto<", html)
    assert "Turismo" in text and "Medio Ambiente" in text
    assert "Puntos de acceso WiFi gratuito" in text  # recently updated
    assert "Secretaría de Movilidad e Infraestructura" in text  # dependencias
    assert "1 conjuntos de datos" not in text and "1 conjunto de datos" in text
    assert "/desarrolladores" in html


def test_no_grupos_in_the_navigation(app, published):
    for path in ("/", "/dataset/" + published["name"]):
        html = app.get(path).body
        assert ">Grupos<" not in html and "/group/" not in html, path


@pytest.mark.parametrize(("path", "heading"), [
    ("/about", "Acerca de Puebla Abierto"),
    ("/aviso-de-privacidad", "Aviso de privacidad simplificado"),
    ("/terminos-de-uso", "Términos de uso"),
    ("/contacto", "Contacto"),
])
def test_institutional_pages_have_puebla_s_text(app, path, heading):
    text = text_of(app.get(path).body)
    assert heading in text
    assert "CKAN es la plataforma" not in text and "CKAN is the world" not in text


def test_sysadmins_config_form_offers_the_page_texts(app, sysadmin):
    token = sysadmin_token(sysadmin)
    response = app.post("/api/3/action/config_option_update", headers={"Authorization": token},
                        json={"pueblaabierto.pagina.aviso_privacidad": "# Aviso nuevo"})
    assert response.json["success"], response.json
    form = app.get("/ckan-admin/config", headers={"Authorization": token}).body
    for option in ("aviso_privacidad", "terminos_uso", "contacto"):
        assert f'name="pueblaabierto.pagina.{option}"' in form


def test_contact_page_invents_no_phone_or_address_and_asks_the_sysadmin(app, sysadmin):
    # The reference documents no public phone or address of the municipality: none is shown.
    html = app.get("/contacto").body
    text = text_of(html)
    assert "datosabiertos@pueblacapital.gob.mx" in text  # the catalogue's configured contact address
    assert "pendientes de publicar" in text
    assert not re.search(r"\b\d{3}\s?\d{3}\s?\d{4}\b", text), "un teléfono que nadie documentó"
    assert "Palafox" not in text and "Av." not in text
    assert "Administración → Configuración" not in text  # the reminder is for the sysadmin only

    token = sysadmin_token(sysadmin)
    reminder = text_of(app.get("/contacto", headers={"Authorization": token}).body)
    assert "Capture los datos de contacto del Ayuntamiento" in reminder and "/ckan-admin/config" in app.get(
        "/contacto", headers={"Authorization": token}).body

    response = app.post("/api/3/action/config_option_update", headers={"Authorization": token},
                        json={"pueblaabierto.pagina.contacto": "# Contacto\n\nTeléfono oficial: 222 000 0000"})
    assert response.json["success"], response.json
    text = text_of(app.get("/contacto", headers={"Authorization": token}).body)
    assert "Teléfono oficial: 222 000 0000" in text and "Capture los datos de contacto" not in text


def test_terms_of_use_name_libre_uso_mx(app):
    assert "Libre Uso MX" in text_of(app.get("/terminos-de-uso").body)


def test_developers_page_uses_this_portal_and_a_real_dataset(app, published):
    text = text_of(app.get("/desarrolladores").body)
    assert "/api/3/action/package_search" in text and "datastore_search" in text
    assert "/catalog.ttl" in text and "RemoteCKAN" in text
    assert "package_show?id=" + published["name"] in text


def sysadmin_token(user: dict) -> str:
    return factories.APIToken(user=user["name"])["token"]


def test_dependencias_list_counts_members_in_spanish(app, sysadmin):
    second = factories.User()
    call_action("organization_create", {"user": sysadmin["name"]}, **organization_dict(
        users=[{"name": second["name"], "capacity": "editor"}]))
    text = text_of(app.get("/organization/").body)
    assert "2 miembros" in text and "Members" not in text


def test_group_pages_lead_to_the_datasets(app, sysadmin):
    """The portal has no groups: CKAN's group pages send visitors to the datasets (temas and
    dependencias filter there) instead of «No se han encontrado grupos». The API stays."""
    call_action("group_create", {"user": sysadmin["name"]}, name="un-grupo", title="Un grupo")
    token = sysadmin_token(sysadmin)
    for path in ("/group", "/group/", "/group/un-grupo", "/group/new", "/group/activity/un-grupo",
                 "/group/edit/un-grupo"):
        for headers in ({}, {"Authorization": token}):
            response = app.get(path, headers=headers, follow_redirects=False)
            assert response.status_code == 301, path
            assert response.headers["Location"].endswith("/dataset/"), path
    assert app.get("/dashboard/groups", headers={"Authorization": token},
                   follow_redirects=False).headers["Location"].endswith("/dashboard/datasets")
    landing = text_of(app.get("/group/un-grupo").body)
    assert "Conjuntos de datos" in landing and "grupos" not in landing.lower()
    assert call_action("group_show", id="un-grupo")["title"] == "Un grupo"
