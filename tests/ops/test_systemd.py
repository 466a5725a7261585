"""The systemd units' commands, run here as systemd would run them (systemd itself is absent)."""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
import time
from pathlib import Path

import redis
import requests
from ckanext.pueblaabierto.embedded.environment import ckan_command
from ckanext.pueblaabierto.ops import server, systemd
from rq import Worker

from tests.live_ckan import LiveCKAN, free_port


def unit_environment(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1)[1].split("=", 1) for line in text.splitlines() if line.startswith("Environment=")]
    return {key: value for key, value in pairs}


def test_one_command_writes_units_whose_commands_serve(live_ckan: LiveCKAN, tmp_path: Path):
    port = free_port()
    generated = subprocess.run(
        [*ckan_command(), "-c", str(live_ckan.config), "pueblaabierto", "despliegue", "systemd",
         "--destino", str(tmp_path), "--bind", f"127.0.0.1:{port}", "--procesos", "2"],
        capture_output=True, text=True, env=os.environ | server.quiet_environment(),
    )
    assert generated.returncode == 0, generated.stderr[-3000:]
    units = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert set(units) == {systemd.WEB, systemd.WORKER, systemd.BACKUP, systemd.TIMER}
    for name in (systemd.WEB, systemd.WORKER):
        assert "Restart=always" in units[name] and "WantedBy=multi-user.target" in units[name]
        assert f"User={getpass.getuser()}" in units[name]
    assert "OnCalendar=*-*-* 02:30:00" in units[systemd.TIMER] and "Persistent=true" in units[systemd.TIMER]
    assert "WantedBy=timers.target" in units[systemd.TIMER]

    # The very command lines of make portal and the e2e server.
    [web_line] = systemd.exec_commands(units[systemd.WEB])
    [worker_line] = systemd.exec_commands(units[systemd.WORKER])
    assert shlex.split(web_line) == server.web_command(live_ckan.config, f"127.0.0.1:{port}", workers=2)
    assert shlex.split(worker_line) == server.worker_command(live_ckan.config)

    env = {**os.environ, **unit_environment(units[systemd.WEB])}
    workdir = next(line.split("=", 1)[1] for line in units[systemd.WEB].splitlines()
                   if line.startswith("WorkingDirectory="))
    processes = [
        subprocess.Popen(shlex.split(line), env=env, cwd=workdir, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        for line in (web_line, worker_line)
    ]
    try:
        deadline = time.monotonic() + 180
        while True:
            assert all(p.poll() is None for p in processes), "a unit's command exited"
            try:
                status = requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=10)
                if status.status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the web unit's command never served"
            time.sleep(0.5)
        assert "pueblaabierto" in status.json()["result"]["extensions"]
        page = requests.get(f"http://127.0.0.1:{port}/dataset/", timeout=60)
        assert page.status_code == 200 and 'lang="es"' in page.text
        connection = redis.Redis.from_url(server.read_option(live_ckan.config, "ckan.redis.url"))
        while not any(w.pid == processes[1].pid for w in Worker.all(connection=connection)):
            assert time.monotonic() < deadline, "the worker unit's command never registered with Redis"
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)

    # The backup unit: a scheduled full backup, then its verification, both in the bitácora.
    for line in systemd.exec_commands(units[systemd.BACKUP]):
        result = subprocess.run(shlex.split(line), env=env, cwd=workdir, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
    log = (Path(server.read_option(live_ckan.config, "pueblaabierto.respaldo.ruta")) / "bitacora.csv").read_text()
    last_two = log.strip().splitlines()[-2:]
    assert ",respaldo,completo,diaria," in last_two[0] and ",OK," in last_two[0]
    assert ",verificación,completo,diaria," in last_two[1] and ",OK," in last_two[1]
