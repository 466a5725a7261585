"""``ckan pueblaabierto rol ...`` and ``ckan pueblaabierto flujo ...`` through CKAN's CLI."""

from __future__ import annotations

import csv
import io
import json

import ckan.model as model
import pytest
from ckanext.pueblaabierto.cli import pueblaabierto

from tests.plugin.verification.helpers import run_validation

from .conftest import PLUGINS, act, new_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]


def run(cli, *args: str):
    # The group CKAN mounts as ``ckan pueblaabierto`` (IClick), invoked directly: the test
    # ini lists no plugins, so CKAN's own entry point would not know the group.
    return cli.invoke(pueblaabierto, list(args))


def test_rol_asignar_listar_revocar(cli, people):
    result = run(cli, "rol", "asignar", people.outsider["name"], "enlace_seguridad", "--dependencia", "tesoreria")
    assert result.exit_code == 0, result.output
    assert "otraeditora: Enlace de Seguridad en tesoreria" in result.output
    listed = json.loads(run(cli, "rol", "listar", "--usuario", people.outsider["name"], "--json").output)
    assert [(r["role"], r["organization"]) for r in listed] == [("enlace_seguridad", "tesoreria")]
    assert run(cli, "rol", "revocar", people.outsider["name"], "enlace_seguridad", "--dependencia",
               "tesoreria").exit_code == 0
    assert json.loads(run(cli, "rol", "listar", "--usuario", people.outsider["name"], "--json").output) == []


def test_rol_errors_are_spanish_and_exit_nonzero(cli, people):
    result = run(cli, "rol", "asignar", people.outsider["name"], "enlace_seguridad")
    assert result.exit_code != 0
    assert "se asigna por dependencia" in result.output
    result = run(cli, "rol", "asignar", "no-existe", "enlace_tecnico")
    assert result.exit_code != 0 and "No existe el usuario no-existe" in result.output


def test_rol_cuenta_follows_the_naming_convention(cli, people):
    first = run(cli, "rol", "cuenta", "Íñigo", "Muñoz", "Ávila", "--email", "imunoz@pueblacapital.gob.mx",
                "--rol", "enlace_datos_abiertos", "--dependencia", "movilidad")
    assert first.exit_code == 0, first.output
    created = json.loads(first.output.strip().splitlines()[-1])
    assert created["name"] == "imunoz" and len(created["password"]) >= 12
    assert model.User.get("imunoz").fullname == "Íñigo Muñoz Ávila"
    # Homonym: the second surname's initial is added.
    second = run(cli, "rol", "cuenta", "Irene", "Muñoz", "Bravo", "--email", "imunozb@pueblacapital.gob.mx")
    assert json.loads(second.output.strip().splitlines()[-1])["name"] == "imunozb"
    roles = act(people.sysadmin, "workflow_role_list", user="imunoz")
    assert [(r["role"], r["organization"]) for r in roles] == [("enlace_datos_abiertos", "movilidad")]


def test_flujo_demo_publicar_and_registro(cli, people):
    dataset = new_dataset(people)
    run_validation(dataset["id"])  # what the jobs worker does after the upload
    result = run(cli, "flujo", "demo-publicar", dataset["name"], "--usuario", people.sysadmin["name"])
    assert result.exit_code == 0, result.output
    assert "obras-publicas: publicado (5 pasos en el historial)" in result.output
    rows = list(csv.DictReader(io.StringIO(run(cli, "flujo", "registro", "--conjunto", dataset["name"]).output)))
    assert [r["transition"] for r in rows] == [
        "enviar_revision", "aprobar", "aprobar", "solicitar_publicacion", "publicar",
    ]
    assert {r["as_sysadmin"] for r in rows} == {"si"}
    refused = run(cli, "flujo", "demo-publicar", dataset["name"], "--usuario", people.datos["name"])
    assert refused.exit_code != 0


def test_flujo_demo_publicar_todos_publishes_every_unpublished_dataset(cli, people):
    first = new_dataset(people, name="uno")
    second = new_dataset(people, name="dos")
    act(people.datos, "workflow_transition", id=second["id"], transition="enviar_revision")
    run_validation(first["id"])  # what the jobs worker does after the upload
    result = run(cli, "flujo", "demo-publicar", "--todos", "--usuario", people.sysadmin["name"])
    assert result.exit_code == 0, result.output
    for dataset in (first, second):
        assert act(None, "package_show", id=dataset["id"])["private"] is False
    # Second run: nothing left to publish.
    assert "Indique uno o más conjuntos" in run(cli, "flujo", "demo-publicar", "--todos").output
