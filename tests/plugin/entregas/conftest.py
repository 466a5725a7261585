"""Fixtures of the Entregas tests: two dependencias with their enlaces, real example files.

Actions are called with real auth (no ``ignore_auth``), as the API would; the jobs run
synchronously by calling the very job functions the worker runs (``job.validate_version``,
``job.apply_version``) once ``submission_create``/``submission_apply`` queued them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from werkzeug.datastructures import FileStorage

PLUGINS = ("pueblaabierto_search pueblaabierto activity datastore pueblaabierto_datastore datatables_view "
           "scheming_datasets scheming_organizations")
EJEMPLOS = Path(__file__).resolve().parents[3] / "dataset_forms" / "ejemplos"


@pytest.fixture
def entregas_db(clean_db, clean_index):
    from ckanext.pueblaabierto.entregas import model as entregas_model
    from ckanext.pueblaabierto.workflow import model as wf_model

    wf_model.truncate_all(model.Session)
    entregas_model.truncate_all(model.Session)
    model.Session.commit()
    # Jobs queued by earlier tests are not ours to run.
    from ckan.lib import jobs

    jobs.get_queue().empty()
    # Files of earlier tests' entregas: each test sees only its own.
    import shutil

    from ckanext.pueblaabierto.entregas import storage

    shutil.rmtree(storage.root(), ignore_errors=True)


def act(who: dict | None, action: str, /, **data):
    context = {"user": who["name"] if who else "", "ignore_auth": False}
    return tk.get_action(action)(context, data)


@pytest.fixture
def people(entregas_db):
    sysadmin = factories.Sysadmin(name="admin-portal")
    org = factories.Organization(
        name="infraestructura", title="Secretaría de Infraestructura y Servicios Públicos", id_dependencia="12",
        description="Obra pública y servicios.")
    other_org = factories.Organization(
        name="medio-ambiente", title="Secretaría de Medio Ambiente", id_dependencia="27",
        description="Medio ambiente.")
    datos = factories.User(name="jperez", email="jperez@pueblacapital.gob.mx", fullname="Juan Pérez Luna")
    otro = factories.User(name="mruiz", email="mruiz@pueblacapital.gob.mx")
    editor = factories.User(name="editora", email="editora@pueblacapital.gob.mx")
    act(sysadmin, "workflow_role_assign", user=datos["name"], role="enlace_datos_abiertos", organization=org["name"])
    act(sysadmin, "workflow_role_assign", user=otro["name"], role="enlace_datos_abiertos",
        organization=other_org["name"])
    # An editor of the same organization without the role: sees nothing of the entregas.
    act(sysadmin, "organization_member_create", id=org["id"], username=editor["name"], role="editor")
    return SimpleNamespace(sysadmin=sysadmin, org=org, other_org=other_org, datos=datos, otro=otro, editor=editor)


def upload(path: Path, name: str | None = None) -> FileStorage:
    return FileStorage(stream=io.BytesIO(path.read_bytes()), filename=name or path.name)


def bytes_upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def example_files(folder: str, *, skip: tuple[str, ...] = ()) -> tuple[FileStorage, list[FileStorage]]:
    base = EJEMPLOS / folder
    workbook = upload(base / "FORM.317.xlsx")
    data = [upload(p) for p in sorted(base.iterdir()) if p.name != "FORM.317.xlsx" and p.name not in skip]
    return workbook, data


def zipped(folder: str, inner: str = "entrega", *, with_workbook: bool = True) -> bytes:
    """The example folder as Windows' «Enviar a → Carpeta comprimida» makes it (inside a folder)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted((EJEMPLOS / folder).iterdir()):
            if path.name == "FORM.317.xlsx" and not with_workbook:
                continue
            bundle.write(path, f"{inner}/{path.name}")
    return out.getvalue()


def run_jobs() -> int:
    """Run the queued jobs of this test in this process, as the worker would; returns how many."""
    from ckan.lib import jobs

    queue = jobs.get_queue()
    count = 0
    while True:
        job_ids = queue.job_ids
        if not job_ids:
            return count
        job = queue.fetch_job(job_ids[0])
        queue.remove(job_ids[0])
        if job is None:
            continue
        job.func(*job.args, **job.kwargs)
        count += 1
