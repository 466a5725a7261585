"""The FORM.317 workflow over HTTP on a real CKAN with the portal's plugins (live_ckan + ckanapi).

Four real liaisons with their own API tokens walk a dataset to publication; at each step
anonymous users and another dependency's editor get nothing over the API, the pages or
the DataStore.
"""

from __future__ import annotations

import io
import re
import uuid
from http.cookies import SimpleCookie

import ckanapi
import markupsafe
import pytest
import requests

from tests.live_ckan import upload_table, wait_for_datastore, wait_for_validation

PASSWORD = "Contrasena-e2e-1"


def _user(admin, name: str) -> str:
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password=PASSWORD,
                             fullname=name)
    return admin.action.api_token_create(user=name, name="e2e")["token"]


def test_workflow_over_http(live_ckan):
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"movilidad-{suffix}", title="Secretaría de Movilidad",
        id_dependencia=str(700000 + int(suffix, 16) % 100000),
        description="Movilidad e infraestructura.",
    )
    other = admin.action.organization_create(
        name=f"tesoreria-{suffix}", title="Tesorería", id_dependencia=str(800000 + int(suffix, 16) % 100000),
        description="Hacienda pública.",
    )
    # User names are the key's first four letters + suffix (datos -> dato<suffix>).
    tokens = {key: _user(admin, f"{key[:4]}{suffix}") for key in ("datos", "segu", "tran", "tecn", "otro")}
    admin.action.organization_member_create(id=other["id"], username=f"otro{suffix}", role="editor")
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=f"segu{suffix}", role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=f"tran{suffix}", role="enlace_transparencia")
    admin.action.workflow_role_assign(user=f"tecn{suffix}", role="enlace_tecnico")
    api = {name: live_ckan.api(token=token) for name, token in tokens.items()}
    anonymous = live_ckan.api(token="")

    dataset = api["datos"].action.package_create(
        name=f"obras-{suffix}", title=f"Obras públicas {suffix}", notes="Obras con presupuesto.",
        owner_org=org["id"], private=False, id_dataset="1", tema="infraestructura-y-servicios-publicos",
        frecuencia="anual", responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    assert dataset["private"] is True
    # The enlace uploads the file; the server validates it and loads its table into the DataStore.
    resource = upload_table(api["datos"], dataset["id"], "obras.csv", b"folio\nx1\n", name="Obras",
                            fecha_fin="2024-06-30")
    resource_id = resource["id"]
    wait_for_datastore(api["datos"], resource_id)  # a real table, so hidden_from_public can fail

    def hidden_from_public() -> None:
        for client in (anonymous, api["otro"]):
            with pytest.raises(ckanapi.NotFound):
                client.action.package_show(id=dataset["id"])
            with pytest.raises(ckanapi.NotFound):
                client.action.datastore_search(resource_id=resource_id)
            found = client.action.package_search(q=suffix, include_private=True)
            assert found["count"] == 0 and found["results"] == []
        page = requests.get(f"{live_ckan.url}/dataset/{dataset['name']}", timeout=60)
        assert page.status_code == 404
        download = requests.get(f"{live_ckan.url}/dataset/{dataset['id']}/resource/{resource_id}/download",
                                timeout=60, allow_redirects=False)
        assert download.status_code in (403, 404)

    hidden_from_public()
    # The server validates the DataStore table itself (its worker); then it may go to review.
    assert wait_for_validation(api["datos"], dataset["id"])["status"] == "valido"
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision",
                                            oficio_numero="SMI/1/2024", oficio_fecha="2024-05-02")
    hidden_from_public()
    assert api["tran"].action.package_show(id=dataset["id"])["name"] == dataset["name"]
    assert api["tran"].action.package_search(q=suffix, include_private=True)["count"] == 1
    with pytest.raises(ckanapi.ValidationError, match="No se puede «Publicar»"):
        api["tecn"].action.workflow_transition(id=dataset["id"], transition="publicar")
    with pytest.raises(ckanapi.NotAuthorized):
        api["otro"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["segu"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["tran"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["datos"].action.workflow_transition(id=dataset["id"], transition="solicitar_publicacion")
    hidden_from_public()
    result = api["tecn"].action.workflow_transition(id=dataset["id"], transition="publicar")
    assert result["state"] == "publicado"

    assert anonymous.action.package_show(id=dataset["id"])["private"] is False
    assert anonymous.action.package_search(q=suffix)["count"] == 1
    assert anonymous.action.datastore_search(resource_id=resource_id)["records"][0]["folio"] == "x1"
    assert requests.get(f"{live_ckan.url}/dataset/{dataset['name']}", timeout=60).status_code == 200
    history = api["tran"].action.workflow_show(id=dataset["id"])["history"]
    assert [(h["transition"], h["user_name"]) for h in history] == [
        ("enviar_revision", f"dato{suffix}"), ("aprobar", f"segu{suffix}"), ("aprobar", f"tran{suffix}"),
        ("solicitar_publicacion", f"dato{suffix}"), ("publicar", f"tecn{suffix}"),
    ]
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.workflow_show(id=dataset["id"])


# What a client could send as its "report": ignored by the server, which reports what the file
# really holds (a CURP and a personal phone), with one acknowledgement checkbox each.
PAGE_REPORT = {
    "valid": False,
    "errors": [
        {"code": "celda-obligatoria", "message": "Falta la frecuencia de actualización.", "severity": "error",
         "sheet": "Dataset", "row": 2, "column": "G", "location": "Dataset!G2", "rows": []},
        {"code": "datos-personales-curp", "message": 'La columna "responsable" contiene 1 CURP (fila 3).',
         "severity": "error", "file": "obras.csv", "column": "responsable", "row": 3,
         "location": 'obras.csv, columna "responsable", fila 3', "rows": [3], "sample": "GAPA85****MPL***09"},
    ],
    "warnings": [
        {"code": "datos-personales-telefono",
         "message": 'La columna "contacto" contiene 1 número de teléfono (fila 7).',
         "severity": "warning", "file": "obras.csv", "column": "contacto", "row": 7,
         "location": 'obras.csv, columna "contacto", fila 7', "rows": [7], "sample": "******4567"},
    ],
}
APOYOS_CSV = b"folio,responsable,contacto\n1,Obra uno,Oficina\n2,Obra dos,Oficina\n3,BOXW310820HNERXN09,2221234567\n"
PAGE_KEYS = [
    'datos-personales-curp|apoyos.csv, columna "responsable", fila 4',
    'datos-personales-telefono|apoyos.csv, columna "contacto", fila 4',
]


def _csrf(html: str) -> dict[str, str]:
    match = re.search(r'name="(_csrf_token)" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return {match.group(1): match.group(2)}


def _keep_cookies(browser: requests.Session):
    """CKAN's ini leaves ``SESSION_COOKIE_DOMAIN`` empty, so its cookies say ``Domain=;``:
    browsers ignore the empty attribute, Python's cookie jar drops the cookie. Keep them."""

    def hook(response, *args, **kwargs):
        for header in response.raw.headers.getlist("Set-Cookie"):
            for morsel in SimpleCookie(header).values():
                browser.cookies.set(morsel.key, morsel.value)

    return hook


def _login(url: str, name: str) -> requests.Session:
    browser = requests.Session()
    browser.hooks["response"].append(_keep_cookies(browser))
    form = browser.get(f"{url}/user/login", timeout=60).text
    page = browser.post(f"{url}/user/login", data={"login": name, "password": PASSWORD, **_csrf(form)}, timeout=60)
    assert page.status_code == 200 and f"/user/{name}" in page.text, page.url
    return browser


def test_workflow_pages_with_the_portal_plugins(live_ckan):
    """The dataset page's workflow tab and block, rendered by the portal's scheming templates."""
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"bienestar-{suffix}", title="Secretaría de Bienestar",
        id_dependencia=str(600000 + int(suffix, 16) % 100000), description="Programas sociales.",
    )
    tokens = {key: _user(admin, f"{key[:4]}{suffix}") for key in ("datos", "segu", "tran", "tecn")}
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=f"segu{suffix}", role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=f"tran{suffix}", role="enlace_transparencia")
    admin.action.workflow_role_assign(user=f"tecn{suffix}", role="enlace_tecnico")
    api = {name: live_ckan.api(token=token) for name, token in tokens.items()}

    def page(path: str, who: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": tokens[who]} if who else {}
        return requests.get(f"{live_ckan.url}{path}", headers=headers, timeout=60, **kwargs)

    dataset = api["datos"].action.package_create(
        name=f"apoyos-{suffix}", title=f"Apoyos sociales {suffix}", notes="Apoyos entregados.",
        owner_org=org["id"], id_dataset="1", tema="infraestructura-y-servicios-publicos", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    url = f"/dataset/{dataset['name']}"
    api["datos"].action.resource_create(
        package_id=dataset["id"], name="Apoyos", format="CSV", nombre_archivo="apoyos.csv",
        tipo_visualizacion="tabla", fecha_inicio="2024-01-01", fecha_fin="2024-06-30",
        upload=("apoyos.csv", io.BytesIO(APOYOS_CSV)),
    )
    state = wait_for_validation(api["datos"], dataset["id"])
    assert state["status"] == "valido" and state["personal_findings"] == 2, state
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision",
                                            validation_report=PAGE_REPORT)  # ignored

    # Anonymous visitors: no page, no flujo, no block of an unpublished dataset.
    assert page(url).status_code in (403, 404)
    assert page(f"{url}/flujo").status_code in (403, 404)

    # The enlace de seguridad: tab and state block on the dataset page (scheming's read.html).
    main = page(url, "segu")
    assert main.status_code == 200, main.text[:500]
    assert 'id="flujo-validacion"' in main.text and 'data-state="en_revision"' in main.text
    assert f'href="{url}/flujo"' in main.text
    flow = page(f"{url}/flujo", "segu")
    assert flow.status_code == 200, flow.text[:500]
    text = flow.text
    # The server's findings, not the client's; one checkbox per personal-data finding.
    assert "La columna parece contener CURP" not in text and "Falta la frecuencia" not in text
    assert "BOXW31****HNE***09" in text and "******4567" in text
    assert text.count('name="acknowledged_findings"') == len(PAGE_KEYS)
    for key in PAGE_KEYS:
        assert f'value="{markupsafe.escape(key)}"' in text
    # Each checkbox says what the reviewer acknowledges (kind, place, masked sample), not its key.
    boxes = text[text.index("Reconozco cada hallazgo"):text.index("</fieldset>")]
    assert "CURP</strong> en apoyos.csv, columna «responsable», fila 4" in boxes
    assert "Teléfono</strong> en apoyos.csv, columna «contacto», fila 4" in boxes
    assert "Historial" in text and "Enviar a revisión" in text

    # Approving from the form: refused without the acknowledgements, recorded with them.
    action = f"{live_ckan.url}{url}/flujo/transicion"
    # As the liaison does it: logged in through the login form, CSRF token from the page.
    browser = _login(live_ckan.url, f"segu{suffix}")
    form = browser.get(f"{live_ckan.url}{url}/flujo", timeout=60).text
    refused = browser.post(action, data={"transition": "aprobar", **_csrf(form)}, timeout=60)
    assert refused.status_code == 200 and refused.url.endswith(f"{url}/flujo")
    assert "reconocer cada hallazgo" in refused.text
    approved = browser.post(action, timeout=60, data={
        "transition": "aprobar", "acknowledged_findings": PAGE_KEYS, "oficio_numero": "SEG/9/2024",
        **_csrf(refused.text)})
    assert "Se registró «Aprobar»" in approved.text
    shown = api["segu"].action.workflow_show(id=dataset["id"])
    assert [a["role"] for a in shown["approvals"]] == ["enlace_seguridad"]
    assert shown["history"][-1]["acknowledged_findings"] == PAGE_KEYS

    api["tran"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["datos"].action.workflow_transition(id=dataset["id"], transition="solicitar_publicacion")
    api["tecn"].action.workflow_transition(id=dataset["id"], transition="publicar")

    # Published: citizens see the dataset, not the officials' record.
    public = page(url)
    assert public.status_code == 200 and f"Apoyos sociales {suffix}" in public.text
    assert "flujo-validacion" not in public.text and f"{url}/flujo" not in public.text
    assert page(f"{url}/flujo").status_code in (403, 404)
    # The dependency's liaisons see the whole history on the flujo page.
    for who in ("datos", "segu"):
        flow = page(f"{url}/flujo", who)
        assert flow.status_code == 200, (who, flow.text[:500])
        for step in ("Enviar a revisión", "Aprobar", "Solicitar publicación", "Publicar", "SEG/9/2024",
                     f"tecn{suffix}"):
            assert step in flow.text, (who, step)
        assert 'data-state="publicado"' in page(url, who).text
    datos_flow = page(f"{url}/flujo", "datos").text
    assert "Proponer actualización" in datos_flow
    assert "Exportar historial (CSV)" in datos_flow
    # The CSV is for the auditors (transparencia, técnico).
    csv_url = f"/flujo/registro.csv?id={dataset['id']}"
    assert page(csv_url, "datos").status_code == 403
    exported = page(csv_url, "tran")
    assert exported.status_code == 200 and exported.text.count(dataset["name"]) == 5

    # "Proponer actualización" from the page: a private copy (scheming validates it), its own flujo.
    browser = _login(live_ckan.url, f"dato{suffix}")
    form = browser.get(f"{live_ckan.url}{url}/flujo", timeout=60).text
    started = browser.post(f"{live_ckan.url}{url}/flujo/actualizar", data=_csrf(form), timeout=60)
    assert started.status_code == 200
    assert started.url.endswith(f"{url}-actualizacion/flujo"), started.url
    assert "Se creó la actualización" in started.text and 'data-state="borrador"' in started.text
    assert "Iniciar actualización" in started.text
    assert page(f"{url}-actualizacion").status_code in (403, 404)
    assert f"{url}-actualizacion/flujo" in page(f"{url}/flujo", "segu").text
