"""The server's own validation over HTTP: real CKAN, its jobs worker, the web form and the API.

Whatever path a CSV holding a CURP takes into a dataset (the portal's resource form, the
Action API upload), the server finds it, names column, row and a masked sample, and the
dataset cannot reach ``publicado`` without the enlace de seguridad acknowledging it. A report
sent by the client is ignored. A URL into the server's own network is not downloaded; a job
that cannot finish says why and «Reintentar» (a CSRF-protected form) runs it again.
"""

from __future__ import annotations

import io
import uuid

import ckanapi
import pytest

from tests.e2e.test_workflow_http import _csrf, _login, _user
from tests.live_ckan import free_port, wait_for_validation

CURP_CSV = b"folio,responsable,monto\n1,Obra uno,100\n2,Obra dos,200\n3,BOXW310820HNERXN09,300\n"
CLEAN_CSV = b"folio,obra,monto\n1,Bacheo,100\n2,Alumbrado,200\n"
RESOURCE = {"name": "Obras", "format": "CSV", "nombre_archivo": "obras.csv", "tipo_visualizacion": "tabla",
            "fecha_inicio": "2024-01-01", "fecha_fin": "2024-06-30"}
CURP_KEY = 'datos-personales-curp|obras.csv, columna "responsable", fila 4'


@pytest.fixture
def dependency(live_ckan):
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"obras-{suffix}", title=f"Obras Públicas {suffix}",
        id_dependencia=str(500000 + int(suffix, 16) % 100000), description="Obra pública municipal.",
    )
    tokens = {key: _user(admin, f"{key[:4]}{suffix}") for key in ("datos", "segu", "tran", "tecn")}
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=f"segu{suffix}", role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=f"tran{suffix}", role="enlace_transparencia")
    admin.action.workflow_role_assign(user=f"tecn{suffix}", role="enlace_tecnico")
    return {"org": org, "suffix": suffix, "api": {k: live_ckan.api(token=t) for k, t in tokens.items()},
            "names": {k: f"{k[:4]}{suffix}" for k in tokens}}


def _dataset(dependency, name: str) -> dict:
    return dependency["api"]["datos"].action.package_create(
        name=f"{name}-{dependency['suffix']}", title=f"Obras {name}", notes="Obras del municipio.",
        owner_org=dependency["org"]["id"], id_dataset="1", tema="infraestructura-y-servicios-publicos",
        frecuencia="anual", responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx",
    )


def _reviewed_and_published_only_with_the_acknowledgement(dependency, dataset_id: str) -> None:
    api = dependency["api"]
    flow = api["segu"].action.workflow_show(id=dataset_id)
    assert flow["personal_findings"] == [CURP_KEY]
    [finding] = [f for f in flow["report"] if f["personal"]]
    assert finding["column"] == "responsable" and finding["rows"] == [4]
    assert finding["sample"] == "BOXW31****HNE***09" and "BOXW310820HNERXN09" not in str(flow)
    api["tran"].action.workflow_transition(id=dataset_id, transition="aprobar")
    with pytest.raises(ckanapi.ValidationError, match="reconocer cada hallazgo"):
        api["segu"].action.workflow_transition(id=dataset_id, transition="aprobar")
    with pytest.raises(ckanapi.ValidationError):
        api["datos"].action.workflow_transition(id=dataset_id, transition="solicitar_publicacion")
    with pytest.raises(ckanapi.ValidationError):
        api["tecn"].action.workflow_transition(id=dataset_id, transition="publicar")
    assert api["tecn"].action.workflow_show(id=dataset_id)["state"] == "en_revision"
    api["segu"].action.workflow_transition(id=dataset_id, transition="aprobar", acknowledged_findings=[CURP_KEY])
    api["datos"].action.workflow_transition(id=dataset_id, transition="solicitar_publicacion")
    assert api["tecn"].action.workflow_transition(id=dataset_id, transition="publicar")["state"] == "publicado"


def test_web_form_upload_with_a_curp_needs_the_enlace_de_seguridad(live_ckan, dependency):
    dataset = _dataset(dependency, "formulario")
    browser = _login(live_ckan.url, dependency["names"]["datos"])
    page = f"{live_ckan.url}/dataset/{dataset['name']}"
    form = browser.get(f"{page}/resource/new", timeout=60).text
    response = browser.post(
        f"{page}/resource/new", timeout=60,
        data={**_csrf(form), "save": "go-metadata", "id": "", "url": "obras.csv", **RESOURCE},
        files={"upload": ("obras.csv", io.BytesIO(CURP_CSV), "text/csv")},
    )
    assert response.status_code == 200, response.text[:500]
    [resource] = dependency["api"]["datos"].action.package_show(id=dataset["id"])["resources"]
    assert resource["url_type"] == "upload"

    state = wait_for_validation(dependency["api"]["datos"], dataset["id"])
    assert state["status"] == "valido" and state["personal_findings"] == 1, state
    assert state["files"][0]["resource_id"] == resource["id"] and state["files"][0]["size"] == len(CURP_CSV)
    flujo = browser.get(f"{page}/flujo", timeout=60).text
    assert 'data-validation-status="valido"' in flujo
    assert "Validado: con datos personales que revisará el Enlace de Seguridad" in flujo
    # Sent from the Flujo tab's form, as the enlace does it.
    sent = browser.post(f"{page}/flujo/transicion", timeout=60,
                        data={**_csrf(flujo), "transition": "enviar_revision"})
    assert "Se registró «Enviar a revisión»" in sent.text, sent.text[:1000]
    _reviewed_and_published_only_with_the_acknowledgement(dependency, dataset["id"])


def test_api_upload_with_a_curp_and_a_client_report_that_says_valid(live_ckan, dependency):
    api = dependency["api"]
    dataset = _dataset(dependency, "api")
    api["datos"].action.resource_create(package_id=dataset["id"], **RESOURCE,
                                        upload=("obras.csv", io.BytesIO(CURP_CSV)))
    assert wait_for_validation(api["datos"], dataset["id"])["personal_findings"] == 1
    # The client claims its data are clean: the server keeps its own report.
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision",
                                            validation_report={"valid": True, "errors": [], "warnings": []})
    _reviewed_and_published_only_with_the_acknowledgement(dependency, dataset["id"])


def test_internal_urls_failed_jobs_and_reintentar(live_ckan, dependency):
    api = dependency["api"]
    dataset = _dataset(dependency, "enlaces")
    # A URL into the server's own network (SSRF): refused, as a finding the enlace can fix.
    resource = api["datos"].action.resource_create(
        package_id=dataset["id"], **RESOURCE, url=f"http://127.0.0.1:{free_port()}/obras.csv")
    state = wait_for_validation(api["datos"], dataset["id"])
    assert state["status"] == "con_errores"
    assert [f["code"] for f in state["report"]["errors"]] == ["url-no-permitida"]
    with pytest.raises(ckanapi.ValidationError, match="encontró 1 error"):
        api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")

    # A server that does not exist: the job cannot finish; the Flujo tab says why and offers «Reintentar».
    api["datos"].action.resource_patch(id=resource["id"], url="http://servidor-de-datos.invalid/obras.csv")
    state = wait_for_validation(api["datos"], dataset["id"])
    assert state["status"] == "fallo" and "servidor-de-datos.invalid" in state["error"]
    browser = _login(live_ckan.url, dependency["names"]["datos"])
    page = f"{live_ckan.url}/dataset/{dataset['name']}"
    flujo = browser.get(f"{page}/flujo", timeout=60).text
    assert "La validación no pudo terminar" in flujo and "Reintentar" in flujo
    with pytest.raises(ckanapi.ValidationError, match="no pudo terminar"):
        api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")
    attempts = state["attempts"]
    # Without the CSRF token the form is refused; with it the job runs again.
    assert browser.post(f"{page}/validacion/reintentar", timeout=60).status_code in (400, 403)
    retried = browser.post(f"{page}/validacion/reintentar", data=_csrf(flujo), timeout=60)
    assert "La validación se puso en marcha de nuevo" in retried.text
    assert wait_for_validation(api["datos"], dataset["id"])["attempts"] == attempts + 1

    # Fixed by uploading the file: validated, and it may go to review.
    api["datos"].action.resource_patch(id=resource["id"], upload=("obras.csv", io.BytesIO(CLEAN_CSV)))
    assert wait_for_validation(api["datos"], dataset["id"])["status"] == "valido"
    result = api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")
    assert result["state"] == "en_revision"
