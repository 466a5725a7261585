"""The web faces: Mis pendientes, the dataset's Flujo page and state block, forms, CSV export."""

from __future__ import annotations

import html
import re

import ckan.model as model
import pytest
from ckan.tests import factories

from .conftest import PERSONAL_KEY, PLUGINS, REPORT, act, new_dataset, publish_path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", False),
    pytest.mark.usefixtures("with_plugins"),
]


def _headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_mis_pendientes_lists_what_awaits_each_liaison(app, people):
    draft = new_dataset(people, name="recien-creado", title="Recién creado")
    assert [p["name"] for p in act(people.datos, "workflow_pending")] == [draft["name"]]
    assert act(people.seguridad, "workflow_pending") == []
    act(people.sysadmin, "package_delete", id=draft["id"])
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    for user, expected in ((people.seguridad, True), (people.transparencia, True), (people.tecnico, False),
                           (people.datos, False), (people.outsider, False)):
        page = app.get("/flujo/pendientes", headers=_headers(user))
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Mis pendientes" in text
        assert ("Obras públicas 2024" in text) is expected, user["name"]
        if not expected:
            assert "No tiene conjuntos de datos esperando su acción." in text
    assert "Enlace de Seguridad" in app.get("/flujo/pendientes", headers=_headers(people.seguridad)).get_data(
        as_text=True)
    # Every page of a logged-in user links to it.
    home = app.get("/dataset/", headers=_headers(people.tecnico)).get_data(as_text=True)
    assert 'href="/flujo/pendientes"' in home
    # Anonymous visitors are sent to log in.
    assert app.get("/flujo/pendientes", follow_redirects=False).status_code == 302


def test_dataset_page_shows_state_and_history_only_to_those_allowed(app, people):
    dataset = new_dataset(people)
    publish_path(people, dataset["id"])
    allowed = app.get(f"/dataset/{dataset['name']}", headers=_headers(people.seguridad)).get_data(as_text=True)
    assert "Flujo de validación" in allowed and 'data-state="publicado"' in allowed
    flow = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.seguridad)).get_data(as_text=True)
    assert "SMI/DA/0123/2024" in flow and "Publicar" in flow
    # People by their full name (the record keeps the user name for audits: CSV, API).
    assert "Raúl Núñez" in flow and ">rnunez" not in flow
    # Citizens see the published dataset, not the officials' record.
    public = app.get(f"/dataset/{dataset['name']}").get_data(as_text=True)
    assert "Obras públicas 2024" in public and "Flujo de validación" not in public
    assert app.get(f"/dataset/{dataset['name']}/flujo").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.outsider)).status_code == 404


def test_transitions_from_the_web_form_including_acknowledgement(app, people):
    dataset = new_dataset(people, personal=True)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision",
        validation_report=REPORT)
    page = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.seguridad)).get_data(as_text=True)
    # The server's own finding (column, row, masked sample), with a checkbox for the enlace de
    # seguridad; the report the client sent (REPORT) is ignored.
    # (labelled for a person, as workflow/report.py words the pipeline's datos-personales-* codes)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "CURP en obras.csv, columna «responsable», fila 4" in text and "BOXW31****HNE***09" in page
    assert "La columna parece contener CURP" not in page and "Falta la frecuencia" not in page
    assert 'name="acknowledged_findings"' in page
    url = f"/dataset/{dataset['name']}/flujo/transicion"
    refused = app.post(url, headers=_headers(people.seguridad), data={"transition": "aprobar"})
    assert "reconocer cada hallazgo" in refused.get_data(as_text=True)
    app.post(url, headers=_headers(people.seguridad),
             data={"transition": "aprobar", "acknowledged_findings": PERSONAL_KEY, "oficio_numero": "CT/77/2024"})
    flow = act(people.seguridad, "workflow_show", id=dataset["id"])
    assert flow["approvals"][0]["role"] == "enlace_seguridad"
    assert flow["history"][-1]["oficio_numero"] == "CT/77/2024"


def test_csv_export_page_for_auditors(app, people):
    dataset = new_dataset(people)
    publish_path(people, dataset["id"])
    response = app.get("/flujo/registro.csv", headers=_headers(people.tecnico))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).count("obras-publicas") == 5
    assert app.get("/flujo/registro.csv", headers=_headers(people.datos)).status_code == 403


def test_propose_update_from_the_portal(app, people):
    dataset = new_dataset(people)
    publish_path(people, dataset["id"])
    page = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.datos)).get_data(as_text=True)
    assert "Proponer actualización" in page
    app.post(f"/dataset/{dataset['name']}/flujo/actualizar", headers=_headers(people.datos))
    shadow = model.Package.get("obras-publicas-actualizacion")
    assert shadow is not None and shadow.private is True


def test_sysadmins_assign_and_revoke_roles_in_the_portal(app, people):
    admin = _headers(people.sysadmin)
    page = app.get("/flujo/roles", headers=admin).get_data(as_text=True)
    assert "Roles del flujo de validación" in page and "jperez" in page and "Enlace Técnico" in page
    app.post("/flujo/roles", headers=admin,
             data={"user": "otraeditora", "role": "enlace_seguridad", "organization": "tesoreria"})
    roles = act(people.sysadmin, "workflow_role_list", user="otraeditora")
    assert [(r["role"], r["organization"]) for r in roles] == [("enlace_seguridad", "tesoreria")]
    refused = app.post("/flujo/roles", headers=admin, data={"user": "otraeditora", "role": "enlace_seguridad"})
    assert "se asigna por dependencia" in refused.get_data(as_text=True)
    app.post("/flujo/roles", headers=admin, data={"user": "otraeditora", "role": "enlace_seguridad",
                                                  "organization": "tesoreria", "revocar": "1"})
    assert act(people.sysadmin, "workflow_role_list", user="otraeditora") == []
    for user in (people.tecnico, people.datos):
        assert app.get("/flujo/roles", headers=_headers(user)).status_code == 403
        assert app.post("/flujo/roles", headers=_headers(user),
                        data={"user": user["name"], "role": "enlace_tecnico"}).status_code == 403
    assert act(people.sysadmin, "workflow_role_list", user="jperez")[0]["role"] == "enlace_datos_abiertos"


def test_edit_buttons_past_the_draft_lead_to_proponer_actualizacion(app, people):
    """Dataset and resource pages: a draft keeps CKAN's edit buttons; under review or published,
    «Proponer actualización» leads to the Flujo page's section that proposes it or says how."""
    dataset = new_dataset(people)
    resource_id = dataset["resources"][0]["id"]
    datos = _headers(people.datos)
    pages = (f"/dataset/{dataset['name']}", f"/dataset/{dataset['name']}/resource/{resource_id}")
    flow_link = f'href="/dataset/{dataset["name"]}/flujo#proponer-actualizacion"'

    draft = app.get(pages[1], headers=datos).get_data(as_text=True)
    assert f"/dataset/{dataset['name']}/resource/{resource_id}/edit" in draft and flow_link not in draft

    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision", validation_report=REPORT)
    for path in pages:
        page = app.get(path, headers=datos).get_data(as_text=True)
        assert 'id="boton-proponer-actualizacion"' in page and flow_link in page, path
        assert f"/resource/{resource_id}/edit" not in page and f"/dataset/edit/{dataset['name']}" not in page, path
    flow = html.unescape(app.get(f"/dataset/{dataset['name']}/flujo", headers=datos).get_data(as_text=True))
    assert 'id="proponer-actualizacion"' in flow
    assert "está en revisión («En revisión») y no puede cambiarse" in flow and "lo rechaza con observaciones" in flow
    # A reviewer is pointed at the rejection form itself.
    reviewer = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.seguridad)).get_data(as_text=True)
    assert 'href="#form-rechazar"' in reviewer and 'id="form-rechazar"' in reviewer

    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar",
        acknowledged_findings=[PERSONAL_KEY])
    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
    for path in pages:
        page = app.get(path, headers=datos).get_data(as_text=True)
        assert flow_link in page and f"/resource/{resource_id}/edit" not in page, path
    flow = app.get(f"/dataset/{dataset['name']}/flujo", headers=datos).get_data(as_text=True)
    assert 'id="proponer-actualizacion"' in flow and 'id="form-proponer-actualizacion"' in flow
    # Citizens get no edit button at all.
    assert 'id="boton-proponer-actualizacion"' not in app.get(pages[1]).get_data(as_text=True)
