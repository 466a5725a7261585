"""Where the embedded runtime keeps its state (all under ``.var/``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    """The repository root: PUEBLAABIERTO_ROOT, else the nearest folder holding setup.py."""
    if os.environ.get("PUEBLAABIERTO_ROOT"):
        return Path(os.environ["PUEBLAABIERTO_ROOT"]).resolve()
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "setup.py").exists() and (folder / "ckanext-pueblaabierto").is_dir():
            return folder
    return Path.cwd()


@dataclass(frozen=True)
class StatePaths:
    root: Path

    @property
    def var(self) -> Path:
        return self.root / ".var"

    @property
    def postgres_data(self) -> Path:
        return self.var / "postgres"

    @property
    def run(self) -> Path:
        """Sockets and pid files."""
        return self.var / "run"

    @property
    def logs(self) -> Path:
        return self.var / "log"

    @property
    def redis_data(self) -> Path:
        return self.var / "redis"

    @property
    def mail(self) -> Path:
        """Maildir of the local SMTP sink: what the portal e-mails, one file per message."""
        return self.var / "correo"

    @property
    def storage(self) -> Path:
        return self.var / "storage"

    @property
    def backups(self) -> Path:
        """Backups and their bitácora, one folder per instance (``respaldos/ckan`` for the portal)."""
        return self.var / "respaldos"

    @property
    def secrets(self) -> Path:
        return self.var / "secrets.json"

    @property
    def ckan_ini(self) -> Path:
        return self.var / "ckan.ini"

    def test_ini(self, suffix: str = "") -> Path:
        return self.var / f"test{suffix}.ini"

    def test_started(self, suffix: str = "") -> Path:
        """Services that ``test-env`` started (one name a line), for ``stop --los-de-la-prueba``."""
        return self.run / f"servicios-de-prueba{suffix}"

    @property
    def portal_state(self) -> Path:
        """Process ids of the running ``make portal`` (supervisor, web, worker), as JSON."""
        return self.run / "portal.json"

    @property
    def credentials(self) -> Path:
        return self.var / "credentials"

    def ensure(self) -> None:
        for folder in (self.var, self.run, self.logs, self.redis_data, self.storage):
            folder.mkdir(parents=True, exist_ok=True)


def state_paths() -> StatePaths:
    return StatePaths(project_root())
