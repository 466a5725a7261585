"""Kill the web server and the jobs worker: they come back, and nothing is left half-public."""

from __future__ import annotations

import os
import signal
import threading
import time

import ckanapi
import psycopg2
import requests
from ckanext.pueblaabierto.ops import server as ops_server

from tests.live_ckan import E2E_DATABASES, wait_for_validation
from tests.ops.conftest import children


def _new_private_dataset(api, name: str) -> dict:
    org = api.action.organization_create(
        name=f"{name}-dep", title=f"Dependencia {name}", id_dependencia=str(abs(hash(name)) % 90000 + 1000),
        description="Dependencia de la prueba de fallas.",
    )
    return api.action.package_create(
        name=name, title="Padrón de prueba de fallas", notes="Conjunto que se publica mientras se mata el servidor.",
        owner_org=org["id"], id_dataset="1", tema="finanzas", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )


def _wait_for_lock_waiter(conn, table: str, timeout: float = 120) -> None:
    """Until some other backend is waiting on our lock on ``table`` (the request is mid-way)."""
    deadline = time.monotonic() + timeout
    with conn.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = %s AND NOT l.granted",
                (table,),
            )
            if cur.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the publication request never reached the search index")



def test_killing_the_web_worker_mid_publication_leaves_the_dataset_private(live_ckan, supervised):
    admin = live_ckan.api()
    dataset = _new_private_dataset(admin, "fallas-publicacion")
    assert dataset["private"] is True
    wait_for_validation(admin, dataset["id"])  # the server's validation, before sending to review

    # Hold the search index so the publication stops half-way, inside its transaction.
    blocker = psycopg2.connect(
        live_ckan.env.postgres.url("postgres", live_ckan.env.secrets["pg_superuser"], E2E_DATABASES.main)
    )
    outcome: dict[str, object] = {}

    def publish() -> None:
        try:
            response = requests.post(
                f"{supervised.url}/api/3/action/workflow_demo_publish",
                json={"id": dataset["id"]}, headers={"Authorization": live_ckan.token}, timeout=300,
            )
            outcome["answered"] = (response.status_code, response.text[:500])
        except requests.RequestException as error:
            outcome["error"] = error

    try:
        with blocker.cursor() as cur:
            cur.execute("LOCK TABLE pueblaabierto_search IN SHARE MODE")
        request = threading.Thread(target=publish)
        request.start()
        try:
            _wait_for_lock_waiter(blocker, "pueblaabierto_search", timeout=60)
        except AssertionError:
            request.join(timeout=60)
            raise AssertionError(f"the publication never reached the index: {outcome!r}") from None
        master = supervised.pids()["web"]
        [worker] = children(master)
        os.kill(worker, signal.SIGKILL)
        request.join(timeout=120)
    finally:
        blocker.rollback()
        blocker.close()

    assert "error" in outcome, "the request should have been cut off by the kill"
    # The master starts a new worker: the server answers again.
    status = requests.get(f"{supervised.url}/api/3/action/status_show", timeout=120)
    assert status.status_code == 200
    assert supervised.pids()["web"] == master

    after = admin.action.package_show(id=dataset["id"])
    assert after["private"] is True, "a killed publication must not leave the dataset public"
    anonymous = requests.get(
        f"{supervised.url}/api/3/action/package_search", params={"fq": f"name:{dataset['name']}"}, timeout=60
    ).json()
    assert anonymous["result"]["count"] == 0
    assert requests.get(f"{supervised.url}/dataset/{dataset['name']}", timeout=60).status_code in (403, 404)

    # Published again through the server that came back, it is public and found.
    ckanapi.RemoteCKAN(supervised.url, apikey=live_ckan.token).action.workflow_demo_publish(id=dataset["id"])
    found = requests.get(
        f"{supervised.url}/api/3/action/package_search", params={"fq": f"name:{dataset['name']}"}, timeout=60
    ).json()
    assert found["result"]["count"] == 1


def test_killing_the_web_server_and_the_worker_brings_them_back(supervised):
    before = supervised.pids()
    os.kill(before["web"], signal.SIGKILL)
    os.kill(before["trabajador"], signal.SIGKILL)

    web = supervised.wait_for_new("web", before["web"])
    worker = supervised.wait_for_new("trabajador", before["trabajador"])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{supervised.url}/api/3/action/status_show", timeout=10).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    else:
        raise AssertionError("the web server did not come back")
    assert web != before["web"] and worker != before["trabajador"]
    # The old master's workers went with it (its process group), none left serving stale code.
    assert all(os.path.exists(f"/proc/{pid}") is False for pid in children(before["web"]))


def test_the_restarted_worker_runs_jobs(live_ckan, supervised):
    import redis
    from rq import Worker

    redis_url = ops_server.read_option(supervised.config, "ckan.redis.url")
    pid = supervised.pids()["trabajador"]
    deadline = time.monotonic() + 120
    while not any(w.pid == pid for w in Worker.all(connection=redis.Redis.from_url(redis_url))):
        assert time.monotonic() < deadline, "the jobs worker never registered with Redis"
        time.sleep(0.5)

    live_ckan.env.ckan("jobs", "test", config=supervised.config)
    deadline = time.monotonic() + 120
    while "There are no pending jobs" not in live_ckan.env.ckan("jobs", "list", config=supervised.config):
        assert time.monotonic() < deadline, "the queued job was never run"
        time.sleep(0.5)
