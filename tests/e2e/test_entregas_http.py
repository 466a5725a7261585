"""Entregas over HTTP on a real CKAN (gunicorn + jobs worker): the enlace's FORM.317 intake.

The examples of dataset_forms/ejemplos/ are uploaded as the browser and the API send them
(multipart), the real worker validates them, and each test polls ``submission_show`` with a
deadline. Each test gets its own dependencia: the example workbooks are copied with its
«ID de Dependencia» (and a distinct title), so nothing collides with other tests' data.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import time
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import ckanapi
import openpyxl
import pytest
import requests

from tests.e2e.test_workflow_http import _csrf, _login, _user
from tests.live_ckan import wait_for_datastore

EJEMPLOS = Path(__file__).resolve().parents[2] / "dataset_forms" / "ejemplos"
OFICIO = {"oficio_numero": "SISP/DA/0123/2024", "oficio_fecha": "2024-05-02"}
DEADLINE = 240  # seconds a job may take on a loaded 2-core machine


def _dependencia(live_ckan, tag: str) -> SimpleNamespace:
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    id_dependencia = str(300000 + int(suffix, 16) % 600000)
    org = admin.action.organization_create(
        name=f"{tag}-{suffix}", title=f"Dependencia {tag} {suffix}", id_dependencia=id_dependencia,
        description="Dependencia de prueba de las entregas.")
    token = _user(admin, f"dato{suffix}")
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    return SimpleNamespace(org=org, id_dependencia=id_dependencia, suffix=suffix, user=f"dato{suffix}",
                           token=token, api=live_ckan.api(token=token))


def _example(tmp_path: Path, folder: str, dep: SimpleNamespace, *, big_rows: int = 0) -> Path:
    """A copy of an example whose workbook names ``dep``'s ID de Dependencia and a unique title."""
    target = tmp_path / f"{folder.replace('/', '-')}-{dep.suffix}"
    shutil.copytree(EJEMPLOS / folder, target)
    workbook = openpyxl.load_workbook(target / "FORM.317.xlsx")
    workbook["Dependencia"]["A2"] = int(dep.id_dependencia)
    sheet = workbook["Dataset"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value is not None:
            sheet.cell(row, 5).value = int(dep.id_dependencia)
            sheet.cell(row, 2).value = f"{sheet.cell(row, 2).value} {dep.suffix}"
    workbook.save(target / "FORM.317.xlsx")
    if big_rows:
        csv_path = next(target.glob("*.csv"))
        header, *rows = csv_path.read_text(encoding="utf-8").splitlines()
        with csv_path.open("w", encoding="utf-8") as out:
            out.write(header + "\n")
            for index in range(big_rows):
                out.write(rows[index % len(rows)] + "\n")
    return target


def _zip_folder(folder: Path, inner: str = "entrega") -> bytes:
    """As Windows' «Enviar a → Carpeta comprimida» makes it: everything inside one folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"{inner}/{path.name}")
    return out.getvalue()


def _create(live_ckan, dep, folder: Path | None = None, *, skip=(), zip_bytes: bytes | None = None,
            entrega_id: str | None = None, extra_files=(), **data) -> requests.Response:
    files = []
    if folder is not None:
        files.append(("formato", ("FORM.317.xlsx", (folder / "FORM.317.xlsx").read_bytes())))
        for index, path in enumerate(sorted(folder.iterdir())):
            if path.name != "FORM.317.xlsx" and path.name not in skip:
                files.append((f"archivo_{index}", (path.name, path.read_bytes())))
    if zip_bytes is not None:
        files.append(("archivo_zip", ("entrega.zip", zip_bytes)))
    files.extend(extra_files)
    form = {**OFICIO, **data}
    if entrega_id:
        form["id"] = entrega_id
    else:
        form["owner_org"] = dep.org["id"]
    return requests.post(f"{live_ckan.url}/api/3/action/submission_create", data=form, files=files,
                         headers={"Authorization": dep.token}, timeout=120)


def _wait(dep, entrega_id: str, *, until=lambda e: not e["running"], deadline: float = DEADLINE) -> dict:
    end = time.monotonic() + deadline
    while True:
        shown = dep.api.action.submission_show(id=entrega_id)
        if until(shown):
            return shown
        assert time.monotonic() < end, f"la entrega no terminó a tiempo: {shown['state']} {shown['progress']}"
        time.sleep(0.5)


def test_upload_fix_zip_drafts_and_idempotent_reapply(live_ckan, tmp_path):
    dep = _dependencia(live_ckan, "obras")
    folder = _example(tmp_path, "obra-publica", dep)
    response = _create(live_ckan, dep, folder, skip=("obras_publicas_2024.csv",))
    assert response.status_code == 200, response.text
    entrega_id = response.json()["result"]["id"]
    shown = _wait(dep, entrega_id)
    assert shown["state"] == "con_errores"
    assert any(f["code"] == "archivo-no-encontrado" for f in shown["report"]["errors"])

    # The correction: the whole folder zipped by Windows (inside a folder), no separate workbook.
    response = _create(live_ckan, dep, zip_bytes=_zip_folder(folder), entrega_id=entrega_id)
    assert response.status_code == 200, response.text
    shown = _wait(dep, entrega_id)
    assert shown["state"] == "valida", shown["report"]
    assert [v["number"] for v in shown["versions"]] == [2, 1]
    assert any(f["code"] == "archivo-no-encontrado" for f in shown["versions"][1]["report"]["errors"])

    dep.api.action.submission_apply(id=entrega_id)
    shown = _wait(dep, entrega_id)
    assert shown["state"] == "aplicada", shown["error"]
    assert shown["result"]["escrituras"] > 0
    (dataset,) = shown["datasets"]
    assert dataset["state"] == "borrador" and dataset["private"] is True
    anonymous = live_ckan.api(token="")
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id=dataset["id"])
    assert requests.get(f"{live_ckan.url}/dataset/{dataset['name']}", timeout=60).status_code == 404
    # Loaded as publicar loads it: the file, then the server validates it and loads its DataStore table.
    pkg = dep.api.action.package_show(id=dataset["id"])
    assert pkg["resources"][0]["url_type"] == "upload"
    assert wait_for_datastore(dep.api, pkg["resources"][0]["id"])["datastore_active"] is True

    dep.api.action.submission_apply(id=entrega_id)
    again = _wait(dep, entrega_id)
    assert again["state"] == "aplicada" and again["result"]["escrituras"] == 0

    # Another dependencia's enlace: 404 as for an id that does not exist, over the API and the pages.
    other = _dependencia(live_ckan, "otra")
    for action in ("submission_show", "submission_apply", "submission_retry"):
        with pytest.raises(ckanapi.NotFound):
            getattr(other.api.action, action)(id=entrega_id)
        with pytest.raises(ckanapi.NotFound):
            getattr(other.api.action, action)(id=str(uuid.uuid4()))
    assert other.api.action.submission_list() == []
    refused = _create(live_ckan, other, folder, entrega_id=entrega_id)
    assert refused.status_code == 404
    browser = _login(live_ckan.url, other.user)
    assert browser.get(f"{live_ckan.url}/entregas/{entrega_id}", timeout=60).status_code == 404


def test_personal_data_example_and_the_report_page(live_ckan, tmp_path):
    dep = _dependencia(live_ckan, "mercados")
    folder = _example(tmp_path, "rotos/datos-personales-curp", dep)
    entrega_id = _create(live_ckan, dep, folder).json()["result"]["id"]
    shown = _wait(dep, entrega_id)
    # Possible personal data do not stop an entrega (the server's gate of enviar_revision): the
    # enlace corrects the file or creates the drafts, and the enlace de seguridad must acknowledge
    # each finding in review before anything is published (docs/validacion-servidor.md).
    assert shown["state"] == "valida"
    (finding,) = [f for f in shown["report"]["errors"] if f["code"] == "datos-personales-curp"]
    assert finding["location"] == 'mercados.csv, columna "administrador_curp", fila 2'
    assert finding["sample"] == "BOXW31****HNE***09"
    browser = _login(live_ckan.url, dep.user)
    page = browser.get(f"{live_ckan.url}/entregas/{entrega_id}", timeout=60).text
    assert page.index('data-kind="personal"') < page.index("Reporte de validación") + 10_000
    assert "BOXW31****HNE***09" in page and "Cómo corregirlo" in page
    assert 'id="aviso-datos-personales"' in page and "Enlace de Seguridad revisará" in page
    assert "Sin errores por corregir." in page and "1 posible dato personal" in page
    assert 'id="boton-subir-correccion"' in page and 'id="boton-crear-borradores"' in page


def test_shapefile_zipped_in_a_folder_is_read(live_ckan, tmp_path):
    dep = _dependencia(live_ckan, "arboles")
    folder = _example(tmp_path, "rotos/datos-shp-en-carpeta", dep)
    entrega_id = _create(live_ckan, dep, folder).json()["result"]["id"]
    shown = _wait(dep, entrega_id)
    assert shown["state"] == "valida", shown["report"]
    assert [f["code"] for f in shown["report"]["warnings"]] == ["nombre-recortado-dbf"]


def test_web_form_needs_csrf_and_refuses_limits_and_zip_slip_in_spanish(live_ckan, tmp_path):
    dep = _dependencia(live_ckan, "limites")
    folder = _example(tmp_path, "obra-publica", dep)
    browser = _login(live_ckan.url, dep.user)
    form = browser.get(f"{live_ckan.url}/entregas/nueva", timeout=60).text
    files = [("formato", ("FORM.317.xlsx", (folder / "FORM.317.xlsx").read_bytes()))]
    fields = {**OFICIO, "owner_org": dep.org["id"]}
    without_token = browser.post(f"{live_ckan.url}/entregas/nueva", data=fields, files=files, timeout=60)
    assert without_token.status_code in (400, 403)
    # More files than the portal accepts (pueblaabierto.entregas.max_files, 50 by default).
    many = files + [("archivos", (f"f{i}.csv", b"a\n1\n")) for i in range(51)]
    page = browser.post(f"{live_ckan.url}/entregas/nueva", data={**fields, **_csrf(form)}, files=many, timeout=60)
    assert page.status_code == 400 and "el máximo por entrega es 50" in page.text
    # Zip-slip: a member that climbs out of the folder.
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as bundle:
        bundle.writestr("../../../../tmp/pueblaabierto-zip-slip.csv", "a\n1\n")
    page = browser.post(f"{live_ckan.url}/entregas/nueva", data={**fields, **_csrf(form)},
                        files=files + [("archivos", ("entrega.zip", evil.getvalue()))], timeout=60)
    assert page.status_code == 200, page.text[:500]
    entrega_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    shown = _wait(dep, entrega_id)
    assert shown["report"]["errors"][0]["code"] == "zip-ruta-insegura"
    assert "salen de su carpeta" in shown["report"]["errors"][0]["message"]
    assert "pueblaabierto-zip-slip.csv" not in str(shown["versions"][0]["files"])


def _processes() -> dict[int, tuple[int, list[str]]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = [w.decode(errors="replace") for w in (entry / "cmdline").read_bytes().split(b"\0")]
            ppid = int(next(line.split()[1] for line in (entry / "status").read_text().splitlines()
                            if line.startswith("PPid:")))
        except (OSError, StopIteration, ValueError):
            continue
        found[int(entry.name)] = (ppid, words)
    return found


def _kill_worker(live_ckan) -> None:
    """SIGKILL this live CKAN's jobs worker and the work horse running the job (its child, own session).

    Found by the test instance's own .ini path: no other program is touched."""
    ini = str(Path(live_ckan.config).resolve())
    processes = _processes()
    workers = [pid for pid, (_ppid, words) in processes.items()
               if ini in words and "jobs" in words and "worker" in words]
    assert workers, "no se encontró el trabajador de tareas de la prueba"
    horses = [pid for pid, (ppid, _words) in processes.items() if ppid in workers]
    for pid in horses + workers:
        os.kill(pid, signal.SIGKILL)


def test_killed_worker_leaves_reintentar_that_completes(live_ckan, tmp_path):
    dep = _dependencia(live_ckan, "interrumpida")
    folder = _example(tmp_path, "obra-publica", dep, big_rows=200_000)
    entrega_id = _create(live_ckan, dep, folder).json()["result"]["id"]
    _wait(dep, entrega_id, until=lambda e: e["state"] == "validando" and (e["progress"] or {}).get("done"))
    _kill_worker(live_ckan)  # the worker and the job it was running
    shown = _wait(dep, entrega_id, until=lambda e: e["state"] != "validando", deadline=120)
    assert shown["state"] == "interrumpida" and shown["can_retry"] is True
    assert "Reintentar" in shown["error"]
    browser = _login(live_ckan.url, dep.user)
    page = browser.get(f"{live_ckan.url}/entregas/{entrega_id}", timeout=60).text
    assert 'id="boton-reintentar"' in page
    # The supervisor starts a new worker; «Reintentar» queues the validation again.
    browser.post(f"{live_ckan.url}/entregas/{entrega_id}/reintentar", data=_csrf(page), timeout=60)
    shown = _wait(dep, entrega_id, deadline=DEADLINE * 2)
    assert shown["state"] in ("valida", "con_errores"), shown["error"]
    assert shown["report"] is not None
