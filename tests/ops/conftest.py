"""A second production-style server (gunicorn + worker under the supervisor) on the e2e databases.

The fault tests kill its processes, so it is not the session's shared ``live_ckan`` server;
it has its own config (own Redis database, so its worker is the only one on its queue) and one
web worker, so "the worker serving this request" is unambiguous.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ckanext.pueblaabierto.embedded import settings

from tests.live_ckan import E2E_DATABASES, E2E_SUFFIX, LiveCKAN, free_port


@dataclass
class Supervised:
    url: str
    config: Path
    state_file: Path
    process: object

    def pids(self) -> dict[str, int]:
        return json.loads(self.state_file.read_text())

    def wait_for_new(self, name: str, old_pid: int, timeout: float = 120) -> int:
        """Waits until the supervisor reports a new process for ``name``; returns its pid."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid = self.pids().get(name)
            except (OSError, ValueError):
                pid = None
            if pid and pid != old_pid:
                return pid
            time.sleep(0.2)
        raise AssertionError(f"{name} did not come back within {timeout} s")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def supervised(live_ckan: LiveCKAN, monkeypatch_module) -> Iterator[Supervised]:
    env = live_ckan.env
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # A copy of the e2e ini keeps its secrets, so live_ckan's API token is valid here too.
    config = env.paths.var / f"e2e-ops{E2E_SUFFIX}.ini"
    shutil.copyfile(live_ckan.config, config)
    env.write_ini(config, E2E_DATABASES, site_url=url, plugins=settings.PLUGINS, redis_db=3)
    monkeypatch_module.setenv("PUEBLAABIERTO_WEB_WORKERS", "1")
    state_file = env.paths.run / f"e2e-ops{E2E_SUFFIX}.json"
    process = env.serve(config, port, log_file=env.paths.logs / f"e2e-ops{E2E_SUFFIX}.log", state_file=state_file)
    try:
        env.wait_until_up(url, process)
        yield Supervised(url=url, config=config, state_file=state_file, process=process)
    finally:
        process.terminate()
        process.wait(timeout=90)


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()
