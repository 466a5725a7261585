"""From borrador to publicado with four real liaisons, through the actions and CKAN's auth."""

from __future__ import annotations

import csv
import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa

from .conftest import PERSONAL_KEY, PLUGINS, REPORT, act, new_dataset, publish_path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]


def test_full_path_with_four_liaisons(people):
    dataset = new_dataset(people, personal=True)
    assert dataset["private"] is True  # asked public, kept private
    flow = act(people.datos, "workflow_show", id=dataset["id"])
    assert flow["state"] == "borrador"
    assert [p["role"] for p in flow["pending"]] == ["enlace_datos_abiertos"]

    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision",
        oficio_numero="SMI/DA/0123/2024", oficio_fecha="2024-05-02", validation_report=REPORT,
        comment="Solicito validación")
    flow = act(people.transparencia, "workflow_show", id=dataset["id"])
    assert flow["state"] == "en_revision"
    assert {p["role"] for p in flow["pending"]} == {"enlace_seguridad", "enlace_transparencia"}
    # Personal-data findings first in what reviewers read.
    # The server's finding (the REPORT sent by the client is ignored).
    assert flow["report"][0]["code"] == "datos-personales-curp" and flow["report"][0]["personal"]
    assert flow["personal_findings"] == [PERSONAL_KEY]

    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    assert act(people.seguridad, "workflow_show", id=dataset["id"])["state"] == "en_revision"
    with pytest.raises(tk.ValidationError, match="reconocer"):
        act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar",
        acknowledged_findings=[PERSONAL_KEY])
    assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "revision_aprobada"

    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    assert model.Package.get(dataset["id"]).private is True
    with pytest.raises(tk.ObjectNotFound):  # not even that it exists (issue 11)
        act(None, "package_show", id=dataset["id"])

    result = act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar",
                 comment="Cumple estándares")
    assert result["state"] == "publicado"
    assert model.Package.get(dataset["id"]).private is False
    assert act(None, "package_show", id=dataset["id"])["name"] == "obras-publicas"

    history = result["history"]
    assert [(h["transition"], h["user_name"], h["role"]) for h in history] == [
        ("enviar_revision", "jperez", "enlace_datos_abiertos"),
        ("aprobar", "agarcia", "enlace_transparencia"),
        ("aprobar", "mlopez", "enlace_seguridad"),
        ("solicitar_publicacion", "jperez", "enlace_datos_abiertos"),
        ("publicar", "rnunez", "enlace_tecnico"),
    ]
    assert history[0]["oficio_numero"] == "SMI/DA/0123/2024" and history[0]["oficio_fecha"] == "2024-05-02"
    assert history[2]["acknowledged_findings"] == [PERSONAL_KEY]
    assert not any(h["as_sysadmin"] for h in history)
    assert all(h["created_at"] for h in history)


def test_rejection_returns_to_borrador_with_observations_and_a_new_round(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="rechazar",
        comment="La columna responsable trae nombres de particulares.")
    flow = act(people.datos, "workflow_show", id=dataset["id"])
    assert flow["state"] == "borrador" and flow["approvals"] == []
    assert flow["history"][-1]["comment"] == "La columna responsable trae nombres de particulares."
    # Back in borrador the enlace may edit again, and the next round needs both approvals again.
    act(people.datos, "package_patch", id=dataset["id"], notes="Sin nombres de particulares.")
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "en_revision"


def test_technical_rejection(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    act(people.tecnico, "workflow_transition", id=dataset["id"], transition="rechazar", comment="Falta diccionario")
    assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "borrador"
    assert model.Package.get(dataset["id"]).private is True


def test_sysadmin_in_role_is_recorded_and_demo_publish_walks_the_whole_path(people):
    dataset = new_dataset(people)
    result = act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    assert result["state"] == "publicado"
    assert [h["transition"] for h in result["history"]] == [
        "enviar_revision", "aprobar", "aprobar", "solicitar_publicacion", "publicar",
    ]
    assert all(h["as_sysadmin"] and h["user_name"] == "admin-portal" for h in result["history"])
    assert {h["role"] for h in result["history"]} == {
        "enlace_datos_abiertos", "enlace_seguridad", "enlace_transparencia", "enlace_tecnico",
    }
    with pytest.raises(tk.NotAuthorized):
        act(people.datos, "workflow_demo_publish", id=dataset["id"])


def test_demo_publish_is_off_unless_the_portal_is_the_demo(people, ckan_config, monkeypatch):
    from ckanext.pueblaabierto.embedded import settings

    # Production, systemd and Docker write their ini from instance_options: the demo is not in it.
    options = settings.instance_options(database_url="", datastore_write_url="", datastore_read_url="",
                                        redis_url="", site_url="", storage_path="", smtp_server="", backup_dir="")
    assert "pueblaabierto.workflow.demo" not in options
    monkeypatch.setitem(ckan_config, "pueblaabierto.workflow.demo", False)
    dataset = new_dataset(people)
    with pytest.raises(tk.NotAuthorized, match="publicación de demostración está desactivada"):
        act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    flow = act(people.datos, "workflow_show", id=dataset["id"])
    assert flow["state"] == "borrador" and flow["history"] == []


def test_demo_publish_never_acknowledges_personal_data(people):
    dataset = new_dataset(people, personal=True)
    with pytest.raises(tk.ValidationError, match="1 hallazgo.s. de datos personales") as refused:
        act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    assert "Enlace de Seguridad" in str(refused.value.error_dict)
    flow = act(people.datos, "workflow_show", id=dataset["id"])
    assert flow["state"] == "borrador" and flow["history"] == []
    assert model.Package.get(dataset["id"]).private is True
    # Also once under review (the report travelled with it): the walk stops before approving.
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    with pytest.raises(tk.ValidationError, match="datos personales"):
        act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    flow = act(people.datos, "workflow_show", id=dataset["id"])
    assert flow["state"] == "en_revision" and flow["approvals"] == []


def test_record_is_append_only_in_the_database(people):
    dataset = new_dataset(people)
    publish_path(people, dataset["id"])
    for statement in (
        "UPDATE pueblaabierto_workflow_transition SET comment = 'x'",
        "DELETE FROM pueblaabierto_workflow_transition",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="no se puede modificar"):
            model.Session.execute(sa.text(statement))
        model.Session.rollback()
    assert len(act(people.tecnico, "workflow_show", id=dataset["id"])["history"]) == 5


def test_history_csv_for_auditors_only(people):
    dataset = new_dataset(people, personal=True)
    publish_path(people, dataset["id"])
    text = act(people.transparencia, "workflow_history_csv", id=dataset["id"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["transition"] for r in rows] == [
        "enviar_revision", "aprobar", "aprobar", "solicitar_publicacion", "publicar",
    ]
    assert rows[0]["oficio_numero"] == "SMI/DA/0123/2024"
    assert rows[2]["acknowledged_findings"] == PERSONAL_KEY
    for user in (people.datos, people.outsider, None):
        with pytest.raises(tk.NotAuthorized):
            act(user, "workflow_history_csv")


def test_no_action_edits_or_deletes_the_record(people):
    """The API offers no way to change the record (the DB trigger is the second line)."""
    actions = {name for name in ("workflow_transition_update", "workflow_transition_delete", "workflow_history_delete")}
    for name in actions:
        with pytest.raises(KeyError):
            tk.get_action(name)
