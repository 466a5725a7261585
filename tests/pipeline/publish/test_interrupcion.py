"""Interrupted publication (Ctrl-C mid-way) leaves nothing public; a second run completes it."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import ckanapi
import requests
from pueblaabierto.publish.mapping import slugify

from tests.live_ckan import wait_for_datastore

from .conftest import Resource, csv_bytes

# Two real-sized files (the server validates and loads both after the resumed run).
ROWS = 20_000
PUEBLAABIERTO = str(Path(sys.executable).parent / "pueblaabierto")


def visible_to_anonymous(anonymous, name: str) -> bool:
    try:
        anonymous.action.package_show(id=name)
    except (ckanapi.NotFound, ckanapi.NotAuthorized):
        return False
    return True


class HoldingProxy:
    """A real HTTP hop between ``publicar`` and CKAN that holds the second file upload.

    Requests go through unchanged, except the second ``resource_create``: the proxy tells the
    test it has arrived and keeps it waiting, so Ctrl-C lands mid-upload every time, on any
    machine (no race between the test's polling and the upload's speed).
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.second_upload = threading.Event()
        self.release = threading.Event()
        self.uploads = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._forward(None)

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _forward(self, body):
                if self.command == "POST" and self.path.rstrip("/").endswith("/resource_create"):
                    proxy.uploads += 1
                    if proxy.uploads == 2:
                        proxy.second_upload.set()
                        proxy.release.wait(900)
                        self.close_connection = True
                        return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = requests.request(self.command, proxy.target + self.path, headers=headers, data=body,
                                          timeout=300, allow_redirects=False)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


def test_ctrl_c_after_the_first_upload_then_resume(live_ckan, form, cli):
    # Two files: Ctrl-C comes after the first upload, while the second one is on its way.
    first = form.resources[0]
    form.resources = [Resource("mercados.csv", "Mercados 2024", csv_bytes(ROWS)),
                      Resource("mercados_2023.csv", "Mercados 2023", csv_bytes(ROWS),
                               inicio=first.inicio.replace(2023), fin=first.fin.replace(2023))]
    form.write()
    api, anonymous = live_ckan.api(), live_ckan.api(token="")
    name = slugify(form.dataset_title)
    proxy = HoldingProxy(live_ckan.url)
    env = {**os.environ, "CKAN_URL": proxy.url, "CKAN_API_TOKEN": live_ckan.token}
    # As from a terminal, where Ctrl-C reaches the program: a test run started in the background
    # (`make test &`, CI wrappers) inherits SIGINT ignored, and publicar would rightly ignore it too.
    process = subprocess.Popen([PUEBLAABIERTO, "publicar", str(form.path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    interrupted_at = None
    try:
        uploaded = proxy.second_upload.wait(600)  # a deadline, not a race: a busy CI machine validates slowly
        seen_public = visible_to_anonymous(anonymous, name)
        if uploaded:
            process.send_signal(signal.SIGINT)  # what Ctrl-C does
            interrupted_at = time.monotonic()
            try:
                output, _ = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
                raise AssertionError(f"publicar siguió 300 s después de Ctrl-C; escribió:\n{output}") from None
        else:
            process.kill()
            output, _ = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
        proxy.close()
    assert uploaded, f"publicar never started its second upload ({proxy.uploads} uploads seen); it wrote:\n{output}"
    assert interrupted_at is not None and time.monotonic() - interrupted_at < 300
    assert process.returncode != 0, output
    assert "Traceback" not in output
    assert "vuelva a ejecutar el mismo comando" in " ".join(output.split())

    half = api.action.package_show(id=name)
    assert half["private"] is True
    assert not seen_public and not visible_to_anonymous(anonymous, name)
    resource = half["resources"][0]

    resumed = cli("publicar", str(form.path), "--json")
    assert resumed.code == 0, resumed.output
    done = api.action.package_show(id=name)
    assert [r["name"] for r in done["resources"]] == ["Mercados 2024", "Mercados 2023"]  # completed
    assert done["resources"][0]["id"] == resource["id"]  # not duplicated
    # The server validates the files and loads all of them into the DataStore (publicar no longer does).
    for loaded in done["resources"]:
        assert wait_for_datastore(api, loaded["id"], timeout=600, rows=ROWS)["datastore_sha256"]
    assert cli("publicar", str(form.path), "--json").data["escrituras"] == 0


def test_portal_going_away_mid_way_is_reported_with_the_step_and_resumed(live_ckan, form, cli, monkeypatch):
    """A step fails because CKAN became unreachable: the dataset stays private, a re-run completes."""
    from pueblaabierto.publish import apply

    form.write()
    real_write = apply._write_resource

    def unreachable(portal, *args, **kwargs):
        portal.url = "http://127.0.0.1:9"  # nothing listens on the discard port
        return real_write(portal, *args, **kwargs)

    # The upload of the file (the DataStore is loaded by the server after it validates the file).
    monkeypatch.setattr(apply, "_write_resource", unreachable)
    run = cli("publicar", str(form.path), "--json")
    assert run.code == 1
    [dataset] = run.data["datasets"]
    assert dataset["estado"] == "fallido"
    assert dataset["paso_fallido"] == "Subir el recurso «Mercados 2024»"
    assert "No se pudo conectar con el portal" in dataset["error"]
    api = live_ckan.api()
    assert api.action.package_show(id=dataset["nombre"])["private"] is True

    monkeypatch.setattr(apply, "_write_resource", real_write)
    resumed = cli("publicar", str(form.path), "--json")
    assert resumed.code == 0, resumed.output
    assert resumed.data["datasets"][0]["pasos"][0] == "Subir el recurso «Mercados 2024»"
    pkg = api.action.package_show(id=dataset["nombre"])
    wait_for_datastore(api, pkg["resources"][0]["id"], rows=3)
