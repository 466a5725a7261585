"""The embedded runtime as one object: secrets, services, databases, CKAN configs and server.

``make portal``, ``make test`` and the end-to-end test fixtures all go through this class,
so every CKAN we run is set up the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from psycopg2 import sql

from . import settings
from .errors import SetupError
from .paths import StatePaths, state_paths
from .services import Mailbox, Postgres, Redis, port_is_busy

CKAN_DB_USER = "ckan"
DATASTORE_READ_USER = "datastore_ro"


def _load_or_create_secrets(path: Path) -> dict[str, str]:
    known = json.loads(path.read_text()) if path.exists() else {}
    wanted = ["pg_superuser", "ckan_db", "datastore_ro", "sysadmin_password"]
    missing = [name for name in wanted if name not in known]
    if missing:
        for name in missing:
            known[name] = secrets.token_urlsafe(18)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
    return known


def ckan_command() -> list[str]:
    """The ``ckan`` CLI of the interpreter we run in (the project's .venv)."""
    return [str(Path(sys.executable).parent / "ckan")]


@dataclass
class DatabasePair:
    """A CKAN database and its DataStore database (e.g. ``ckan`` + ``datastore``)."""

    main: str
    datastore: str


class Embedded:
    def __init__(self, paths: StatePaths | None = None) -> None:
        self.paths = paths or state_paths()
        self.paths.ensure()
        self.secrets = _load_or_create_secrets(self.paths.secrets)
        self.postgres = Postgres(
            data_dir=self.paths.postgres_data,
            socket_dir=self.paths.run / "postgres",
            log_file=self.paths.logs / "postgres.log",
            port=settings.PG_PORT,
            superuser_password=self.secrets["pg_superuser"],
        )
        self.redis = Redis(
            data_dir=self.paths.redis_data,
            pid_file=self.paths.run / "redis.pid",
            log_file=self.paths.logs / "redis.log",
            port=settings.REDIS_PORT,
        )
        self.mailbox = Mailbox(
            maildir=self.paths.mail,
            pid_file=self.paths.run / "correo.pid",
            log_file=self.paths.logs / "correo.log",
            port=settings.SMTP_PORT,
        )

    # -- services -----------------------------------------------------------------
    def services(self) -> dict[str, Postgres | Redis | Mailbox]:
        return {"PostgreSQL": self.postgres, "Redis": self.redis, "buzón de correo": self.mailbox}

    def start_services(self) -> list[str]:
        """Starts what is not running yet; returns the names of the services it started."""
        started = []
        for name, service in self.services().items():
            if not service.is_running():
                service.start()
                started.append(name)
        return started

    def stop_services(self, only: list[str] | None = None) -> list[str]:
        """Stops the project's services (or only those named), mail first, PostgreSQL last."""
        stopped = []
        for name, service in reversed(self.services().items()):
            if (only is None or name in only) and service.stop():
                stopped.append(name)
        return stopped

    def portal_processes(self) -> dict[str, int]:
        """The live processes of a running ``make portal`` (empty when it is not running)."""
        try:
            state = json.loads(self.paths.portal_state.read_text())
            os.kill(state["supervisor"], 0)
        except (OSError, ValueError, KeyError):
            return {}
        return state

    def portal_is_running(self) -> bool:
        return bool(self.portal_processes())

    # -- databases ------------------------------------------------------------------
    def ensure_databases(self, pair: DatabasePair, *, recreate: bool = False) -> None:
        conn = self.postgres.connect()
        with conn.cursor() as cur:
            roles = ((CKAN_DB_USER, self.secrets["ckan_db"]), (DATASTORE_READ_USER, self.secrets["datastore_ro"]))
            for role, password in roles:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                verb = "ALTER" if cur.fetchone() else "CREATE"
                cur.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(role)), (password,))
            for dbname in (pair.main, pair.datastore):
                if recreate:
                    cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
                if not cur.fetchone():
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                            sql.Identifier(dbname), sql.Identifier(CKAN_DB_USER)
                        )
                    )
        conn.close()
        # unaccent needs a superuser to install; the search backend and the DataStore use it.
        for dbname in (pair.main, pair.datastore):
            conn = self.postgres.connect(dbname)
            with conn.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            conn.close()
        self._grant_datastore_permissions(pair)

    def _grant_datastore_permissions(self, pair: DatabasePair) -> None:
        from ckanext.datastore.cli import permissions_sql

        statements = permissions_sql(
            maindb=pair.main,
            datastoredb=pair.datastore,
            mainuser=CKAN_DB_USER,
            writeuser=CKAN_DB_USER,
            readuser=DATASTORE_READ_USER,
        )
        # The template is a psql script: its "\\connect datastore" line is where we already are.
        statements = "\n".join(
            line for line in statements.splitlines() if not line.lstrip().startswith("\\connect")
        )
        conn = self.postgres.connect(pair.datastore)
        with conn.cursor() as cur:
            cur.execute(statements)
        conn.close()

    # -- CKAN configuration ---------------------------------------------------------------
    def write_ini(
        self,
        path: Path,
        pair: DatabasePair,
        *,
        site_url: str,
        plugins: list[str],
        redis_db: int = 0,
        extra: dict[str, str] | None = None,
    ) -> Path:
        if not path.exists():
            self.ckan("generate", "config", str(path), config=None)
        options = {
            **settings.instance_options(
                database_url=self.postgres.url(CKAN_DB_USER, self.secrets["ckan_db"], pair.main),
                datastore_write_url=self.postgres.url(CKAN_DB_USER, self.secrets["ckan_db"], pair.datastore),
                datastore_read_url=self.postgres.url(DATASTORE_READ_USER, self.secrets["datastore_ro"], pair.datastore),
                redis_url=f"redis://127.0.0.1:{settings.REDIS_PORT}/{redis_db}",
                site_url=site_url,
                plugins=plugins,
                storage_path=str(self.paths.storage / pair.main),
                smtp_server=f"127.0.0.1:{settings.SMTP_PORT}",
                backup_dir=str(self.paths.backups / pair.main),
                admin_url=self.postgres.url("postgres", self.secrets["pg_superuser"], "postgres"),
            ),
            **(extra or {}),
        }
        self.ckan("config-tool", str(path), *[f"{key}={value}" for key, value in options.items()], config=None)
        # CKAN's generated ini logs ckanext.* at DEBUG; a person reading the log wants INFO.
        for section, level in settings.LOG_LEVELS.items():
            self.ckan("config-tool", str(path), "-s", section, f"level={level}", config=None)
        return path

    # -- running CKAN -----------------------------------------------------------------
    def ckan(self, *args: str, config: Path | None, capture: bool = True) -> str:
        command = ckan_command() + (["-c", str(config)] if config else []) + list(args)
        result = subprocess.run(command, capture_output=capture, text=True, cwd=self.paths.root)
        if result.returncode != 0:
            output = (result.stderr or "") + (result.stdout or "")
            raise SetupError(
                f"Falló el paso «ckan {' '.join(args[:3])}».\n{output.strip()[-3000:]}\n"
                f"Corrija la causa indicada arriba y vuelva a ejecutar el comando."
            )
        return result.stdout or ""

    def init_ckan_database(self, config: Path) -> None:
        """Core tables, then every enabled plugin's migrations (activity, ours...)."""
        self.ckan("db", "upgrade", config=config)

    def ensure_sysadmin(self, config: Path, password: str | None = None) -> dict[str, str]:
        out = self.ckan(
            "pueblaabierto", "sysadmin", settings.SYSADMIN_NAME,
            "--email", settings.SYSADMIN_EMAIL,
            "--password", password or self.secrets["sysadmin_password"],
            config=config,
        )
        return json.loads(out.strip().splitlines()[-1])

    def serve(
        self, config: Path, port: int, *, log_file: Path | None = None, state_file: Path | None = None
    ) -> subprocess.Popen:
        """The production server set-up (gunicorn + jobs worker, ops/supervise.py) on 127.0.0.1:port.

        The same command lines as the systemd units and the Docker PostgreSQL variant; their
        output goes to ``log_file`` (default ``.var/log/ckan.log``), never to the console.
        """
        if port_is_busy(port):
            raise SetupError(
                f"El puerto {port} ya está ocupado: quizá hay otro portal en marcha en otra terminal "
                f"(deténgalo con Ctrl-C) o hay otro programa escuchando (ver con: ss -ltnp 'sport = :{port}'). "
                f"Para usar otro puerto: PUEBLAABIERTO_CKAN_PORT=NÚMERO make portal"
            )
        from ..ops import server

        log_file = log_file or self.paths.logs / "ckan.log"
        command = [
            sys.executable, "-m", "ckanext.pueblaabierto.ops.supervise",
            "--ini", str(config), "--bind", f"{settings.CKAN_HOST}:{port}", "--log", str(log_file),
        ]
        if state_file:
            command += ["--estado", str(state_file)]
        return subprocess.Popen(
            command,
            cwd=self.paths.root,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **server.quiet_environment()},
        )

    @staticmethod
    def wait_until_up(site_url: str, process: subprocess.Popen, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        status_url = f"{site_url}/api/3/action/status_show"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SetupError(
                    f"CKAN terminó al arrancar (código {process.returncode}). Revise el registro "
                    ".var/log/ckan.log (o el de la prueba en .var/log/)."
                )
            try:
                if requests.get(status_url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet
            time.sleep(0.5)
        raise SetupError(f"CKAN no respondió en {status_url} después de {int(timeout)} s.")
