"""The enlace's forms in a real browser (Debian's chromium) on the live CKAN: every required field
marked, «Nombre del archivo» and «Formato» filled from the chosen file, the file still attached
after a validation error, and chart axes with numbers in Spanish of Mexico."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.live_ckan import upload_table, wait_for_datastore

from .conftest import DESKTOP

PASSWORD = "Contrasena-e2e-1"
CSV = "colonia,puntos\nCentro,12\nLa Paz,7\nSan Baltazar Campeche,15\n"
REQUIRED_RESOURCE_FIELDS = ("nombre_archivo", "name", "tipo_visualizacion", "fecha_inicio", "fecha_fin", "format")


@pytest.fixture
def enlace(live_ckan):
    """An Enlace de Datos Abiertos of a new dependencia, with a draft dataset of his."""
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"participacion-{suffix}", title="Secretaría de Participación Ciudadana",
        id_dependencia=str(500000 + int(suffix, 16) % 100000), description="Participación ciudadana.")
    name = f"enla{suffix}"
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password=PASSWORD,
                             fullname="Rosa Martínez Cruz")
    admin.action.workflow_role_assign(user=name, role="enlace_datos_abiertos", organization=org["name"])
    token = admin.action.api_token_create(user=name, name="e2e")["token"]
    dataset = live_ckan.api(token=token).action.package_create(
        name=f"wifi-{suffix}", title=f"Puntos WiFi por colonia {suffix}", notes="Puntos de acceso por colonia.",
        owner_org=org["id"], id_dataset="1", tema="infraestructura-y-servicios-publicos", frecuencia="anual",
        responsable_nombre="Rosa Martínez Cruz", responsable_correo="rosa.martinez@pueblacapital.gob.mx")
    return {"name": name, "token": token, "dataset": dataset}


def login(tab, url: str, name: str) -> None:
    tab.goto(f"{url}/user/login")
    tab.locator("#field-login").fill(name)
    tab.locator("#field-password").fill(PASSWORD)
    with tab.expect_navigation():
        tab.locator("#field-password").press("Enter")
    expect(tab.locator("body")).not_to_contain_text("Nombre de usuario o contraseña incorrectos")


def test_file_survives_a_validation_error_and_required_fields_are_marked(browser, live_ckan, enlace, tmp_path):
    path = tmp_path / "puntos_por_colonia_2024.csv"
    path.write_text(CSV, encoding="utf-8")
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        login(tab, live_ckan.url, enlace["name"])
        tab.goto(f"{live_ckan.url}/dataset/{enlace['dataset']['name']}/resource/new")

        # Every required field: the marker and the words a screen reader says.
        for key in REQUIRED_RESOURCE_FIELDS:
            label = tab.locator(f"label[for='field-{key}']")
            assert "*" in label.text_content() and "(obligatorio)" in label.text_content(), key
        assert "(obligatorio)" in tab.locator("#resource-menu-label").text_content()
        assert "(obligatorio)" not in tab.locator("label[for='field-description']").text_content()

        # Choosing the file fills «Nombre del archivo» and «Formato».
        tab.locator("#resource-upload-button").click()
        tab.locator("#field-resource-upload").set_input_files(str(path))
        expect(tab.locator("#field-nombre_archivo")).to_have_value("puntos_por_colonia_2024.csv")
        expect(tab.locator("#field-format")).to_have_value("CSV")
        tab.locator("#field-name").fill("Puntos por colonia")
        tab.locator("#field-fecha_inicio").fill("2024-01-01")
        tab.locator("#field-fecha_fin").fill("2024-12-31")
        # «Tipo de Visualización» left empty: the server refuses, in Spanish, by the field's label.
        tab.locator("form#resource-edit button[name=save]").last.click()
        errors = tab.locator(".error-explanation")
        expect(errors).to_contain_text("Tipo de Visualización")
        expect(errors).to_contain_text("Falta")
        assert "workflow" not in errors.inner_text().lower()

        # The file is still attached, shown by name; the other fields kept their values.
        kept = tab.locator("#field-resource-kept")
        expect(kept).to_be_visible()
        expect(kept).to_have_value("puntos_por_colonia_2024.csv")
        expect(tab.get_by_text("El archivo que eligió se conservó")).to_be_visible()
        expect(tab.locator("#field-nombre_archivo")).to_have_value("puntos_por_colonia_2024.csv")
        tab.locator("#field-tipo_visualizacion").select_option("tabla")
        tab.locator("form#resource-edit button[name=save]").last.click()
        tab.wait_for_load_state()
        expect(tab.locator(".error-explanation")).to_have_count(0)
    finally:
        context.close()

    dataset = live_ckan.api(token=enlace["token"]).action.package_show(id=enlace["dataset"]["id"])
    [resource] = dataset["resources"]
    assert resource["url_type"] == "upload" and resource["nombre_archivo"] == "puntos_por_colonia_2024.csv"
    assert resource["format"] == "CSV" and resource["tipo_visualizacion"] == "tabla"
    download = requests.get(resource["url"], headers={"Authorization": enlace["token"]}, timeout=60)
    assert download.status_code == 200 and download.content.decode("utf-8") == CSV


def test_dataset_form_marks_the_eight_required_fields(browser, live_ckan, enlace):
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    try:
        tab = context.new_page()
        login(tab, live_ckan.url, enlace["name"])
        tab.goto(f"{live_ckan.url}/dataset/new")
        required = tab.locator("label.form-label", has_text="(obligatorio)")
        names = sorted(re.sub(r"\s+", " ", t.replace("*", "").replace("(obligatorio)", "")).strip()
                       for t in required.all_text_contents())
        for label in ("Nombre del Dataset", "ID de Dataset", "Descripción del dataset", "Dependencia", "Tema",
                      "Frecuencia", "Nombre de la persona responsable de la información",
                      "Correo electrónico de la persona responsable de la información"):
            assert label in names, (label, names)
        assert "Etiquetas" not in names and "Licencia" not in names
    finally:
        context.close()


def test_chart_axis_numbers_are_spanish_of_mexico(browser, live_ckan, enlace):
    api = live_ckan.api(token=enlace["token"])
    # Its own dataset: the chart waits for the server's verdict on this table alone.
    dataset = api.action.package_create(
        name=f"presupuesto-{enlace['name']}", title=f"Presupuesto por capítulo {enlace['name']}",
        notes="Presupuesto aprobado por capítulo del gasto.", owner_org=enlace["dataset"]["owner_org"],
        id_dataset="2", tema="infraestructura-y-servicios-publicos", frecuencia="anual",
        responsable_nombre="Rosa Martínez Cruz", responsable_correo="rosa.martinez@pueblacapital.gob.mx")
    # The enlace uploads the table with «Tipo de Visualización» gráfico: the server validates it,
    # loads it into the DataStore and makes the chart (datastore_create from the API is refused).
    resource = upload_table(api, dataset["id"], "presupuesto.csv",
                            b"capitulo,aprobado\nServicios personales,2500000000\n"
                            b"Materiales y suministros,350000000\nServicios generales,1200000000\n",
                            name="Presupuesto", tipo_visualizacion="grafico")
    wait_for_datastore(api, resource["id"])
    deadline = time.monotonic() + 120
    while not (charts := [v for v in api.action.resource_view_list(id=resource["id"])
                          if v["view_type"] == "charts_view"]):
        assert time.monotonic() < deadline, "El servidor no creó la vista «Gráfico» del recurso."
        time.sleep(0.5)
    context = browser.new_context(viewport=DESKTOP, locale="es-MX",
                                  extra_http_headers={"Authorization": enlace["token"]})
    try:
        tab = context.new_page()
        tab.goto(f"{live_ckan.url}/dataset/{dataset['name']}/resource/{resource['id']}?view_id={charts[0]['id']}")
        ticks = tab.locator(".js-plotly-plot .ytick text")
        expect(ticks.first).to_be_attached(timeout=60_000)
        expect(tab.locator(".js-plotly-plot .ytick text", has_text="mil millones").first).to_be_attached()
        labels = ticks.all_text_contents()
        assert not [t for t in labels if re.search(r"\d[kMGB]$", t)], labels  # no «2.5B», «500M»
        assert any("mil millones" in t for t in labels), labels
    finally:
        context.close()
