"""The enlace de seguridad reviews a dataset in a real browser, on a desktop and on a 390 px phone:
logs in → «Mis pendientes» → the dataset's Flujo page → reads the server's report (personal data
first, labelled for a person) → sees the table preview of the file → tries to approve without
acknowledging every finding (refused, naming what is missing) → ticks each one → approves.
axe-core on both pages, and nothing wider than the screen.

The report is the pipeline's own (run here on the same CSV that is loaded in the DataStore) and is
stored in the dataset's workflow state, where the server's validation keeps it.
"""

from __future__ import annotations

import configparser
import json
import re
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from playwright.sync_api import expect
from pueblaabierto.data import validate_resource_file
from pueblaabierto.data.checkdigits import curp_check_digit
from pueblaabierto.findings import Report

from .conftest import axe_violations

PASSWORD = "Contrasena-e2e-1"
CURP = "GAPA850101MPLRRN0" + curp_check_digit("GAPA850101MPLRRN0")
HEADER = ("folio", "nombre", "curp", "telefono", "monto")
ROWS = [
    ("A1", "Ana", CURP, "2221234567", "100"),
    ("A2", "Luis", "", "", "200"),
    ("A3", "Pedro", CURP, "", "300"),
]


def _user(admin, name: str) -> str:
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password=PASSWORD, fullname=name)
    return admin.action.api_token_create(user=name, name="e2e")["token"]


def _report(tmp_path: Path) -> dict:
    path = tmp_path / "beneficiarios.csv"
    path.write_text("\n".join(",".join(row) for row in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    terms = {name: f"Descripción de {name}" for name in HEADER}
    return Report(validate_resource_file(path, formato="CSV", terms=terms, display_name="beneficiarios.csv")).to_dict()


def _store_report(live_ckan, dataset_id: str, report: dict) -> None:
    """The report kept for the dataset under review, written where the workflow reads it."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(live_ckan.config)
    engine = sa.create_engine(parser["app:main"]["sqlalchemy.url"])
    try:
        with engine.begin() as connection:
            updated = connection.execute(
                sa.text("UPDATE pueblaabierto_workflow_state SET report = CAST(:report AS jsonb) "
                        "WHERE package_id = :id"),
                {"report": json.dumps(report), "id": dataset_id},
            ).rowcount
    finally:
        engine.dispose()
    assert updated == 1


def _no_horizontal_overflow(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"{tab.url}: {width}px"


def test_enlace_de_seguridad_reviews_and_approves(page, live_ckan, tmp_path):
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"bienestar-{suffix}", title="Secretaría de Bienestar",
        id_dependencia=str(500000 + int(suffix, 16) % 100000), description="Programas sociales.",
    )
    tokens = {key: _user(admin, f"{key[:4]}{suffix}") for key in ("datos", "segu")}
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=f"segu{suffix}", role="enlace_seguridad", organization=org["name"])
    datos = live_ckan.api(token=tokens["datos"])
    title = f"Beneficiarios de apoyos {suffix}"
    dataset = datos.action.package_create(
        name=f"beneficiarios-{suffix}", title=title, notes="Apoyos entregados.", owner_org=org["id"],
        id_dataset="1", tema="infraestructura-y-servicios-publicos", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    resource = datos.action.datastore_create(
        resource={"package_id": dataset["id"], "name": "Beneficiarios", "format": "CSV",
                  "nombre_archivo": "beneficiarios.csv", "tipo_visualizacion": "tabla",
                  "fecha_inicio": "2024-01-01", "fecha_fin": "2024-06-30"},
        force=True, fields=[{"id": name, "type": "text"} for name in HEADER],
        records=[dict(zip(HEADER, row, strict=True)) for row in ROWS],
    )
    view = datos.action.resource_view_create(resource_id=resource["resource_id"], view_type="datatables_view",
                                             title="Tabla")
    datos.action.workflow_transition(id=dataset["id"], transition="enviar_revision")
    _store_report(live_ckan, dataset["id"], _report(tmp_path))
    # The preview is not for anyone else.
    view_url = f"{live_ckan.url}/dataset/{dataset['name']}/resource/{resource['resource_id']}/view/{view['id']}"
    assert requests.get(view_url, timeout=60).status_code == 404

    page.goto(f"{live_ckan.url}/user/login")
    page.fill("#field-login", f"segu{suffix}")
    page.fill("#field-password", PASSWORD)
    page.locator("#field-password").press("Enter")
    expect(page).to_have_url(re.compile(rf"/user/segu{suffix}|/dashboard"))

    page.goto(f"{live_ckan.url}/flujo/pendientes")
    expect(page.get_by_role("heading", name="Mis pendientes")).to_be_visible()
    item = page.locator(".pa-pendiente", has_text=title)
    expect(item).to_contain_text("Secretaría de Bienestar")
    expect(item).to_contain_text("En revisión")
    expect(item).to_contain_text("2 hallazgos por reconocer")
    _no_horizontal_overflow(page)
    assert axe_violations(page) == [], page.url

    item.get_by_role("link", name=re.compile("Revisar")).click()
    expect(page).to_have_url(re.compile(rf"/dataset/{dataset['name']}/flujo"))
    expect(page.get_by_role("heading", name="Reporte de validación")).to_be_visible()
    personal = page.locator(".pa-grupo-personal")
    expect(personal.get_by_role("heading", name=re.compile("Datos personales"))).to_be_visible()
    expect(personal).to_contain_text("CURP")
    expect(personal).to_contain_text("Teléfono")
    expect(personal).to_contain_text("filas 2 y 4")
    expect(personal).to_contain_text("GAPA85****")
    expect(page.locator("body")).not_to_contain_text("datos-personales-")
    # The preview of the file: the DataStore table, loaded for this reviewer (not a member).
    preview = page.frame_locator("iframe.pa-vista-previa-marco").first
    expect(preview.locator("#dtprv tbody tr").first).to_be_visible(timeout=60_000)
    expect(preview.locator("#dtprv tbody")).to_contain_text("Pedro")
    _no_horizontal_overflow(page)
    assert axe_violations(page) == [], page.url

    form = page.locator("form#form-aprobar")
    boxes = form.get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    form.get_by_role("checkbox", name=re.compile(r"CURP en beneficiarios.csv")).check()
    form.get_by_role("button", name="Aprobar").click()
    expect(page.locator(".alert")).to_contain_text("Faltan: Teléfono en beneficiarios.csv, columna «telefono», fila 2")

    form = page.locator("form#form-aprobar")
    for index in range(form.get_by_role("checkbox").count()):
        form.get_by_role("checkbox").nth(index).check()
    form.get_by_role("button", name="Aprobar").click()
    expect(page.locator(".alert")).to_contain_text("Se registró «Aprobar»")
    flow = live_ckan.api(token=tokens["segu"]).action.workflow_show(id=dataset["id"])
    assert [a["role"] for a in flow["approvals"]] == ["enlace_seguridad"]
    assert len(flow["history"][-1]["acknowledged_findings"]) == 2
