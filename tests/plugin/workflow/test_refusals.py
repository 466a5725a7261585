"""Every refused (state x transition x user) through the real action, and the guards.

A refusal must leave the state and the record untouched and explain itself in Spanish.
"""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest

from .conftest import PLUGINS, act, new_dataset, transition_count

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

# Spelled from the issue: who may do what, where.
ALLOWED = {
    ("borrador", "enviar_revision"): {"datos"},
    ("en_revision", "aprobar"): {"seguridad", "transparencia"},
    ("en_revision", "rechazar"): {"seguridad", "transparencia"},
    ("revision_aprobada", "solicitar_publicacion"): {"datos"},
    ("en_validacion_tecnica", "rechazar"): {"tecnico"},
    ("en_validacion_tecnica", "publicar"): {"tecnico"},
}
STEPS = [
    ("datos", "enviar_revision"),
    ("seguridad", "aprobar"),
    ("transparencia", "aprobar"),
    ("datos", "solicitar_publicacion"),
    ("tecnico", "publicar"),
]
REACHED = ["borrador", "en_revision", None, "revision_aprobada", "en_validacion_tecnica", "publicado"]
USERS = ["datos", "seguridad", "transparencia", "tecnico", "outsider", "anonymous"]
TRANSITIONS = ["enviar_revision", "aprobar", "rechazar", "solicitar_publicacion", "publicar"]


def _who(people, name):
    return None if name == "anonymous" else getattr(people, name)


def test_every_refused_combination(people):
    dataset = new_dataset(people)
    checked = 0
    for index, state in enumerate(REACHED):
        if state is not None:
            before = transition_count()
            flow_before = act(people.sysadmin, "workflow_show", id=dataset["id"])
            assert flow_before["state"] == state
            for transition in TRANSITIONS:
                for user in USERS:
                    if user in ALLOWED.get((state, transition), set()):
                        continue
                    with pytest.raises((tk.NotAuthorized, tk.ValidationError)) as refused:
                        act(_who(people, user), "workflow_transition", id=dataset["id"], transition=transition,
                            comment="observación")
                    message = str(refused.value)
                    assert message and "Traceback" not in message
                    checked += 1
            assert transition_count() == before, state
            assert act(people.sysadmin, "workflow_show", id=dataset["id"])["state"] == state
        if index < len(STEPS):
            user, transition = STEPS[index]
            act(_who(people, user), "workflow_transition", id=dataset["id"], transition=transition)
    assert checked > 100


def test_refusal_messages_are_spanish_and_name_the_role(people):
    dataset = new_dataset(people)
    with pytest.raises(tk.NotAuthorized, match="Solo Enlace de Datos Abiertos puede"):
        act(people.tecnico, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    with pytest.raises(tk.ValidationError, match="No se puede «Publicar» un conjunto de datos en estado «Borrador»"):
        act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
    with pytest.raises(tk.NotAuthorized, match="Inicie sesión"):
        act(None, "workflow_transition", id=dataset["id"], transition="enviar_revision")


def test_rejection_without_comment_is_refused(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    with pytest.raises(tk.ValidationError, match="observaciones"):
        act(people.seguridad, "workflow_transition", id=dataset["id"], transition="rechazar")


def test_security_of_another_dependency_cannot_approve(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    act(people.sysadmin, "workflow_role_assign", user=people.outsider["name"], role="enlace_seguridad",
        organization=people.other_org["name"])
    with pytest.raises(tk.NotAuthorized):
        act(people.outsider, "workflow_transition", id=dataset["id"], transition="aprobar")


def test_revoked_role_can_no_longer_act(people):
    dataset = new_dataset(people)
    act(people.sysadmin, "workflow_role_revoke", user=people.datos["name"], role="enlace_datos_abiertos",
        organization=people.org["name"])
    with pytest.raises(tk.NotAuthorized):
        act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    assert all(r["role"] != "enlace_datos_abiertos" for r in act(people.sysadmin, "workflow_role_list"))


def test_only_sysadmins_assign_roles(people):
    with pytest.raises(tk.NotAuthorized):
        act(people.tecnico, "workflow_role_assign", user=people.outsider["name"], role="enlace_tecnico")
    with pytest.raises(tk.ValidationError, match="por dependencia"):
        act(people.sysadmin, "workflow_role_assign", user=people.outsider["name"], role="enlace_seguridad")
    with pytest.raises(tk.ValidationError, match="todas las dependencias"):
        act(people.sysadmin, "workflow_role_assign", user=people.outsider["name"], role="enlace_tecnico",
            organization=people.org["name"])


# -- Guards: nothing becomes public or changes outside the workflow -----------------


def test_new_datasets_are_private_even_for_sysadmins(people):
    dataset = act(people.sysadmin, "package_create", name="del-admin", owner_org=people.org["id"], private=False)
    assert dataset["private"] is True
    with pytest.raises(tk.ObjectNotFound):  # not even that it exists (issue 11)
        act(None, "package_show", id=dataset["id"])


def test_draft_cannot_be_made_public_by_update_or_bulk(people):
    dataset = new_dataset(people)
    act(people.datos, "package_patch", id=dataset["id"], private=False)
    assert model.Package.get(dataset["id"]).private is True
    with pytest.raises(tk.ValidationError, match="flujo de validación"):
        act(people.sysadmin, "bulk_update_public", datasets=[dataset["id"]], org_id=people.org["id"])
    assert model.Package.get(dataset["id"]).private is True


def test_under_review_is_frozen(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    with pytest.raises(tk.ValidationError, match="mientras se revisa"):
        act(people.datos, "package_patch", id=dataset["id"], notes="cambio a escondidas")
    with pytest.raises(tk.ValidationError, match="mientras se revisa"):
        act(people.datos, "resource_create", package_id=dataset["id"], url="http://example.com/otro.csv")
    with pytest.raises(tk.ValidationError, match="mientras se revisa"):
        act(people.datos, "datastore_create", resource_id=dataset["resources"][0]["id"], force=True,
            fields=[{"id": "x", "type": "text"}], records=[{"x": "1"}])


def test_published_is_not_changed_in_place(people):
    dataset = new_dataset(people)
    act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    for who in (people.datos, people.sysadmin):
        with pytest.raises(tk.ValidationError, match="cree una actualización"):
            act(who, "package_patch", id=dataset["id"], notes="cambio sin revisión")
    with pytest.raises(tk.ValidationError, match="cree una actualización"):
        act(people.datos, "datastore_create", resource_id=dataset["resources"][0]["id"], force=True,
            fields=[{"id": "x", "type": "text"}], records=[{"x": "sin revisar"}])
    assert act(None, "package_show", id=dataset["id"])["notes"] == "Obras con ubicación y presupuesto."


def test_tecnico_cannot_write_a_draft_the_dependency_has_not_submitted(people):
    """He does not see another's draft (labels.py) and cannot change it by id either, on any path."""
    dataset = new_dataset(people)
    resource_id = dataset["resources"][0]["id"]
    attempts = {
        # Full updates need no read first: the paths an attacker who knows the ids would take.
        "package_update": {"id": dataset["id"], "name": dataset["name"], "owner_org": people.org["id"],
                           "title": "Título del técnico", "notes": "cambio del técnico"},
        "resource_update": {"id": resource_id, "package_id": dataset["id"], "url": "http://example.com/otro.csv",
                            "name": "Renombrado"},
        "package_patch": {"id": dataset["id"], "notes": "cambio del técnico"},
        "resource_create": {"package_id": dataset["id"], "url": "http://example.com/otro.csv", "name": "Otro"},
        "resource_patch": {"id": resource_id, "name": "Renombrado"},
        "package_owner_org_update": {"id": dataset["id"], "organization_id": people.org["id"]},
    }
    for action, data in attempts.items():
        # Refused as if it did not exist (security/traces.py): no trace of a draft he cannot see.
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            act(people.tecnico, action, **data)
    stored = act(people.sysadmin, "package_show", id=dataset["id"])
    assert stored["notes"] == "Obras con ubicación y presupuesto."
    assert [r["name"] for r in stored["resources"]] == ["Obras"]

    # His own draft (what ``pueblaabierto publicar`` creates with his account) stays his to write.
    own = act(people.tecnico, "package_create", name="del-tecnico", title="Del técnico", owner_org=people.org["id"])
    act(people.tecnico, "package_patch", id=own["id"], notes="escrito por el técnico")
    act(people.tecnico, "resource_create", package_id=own["id"], url="http://example.com/a.csv", name="A")
    assert act(people.sysadmin, "package_show", id=own["id"])["notes"] == "escrito por el técnico"
