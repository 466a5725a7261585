"""Interrupted publication (Ctrl-C mid-way) leaves nothing public; a second run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import ckanapi
from pueblaabierto.publish.mapping import slugify

from .conftest import Resource, csv_bytes

# Large enough that the DataStore load outlasts the polling below even on a busy machine.
ROWS = 150_000
PUEBLAABIERTO = str(Path(sys.executable).parent / "pueblaabierto")


def visible_to_anonymous(anonymous, name: str) -> bool:
    try:
        anonymous.action.package_show(id=name)
    except (ckanapi.NotFound, ckanapi.NotAuthorized):
        return False
    return True


def test_ctrl_c_after_the_first_upload_then_resume(live_ckan, form, cli):
    form.resources = [Resource("mercados.csv", "Mercados 2024", csv_bytes(ROWS))]
    form.write()
    api, anonymous = live_ckan.api(), live_ckan.api(token="")
    name = slugify(form.dataset_title)
    env = {**os.environ, "CKAN_URL": live_ckan.url, "CKAN_API_TOKEN": live_ckan.token}
    process = subprocess.Popen([PUEBLAABIERTO, "publicar", str(form.path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen_public = False
    uploaded = False
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            seen_public |= visible_to_anonymous(anonymous, name)
            try:
                uploaded = bool(api.action.package_show(id=name)["resources"])
            except ckanapi.NotFound:
                uploaded = False
            if uploaded:
                process.send_signal(signal.SIGINT)  # what Ctrl-C does
                break
            time.sleep(0.05)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert uploaded, "the test never saw the first upload"
    assert process.returncode != 0, output
    assert "Traceback" not in output
    assert "vuelva a ejecutar el mismo comando" in " ".join(output.split())

    half = api.action.package_show(id=name)
    assert half["private"] is True
    assert not seen_public and not visible_to_anonymous(anonymous, name)
    [resource] = half["resources"]
    assert not resource.get("datastore_sha256"), "the DataStore load should not have finished"

    resumed = cli("publicar", str(form.path), "--json")
    assert resumed.code == 0, resumed.output
    done = api.action.package_show(id=name)
    assert [r["id"] for r in done["resources"]] == [resource["id"]]  # completed, not duplicated
    assert api.action.datastore_search(resource_id=resource["id"], limit=0)["total"] == ROWS
    assert done["resources"][0]["datastore_sha256"]
    assert cli("publicar", str(form.path), "--json").data["escrituras"] == 0


def test_portal_going_away_mid_way_is_reported_with_the_step_and_resumed(live_ckan, form, cli, monkeypatch):
    """A step fails because CKAN became unreachable: the dataset stays private, a re-run completes."""
    from pueblaabierto.publish import datastore

    form.write()
    real_load = datastore.load

    def unreachable(portal, *args, **kwargs):
        portal.url = "http://127.0.0.1:9"  # nothing listens on the discard port
        return real_load(portal, *args, **kwargs)

    monkeypatch.setattr(datastore, "load", unreachable)
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 1
    [dataset] = run.data["datasets"]
    assert dataset["estado"] == "fallido"
    assert dataset["paso_fallido"] == "Cargar «Mercados 2024» al DataStore"
    assert "No se pudo conectar con el portal" in dataset["error"]
    api = live_ckan.api()
    assert api.action.package_show(id=dataset["nombre"])["private"] is True

    monkeypatch.setattr(datastore, "load", real_load)
    resumed = cli("publicar", str(form.path), "--json")
    assert resumed.code == 0, resumed.output
    assert resumed.data["datasets"][0]["pasos"][0] == "Cargar «Mercados 2024» al DataStore"
    pkg = api.action.package_show(id=dataset["nombre"])
    assert api.action.datastore_search(resource_id=pkg["resources"][0]["id"], limit=0)["total"] == 3
