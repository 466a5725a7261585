"""The whole FORM.317 journey in a real browser, by the four liaisons, no terminal involved.

The enlace de datos abiertos downloads the template, uploads a workbook with an error and a data
file holding a CURP, reads the server's report (personal data first), uploads the correction,
creates the drafts and sends them to review once the server has validated them. The enlace de
seguridad reads the report on the Flujo page, sees the preview, is refused while a finding is not
acknowledged and approves once it is; transparencia approves; the enlace de datos abiertos asks for
publication; the enlace técnico publishes; an anonymous visitor then finds the dataset and its data.

Desktop and 390 px phone (the ``page`` fixture); axe-core on the enlace's and the reviewer's pages.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import openpyxl
import requests
from playwright.sync_api import expect

from tests.live_ckan import wait_for_validation

from .conftest import EJEMPLOS, axe_violations

PASSWORD = "Contrasena-e2e-1"
CURP_EXAMPLE = EJEMPLOS / "rotos" / "datos-personales-curp"
REPORT_TIMEOUT = 240_000  # ms: a job on a loaded 2-core machine


def _user(admin, name: str) -> str:
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password=PASSWORD, fullname=name)
    return admin.action.api_token_create(user=name, name="e2e")["token"]


def _delivery(tmp_path: Path, id_dependencia: str, suffix: str) -> tuple[Path, Path]:
    """The CURP example for this test's dependencia: (corrected folder, workbook with an empty title)."""
    folder = tmp_path / f"mercados-{suffix}"
    shutil.copytree(CURP_EXAMPLE, folder)
    workbook = openpyxl.load_workbook(folder / "FORM.317.xlsx")
    workbook["Dependencia"]["A2"] = int(id_dependencia)
    workbook["Dataset"]["E2"] = int(id_dependencia)
    workbook["Dataset"]["B2"] = f"Mercados municipales {suffix}"
    workbook.save(folder / "FORM.317.xlsx")
    workbook["Dataset"]["B2"] = None  # «Nombre del Dataset» is required: the first upload forgets it
    broken = tmp_path / f"FORM.317-sin-nombre-{suffix}.xlsx"
    workbook.save(broken)
    return folder, broken


def _login(context, url: str, name: str):
    tab = context.new_page()
    tab.goto(f"{url}/user/login")
    tab.fill("#field-login", name)
    tab.fill("#field-password", PASSWORD)
    tab.locator("#field-password").press("Enter")
    expect(tab).to_have_url(re.compile(rf"/user/{name}|/dashboard"))
    return tab


def _no_horizontal_overflow(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"{tab.url}: {width}px"


def _wait_for_report(tab) -> None:
    """The entrega page refreshes itself while the job runs; wait until the state is final."""
    expect(tab.locator("#entrega-estado")).to_have_attribute(
        "data-state", re.compile("^(con_errores|valida|aplicada|fallo)$"), timeout=REPORT_TIMEOUT)


def _transition(tab, url: str, dataset: str, name: str, button: str) -> None:
    tab.goto(f"{url}/dataset/{dataset}/flujo")
    form = tab.locator(f"form#form-{name}")
    form.get_by_role("button", name=button).click()
    expect(tab.locator(".alert").first).to_contain_text(f"Se registró «{button}»")


def test_enlace_takes_a_form317_from_the_template_to_publication(page, live_ckan, tmp_path):
    url = live_ckan.url
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    id_dependencia = str(200000 + int(suffix, 16) % 90000)
    org = admin.action.organization_create(
        name=f"sisp-{suffix}", title=f"Servicios Públicos {suffix}", id_dependencia=id_dependencia,
        description="Presta los servicios públicos municipales.")
    names = {key: f"{key[:4]}{suffix}" for key in ("datos", "segu", "tran", "tecn")}
    tokens = {key: _user(admin, name) for key, name in names.items()}
    admin.action.workflow_role_assign(user=names["datos"], role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=names["segu"], role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=names["tran"], role="enlace_transparencia")
    admin.action.workflow_role_assign(user=names["tecn"], role="enlace_tecnico")
    corrected, broken = _delivery(tmp_path, id_dependencia, suffix)
    title = f"Mercados municipales {suffix}"
    browser = page.context.browser

    # -- The enlace de datos abiertos: template, upload with an error, report -------------------
    page.close()
    context = browser.new_context(viewport=page.viewport_size, locale="es-MX", accept_downloads=True)
    context.set_default_timeout(30_000)
    enlace = _login(context, url, names["datos"])
    enlace.get_by_role("link", name="Entregas").first.click()
    expect(enlace).to_have_url(re.compile(r"/entregas$"))
    with enlace.expect_download() as download:
        enlace.locator("#descargar-plantilla").click()
    template = tmp_path / "plantilla.xlsx"
    download.value.save_as(template)
    assert openpyxl.load_workbook(template).sheetnames[:3] == ["Instructivo", "Dependencia", "Dataset"]
    assert axe_violations(enlace) == [], enlace.url

    enlace.locator("#nueva-entrega").click()
    enlace.select_option("#owner_org", org["id"])
    enlace.set_input_files("#formato", str(broken))
    enlace.set_input_files("#archivos", [str(corrected / "mercados.csv"), str(corrected / "logo.png")])
    enlace.fill("#oficio_numero", "SISP/DA/0123/2024")
    enlace.fill("#oficio_fecha", "2024-05-02")
    enlace.locator("#enviar-entrega").click()
    _wait_for_report(enlace)
    expect(enlace.locator("#entrega-estado")).to_have_attribute("data-state", "con_errores")
    report = enlace.locator("#reporte")
    # Personal data first, labelled for a person (column, row, masked sample), then the form's error.
    groups = report.locator(".reporte-grupo")
    expect(groups.first).to_have_attribute("data-kind", "personal")
    expect(groups.first).to_contain_text("administrador_curp")
    expect(groups.first).to_contain_text("BOXW31")
    expect(report.locator(".hallazgo[data-code='celda-requerida']")).to_contain_text("Dataset!B2")
    expect(report.locator(".hallazgo[data-code='celda-requerida']")).to_contain_text("Cómo corregirlo")
    expect(enlace.locator("#boton-crear-borradores")).to_have_count(0)
    _no_horizontal_overflow(enlace)
    assert axe_violations(enlace) == [], enlace.url

    # -- The correction: a new version, the earlier report kept; drafts; send to review ---------
    enlace.locator("#boton-subir-correccion").click()
    enlace.set_input_files("#formato", str(corrected / "FORM.317.xlsx"))
    enlace.set_input_files("#archivos", [str(corrected / "mercados.csv"), str(corrected / "logo.png")])
    enlace.fill("#oficio_numero", "SISP/DA/0124/2024")
    enlace.fill("#oficio_fecha", "2024-05-03")
    enlace.locator("#enviar-entrega").click()
    _wait_for_report(enlace)
    expect(enlace.locator("#entrega-estado")).to_have_attribute("data-state", "valida")
    expect(enlace.locator("#aviso-datos-personales")).to_be_visible()
    expect(enlace.locator(".entrega-version")).to_have_count(2)
    expect(enlace.locator(".entrega-version[data-version='1']")).to_contain_text("Con errores")

    enlace.locator("#boton-crear-borradores").click()
    _wait_for_report(enlace)
    expect(enlace.locator("#entrega-estado")).to_have_attribute("data-state", "aplicada")
    row = enlace.locator("#tabla-conjuntos tr[data-id-dataset='1']")
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("privado")
    dataset = admin.action.package_search(q=f'title:"{title}"', include_private=True)["results"][0]
    assert dataset["private"] is True
    # Nobody outside sees the draft.
    assert requests.get(f"{url}/dataset/{dataset['name']}", timeout=60).status_code == 404
    # The server validates the drafts' data itself (a job) before they may go to review.
    verdict = wait_for_validation(live_ckan.api(token=tokens["datos"]), dataset["id"])
    assert verdict["status"] == "valido" and verdict["personal_findings"] == 1, verdict
    enlace.locator("#boton-enviar-revision").click()
    expect(enlace.locator(".alert").first).to_contain_text("Se envió a revisión")
    context.close()

    # -- The enlace de seguridad: Mis pendientes → Flujo → report, preview, acknowledgement -----
    context = browser.new_context(viewport=page.viewport_size, locale="es-MX")
    context.set_default_timeout(30_000)
    seguridad = _login(context, url, names["segu"])
    # «Mis pendientes» in the account bar says how many await this person.
    expect(seguridad.locator("#contador-pendientes")).to_contain_text("1")
    seguridad.goto(f"{url}/flujo/pendientes")
    item = seguridad.locator(".pa-pendiente", has_text=title)
    expect(item).to_contain_text("1 hallazgo por reconocer")
    _no_horizontal_overflow(seguridad)
    assert axe_violations(seguridad) == [], seguridad.url
    item.get_by_role("link", name=re.compile("Revisar")).click()
    expect(seguridad).to_have_url(re.compile(rf"/dataset/{dataset['name']}/flujo"))
    personal = seguridad.locator(".pa-grupo-personal")
    expect(personal).to_contain_text("CURP")
    expect(personal).to_contain_text("administrador_curp")
    expect(seguridad.locator("body")).not_to_contain_text("datos-personales-")
    preview = seguridad.frame_locator("iframe.pa-vista-previa-marco").first
    expect(preview.locator("#dtprv tbody")).to_contain_text("Mercado 5 de Mayo", timeout=60_000)
    _no_horizontal_overflow(seguridad)
    assert axe_violations(seguridad) == [], seguridad.url
    form = seguridad.locator("form#form-aprobar")
    form.get_by_role("button", name="Aprobar").click()
    expect(seguridad.locator(".alert").first).to_contain_text("Faltan: CURP en mercados.csv")
    form = seguridad.locator("form#form-aprobar")
    form.get_by_role("checkbox").first.check()
    form.get_by_role("button", name="Aprobar").click()
    expect(seguridad.locator(".alert").first).to_contain_text("Se registró «Aprobar»")
    context.close()

    # -- Transparencia approves; the enlace asks for publication; the técnico publishes ---------
    for key, name, button in (("tran", "aprobar", "Aprobar"),
                              ("datos", "solicitar_publicacion", "Solicitar publicación"),
                              ("tecn", "publicar", "Publicar")):
        context = browser.new_context(viewport=page.viewport_size, locale="es-MX")
        context.set_default_timeout(30_000)
        _transition(_login(context, url, names[key]), url, dataset["name"], name, button)
        context.close()

    # -- Published: the enlace's edit button now proposes an update through the workflow ------
    context = browser.new_context(viewport=page.viewport_size, locale="es-MX")
    context.set_default_timeout(30_000)
    enlace = _login(context, url, names["datos"])
    enlace.goto(f"{url}/dataset/{dataset['name']}")
    proposal = enlace.locator("#boton-proponer-actualizacion")
    expect(proposal).to_contain_text("Proponer actualización")
    expect(proposal).to_have_attribute("href", re.compile(r"/flujo#proponer-actualizacion$"))
    context.close()

    # -- An anonymous visitor finds it, reads it and downloads the data -------------------------
    context = browser.new_context(viewport=page.viewport_size, locale="es-MX")
    visitor = context.new_page()
    visitor.goto(f"{url}/dataset/?q=mercados+{suffix}")
    visitor.get_by_role("link", name=title).first.click()
    expect(visitor.get_by_role("article").get_by_role("heading", name=title)).to_be_visible()
    public = live_ckan.api(token="").action.package_show(id=dataset["id"])
    assert public["private"] is False
    resource = public["resources"][0]
    download = requests.get(resource["url"], timeout=60)
    assert download.status_code == 200 and "Mercado 5 de Mayo" in download.text
    rows = live_ckan.api(token="").action.datastore_search(resource_id=resource["id"])
    assert rows["total"] == 3  # the three rows of mercados.csv, loaded by the server
    context.close()
