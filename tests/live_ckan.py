"""A real CKAN served over HTTP, for end-to-end tests (``live_ckan`` fixture).

It gets its own databases (``ckan_e2e`` + ``datastore_e2e``, created afresh each session), the
same plugin list and options as the portal of ``make portal``, and runs the production set-up
(gunicorn and the jobs worker, as ``make portal`` and the systemd units) on a free port, so
tests talk to it exactly as developers and the pipeline do: through ckanapi over HTTP.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import ckanapi
import pytest
from ckanext.pueblaabierto.embedded import settings
from ckanext.pueblaabierto.embedded.environment import DatabasePair, Embedded

E2E_SUFFIX = settings.TEST_SUFFIX  # concurrent runs in one checkout get their own databases
E2E_DATABASES = DatabasePair(main=f"ckan_e2e{E2E_SUFFIX}", datastore=f"datastore_e2e{E2E_SUFFIX}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveCKAN:
    url: str
    token: str
    sysadmin: str
    config: Path
    env: Embedded

    def api(self, token: str | None = None) -> ckanapi.RemoteCKAN:
        """A RemoteCKAN client; ``token=""`` gives an anonymous one."""
        return ckanapi.RemoteCKAN(self.url, apikey=self.token if token is None else token)

    def ckan(self, *args: str) -> str:
        """Run a ``ckan`` CLI command against this instance's config."""
        return self.env.ckan(*args, config=self.config)


@pytest.fixture(scope="session")
def live_ckan(tmp_path_factory) -> LiveCKAN:
    env = Embedded()
    env.start_services()
    env.ensure_databases(E2E_DATABASES, recreate=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = env.write_ini(
        env.paths.var / f"e2e{E2E_SUFFIX}.ini",
        E2E_DATABASES,
        site_url=url,
        plugins=settings.PLUGINS,
        redis_db=2,
        # Jobs queues are named after the site id: concurrent runs (PUEBLAABIERTO_TEST_SUFFIX) must
        # not have one run's worker take the other's jobs.
        extra={"ckan.site_id": f"e2e{E2E_SUFFIX}", **settings.DEMO_OPTIONS},
    )
    env.init_ckan_database(config)
    account = env.ensure_sysadmin(config, password="e2e-Contrasena-1")
    log_file = env.paths.logs / f"e2e{E2E_SUFFIX}-ckan.log"
    server = env.serve(config, port, log_file=log_file)
    try:
        env.wait_until_up(url, server)
        yield LiveCKAN(url=url, token=account["token"], sysadmin=account["name"], config=config, env=env)
    finally:
        server.terminate()
        server.wait(timeout=90)  # gunicorn lets each worker finish its request first


def wait_for_validation(api: ckanapi.RemoteCKAN, package_id: str, timeout: float = 240) -> dict:
    """Poll ``dataset_validation_show`` until the server's verdict on the data as they are is in.

    The portal validates every dataset's data in a background job (the live server's worker);
    ``enviar_revision`` is refused until it has finished. Fails the test on the deadline.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        state = api.action.dataset_validation_show(id=package_id)
        if state["status"] in ("valido", "con_errores", "fallo") and not state["stale"]:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"La validación de {package_id} no terminó en {timeout} s: {state}")
        time.sleep(0.5)


def upload_table(api: ckanapi.RemoteCKAN, package_id: str, filename: str, content: bytes, **resource: str) -> dict:
    """Create a resource with its file, the way an enlace does (the form or ``resource_create``).

    The DataStore is loaded only by the server, from the validated file (loading/):
    ``datastore_create`` from the API is refused. Pair with ``wait_for_datastore``.
    """
    import io

    fields = {"name": filename.rsplit(".", 1)[0].capitalize(), "format": "CSV", "nombre_archivo": filename,
              "tipo_visualizacion": "tabla", "fecha_inicio": "2024-01-01", "fecha_fin": "2024-12-31"}
    fields.update(resource)
    return api.action.resource_create(package_id=package_id, upload=(filename, io.BytesIO(content)), **fields)


def wait_for_datastore(api: ckanapi.RemoteCKAN, resource_id: str, timeout: float = 240,
                       rows: int | None = None) -> dict:
    """Wait for the server's verdict on the resource's dataset and its load into the DataStore.

    Fails the test at once if the validation did not accept the data (the report says why),
    else polls ``resource_show`` until ``datastore_active`` (the load runs right after the
    verdict, in the same job) and, with ``rows``, until the table has that many rows (a new
    file replacing a loaded one). Returns the resource.
    """
    import time

    deadline = time.monotonic() + timeout
    resource = api.action.resource_show(id=resource_id)
    state = wait_for_validation(api, resource["package_id"], timeout=timeout)
    assert state["status"] == "valido", f"La validación del servidor no aceptó los datos: {state}"

    def loaded() -> bool:
        if not resource.get("datastore_active"):
            return False
        return rows is None or api.action.datastore_search(resource_id=resource_id, limit=0)["total"] == rows

    while not loaded():
        if time.monotonic() > deadline:
            raise AssertionError(f"El DataStore de {resource_id} no se cargó en {timeout} s: {resource}")
        time.sleep(0.5)
        resource = api.action.resource_show(id=resource_id)
    return resource
