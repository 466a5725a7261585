"""Backups of the live e2e portal: create, verify, restore a state before a publication."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from ckanext.pueblaabierto.embedded.environment import ckan_command
from ckanext.pueblaabierto.ops import maintenance, server

from tests.live_ckan import LiveCKAN, upload_table, wait_for_datastore


def respaldo(live_ckan: LiveCKAN, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ckan_command(), "-c", str(live_ckan.config), "pueblaabierto", "respaldo", *args],
        capture_output=True, text=True, cwd=live_ckan.config.parent, env=server.quiet_environment() | _path_env(),
    )


def _path_env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}


def backup_dir(live_ckan: LiveCKAN) -> Path:
    return Path(server.read_option(live_ckan.config, "pueblaabierto.respaldo.ruta"))


def bitacora(live_ckan: LiveCKAN) -> list[dict[str, str]]:
    text = (backup_dir(live_ckan) / "bitacora.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def created_backup(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    line = [line for line in result.stdout.splitlines() if line.startswith("Respaldo completo creado:")][-1]
    return Path(line.split(": ", 1)[1].split(" (")[0]).name


FORM317_RESOURCE = {"fecha_inicio": "2025-01-01", "fecha_fin": "2025-12-31", "tipo_visualizacion": "tabla"}


def publish_dataset(live_ckan: LiveCKAN, name: str, org_id: str) -> dict:
    api = live_ckan.api()
    dataset = api.action.package_create(
        name=name, title=f"Padrón {name}", notes="Conjunto de la prueba de respaldos.",
        # The test's names differ in length: a unique ID de Dataset within the dependencia.
        owner_org=org_id, id_dataset=str(len(name)), tema="finanzas", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    # The table reaches the DataStore the way it does for enlaces: the server loads the uploaded file.
    created = upload_table(api, dataset["id"], "tabla.csv", b"colonia,total\nCentro,10\nLa Paz,4\n",
                           name="Tabla", **FORM317_RESOURCE)
    api.action.resource_create(
        package_id=dataset["id"], name="Acta", format="CSV", **FORM317_RESOURCE, nombre_archivo="acta.csv",
        upload=("acta.csv", io.BytesIO(f"acta\n{name}\n".encode())),
    )
    wait_for_datastore(api, created["id"])
    api.action.workflow_demo_publish(id=dataset["id"])
    return {**api.action.package_show(id=dataset["id"]), "table_id": created["id"]}


def anonymous_search(live_ckan: LiveCKAN, name: str) -> int:
    return live_ckan.api(token="").action.package_search(fq=f"name:{name}")["count"]


@pytest.fixture(scope="module")
def dependencia(live_ckan: LiveCKAN) -> dict:
    return live_ckan.api().action.organization_create(
        name="respaldos-e2e", title="Dirección de Respaldos", id_dependencia="9312",
        description="Dependencia de la prueba de respaldos.",
    )


def test_restore_brings_back_the_portal_before_a_publication(live_ckan, dependencia):
    before = publish_dataset(live_ckan, "respaldo-antes", dependencia["id"])
    uploaded = next(r for r in before["resources"] if r["name"] == "Acta")

    name = created_backup(respaldo(live_ckan, "crear"))
    listed = respaldo(live_ckan, "listar")
    assert name in listed.stdout and "completo" in listed.stdout

    after = publish_dataset(live_ckan, "respaldo-despues", dependencia["id"])
    # and a deletion (a published dataset: the workflow asks the sysadmin for a reason), also undone
    live_ckan.api().action.package_delete(id=before["id"], motivo="Prueba de restauración de un respaldo")
    assert anonymous_search(live_ckan, "respaldo-despues") == 1
    assert anonymous_search(live_ckan, "respaldo-antes") == 0

    result = respaldo(live_ckan, "restaurar", name, "--si")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Portal restaurado" in result.stdout

    # The later publication is gone everywhere: page, API, search index, DataStore.
    anonymous = live_ckan.api(token="")
    assert anonymous_search(live_ckan, "respaldo-despues") == 0
    assert requests.get(f"{live_ckan.url}/dataset/respaldo-despues", timeout=60).status_code == 404
    datastore = requests.get(
        f"{live_ckan.url}/api/3/action/datastore_search",
        params={"resource_id": after["table_id"]}, timeout=60,
    )
    assert datastore.status_code == 404
    # The earlier one is back, searchable, with its table and its uploaded file.
    assert anonymous_search(live_ckan, "respaldo-antes") == 1
    page = requests.get(f"{live_ckan.url}/dataset/?q=respaldo", timeout=60).text
    assert "Padrón respaldo-antes" in page and "Padrón respaldo-despues" not in page
    records = anonymous.action.datastore_search(resource_id=before["table_id"])["records"]
    assert [(r["colonia"], r["total"]) for r in records] == [("Centro", 10), ("La Paz", 4)]
    download = requests.get(uploaded["url"], timeout=60)
    assert download.status_code == 200 and download.text == "acta\nrespaldo-antes\n"

    log = bitacora(live_ckan)
    restore = [row for row in log if row["operacion"] == "restauración"][-1]
    assert restore["resultado"] == "OK" and restore["tipo"] == "completo"
    assert restore["ubicacion"].endswith(name) and restore["sistema"] and restore["fecha_hora"]
    made = [row for row in log if row["operacion"] == "respaldo"][-1]
    assert made["frecuencia"] == "a petición" and made["ubicacion"].endswith(name)
    assert not maintenance.flag_path({"pueblaabierto.respaldo.ruta": str(backup_dir(live_ckan))}).exists()


def test_verify_restores_aside_and_catches_a_damaged_backup(live_ckan, dependencia):
    publish_dataset(live_ckan, "respaldo-verificado", dependencia["id"])
    name = created_backup(respaldo(live_ckan, "crear"))

    good = respaldo(live_ckan, "verificar", name)
    assert good.returncode == 0, good.stderr[-3000:]
    assert "verificado" in good.stdout and "coinciden" in good.stdout
    assert bitacora(live_ckan)[-1]["operacion"] == "verificación"
    assert bitacora(live_ckan)[-1]["resultado"] == "OK"

    damaged = backup_dir(live_ckan) / f"{name}-danado"
    shutil.copytree(backup_dir(live_ckan) / name, damaged)
    dump = damaged / "datastore.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    bad = respaldo(live_ckan, "verificar", damaged.name)
    assert bad.returncode == 1
    assert "NO es confiable" in bad.stderr and "datastore.dump está dañado" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert bitacora(live_ckan)[-1]["resultado"] == "FALLA"

    refused = respaldo(live_ckan, "restaurar", damaged.name, "--si")
    assert refused.returncode == 1 and "No se restauró" in refused.stderr
    assert anonymous_search(live_ckan, "respaldo-verificado") == 1  # the portal was not touched
    shutil.rmtree(damaged)


def test_maintenance_flag_answers_503_in_spanish(live_ckan):
    flag = backup_dir(live_ckan) / maintenance.FLAG_NAME
    maintenance.switch_on(flag, "Se está restaurando el respaldo de prueba.")
    try:
        page = requests.get(f"{live_ckan.url}/dataset/", timeout=60)
        api = requests.get(f"{live_ckan.url}/api/3/action/package_search", timeout=60)
    finally:
        maintenance.switch_off(flag)
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "El portal está en mantenimiento" in page.text and "respaldo de prueba" in page.text
    assert api.status_code == 503 and api.json()["success"] is False
    assert "mantenimiento" in api.json()["error"]["message"]
    assert requests.get(f"{live_ckan.url}/dataset/", timeout=60).status_code == 200


def test_unknown_backup_is_a_spanish_error(live_ckan):
    result = respaldo(live_ckan, "verificar", "no-existe")
    assert result.returncode == 1
    assert "No existe el respaldo «no-existe»" in result.stderr and "respaldo listar" in result.stderr
