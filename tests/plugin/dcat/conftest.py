"""A live portal with the project's published examples and one unpublished dataset.

The examples (dataset_forms/ejemplos/) are published the way ``make portal`` does it: the
pipeline's ``lote --ejemplos-demo`` walks each through the workflow. The draft is created by
the sysadmin through the API and never sent to review: the exports must not show it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from pueblaabierto.cli import main

from tests.live_ckan import upload_table, wait_for_datastore

REPO = Path(__file__).resolve().parents[3]
EJEMPLOS = REPO / "dataset_forms" / "ejemplos"


@dataclass
class Portal:
    url: str
    token: str
    published: list[dict]  # package_show of each published example (dataset_forms/ejemplos/)
    draft: dict  # package_show (sysadmin) of a dataset that was never published

    def get(self, path: str, token: str | None = None, **params) -> requests.Response:
        headers = {"Authorization": token} if token else {}
        return requests.get(self.url + path, headers=headers, params=params, timeout=120)


@pytest.fixture(scope="session")
def portal(live_ckan) -> Portal:
    run = CliRunner(mix_stderr=False).invoke(
        main, ["lote", str(EJEMPLOS), "--ejemplos-demo", "--json"],
        env={"CKAN_URL": live_ckan.url, "CKAN_API_TOKEN": live_ckan.token, "PUEBLAABIERTO_ESPERA": "0.1"},
    )
    assert run.exit_code == 0, run.stdout + run.stderr
    admin = live_ckan.api()
    # The examples only: other modules of the session publish their own datasets on this CKAN.
    names = [d["nombre"] for s in json.loads(run.stdout)["solicitudes"] for d in s["datasets"]]
    published = [admin.action.package_show(id=name) for name in names]
    assert len(published) >= 5 and not any(pkg["private"] for pkg in published)

    suffix = uuid.uuid4().hex[:6]
    org = admin.action.organization_create(
        name=f"borradores-{suffix}", title="Dirección de Borradores",
        id_dependencia=str(900000 + int(suffix, 16) % 90000), description="Conjuntos que no se publican.",
    )
    draft = admin.action.package_create(
        name=f"borrador-secreto-{suffix}", title=f"Borrador secreto {suffix}", notes="Todavía en borrador.",
        owner_org=org["id"], private=False, id_dataset="1", tema="finanzas", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    # A table in the DataStore, loaded by the server from the uploaded file as for any enlace.
    secret = upload_table(admin, draft["id"], "secreto.csv", b"folio\nx1\n", name="Secreto",
                          fecha_fin="2024-06-30")
    wait_for_datastore(admin, secret["id"])
    draft = admin.action.package_show(id=draft["id"])
    assert draft["private"] is True  # the workflow keeps it private until publicar
    return Portal(url=live_ckan.url, token=live_ckan.token, published=published, draft=draft)
