"""The FORM.317 workflow over HTTP on a real CKAN with the portal's plugins (live_ckan + ckanapi).

Four real liaisons with their own API tokens walk a dataset to publication; at each step
anonymous users and another dependency's editor get nothing over the API, the pages or
the DataStore.
"""

from __future__ import annotations

import uuid

import ckanapi
import pytest
import requests


def _user(admin, name: str) -> str:
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password="Contrasena-e2e-1",
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
    resource = api["datos"].action.datastore_create(
        resource={"package_id": dataset["id"], "name": "Obras", "format": "CSV", "nombre_archivo": "obras.csv",
                  "tipo_visualizacion": "tabla", "fecha_inicio": "2024-01-01", "fecha_fin": "2024-06-30"},
        force=True,
        fields=[{"id": "folio", "type": "text"}], records=[{"folio": "x1"}],
    )
    resource_id = resource["resource_id"]

    def hidden_from_public() -> None:
        for client in (anonymous, api["otro"]):
            with pytest.raises(ckanapi.NotAuthorized):
                client.action.package_show(id=dataset["id"])
            with pytest.raises(ckanapi.NotAuthorized):
                client.action.datastore_search(resource_id=resource_id)
            found = client.action.package_search(q=suffix, include_private=True)
            assert found["count"] == 0 and found["results"] == []
        page = requests.get(f"{live_ckan.url}/dataset/{dataset['name']}", timeout=60)
        assert page.status_code == 404
        download = requests.get(f"{live_ckan.url}/dataset/{dataset['id']}/resource/{resource_id}/download",
                                timeout=60, allow_redirects=False)
        assert download.status_code in (403, 404)

    hidden_from_public()
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
