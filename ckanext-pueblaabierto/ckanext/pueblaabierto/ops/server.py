"""The web server and jobs worker command lines, built in one place.

Gunicorn with **sync** workers: each worker process serves one request at a time, so no two
requests ever share a database connection or cursor. Werkzeug's threaded server (and gunicorn's
``gthread`` class) run requests on threads of one process, which is what exposed
``psycopg2.InterfaceError: cursor already closed`` in the DataStore search (issue 12). Readers
scale with processes instead: ``2 × cores + 1`` by default (gunicorn's own advice), declared as
``pueblaabierto.web.workers`` and overridable with ``PUEBLAABIERTO_WEB_WORKERS``.
"""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

WSGI_APP = "ckanext.pueblaabierto.ops.wsgi:application"
WORKERS_OPTION = "pueblaabierto.web.workers"
WORKERS_VARIABLE = "PUEBLAABIERTO_WEB_WORKERS"
TIMEOUT_OPTION = "pueblaabierto.web.timeout"


def bin_dir() -> Path:
    """The folder of the interpreter we run in (the project's .venv/bin or /opt/...venv/bin)."""
    return Path(sys.executable).parent


def read_option(ini: Path, key: str, default: str = "") -> str:
    """One option of the ``[app:main]`` section, without loading CKAN."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini, encoding="utf-8")
    return parser.get("app:main", key, fallback=default).strip() or default


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def workers_for(ini: Path) -> int:
    """``PUEBLAABIERTO_WEB_WORKERS``, else the ini's option, else ``2 × cores + 1`` (0 also means that)."""
    raw = os.environ.get(WORKERS_VARIABLE) or read_option(ini, WORKERS_OPTION, "0")
    try:
        workers = int(raw)
    except ValueError:
        from ..embedded.errors import SetupError

        raise SetupError(
            f"{WORKERS_OPTION} / {WORKERS_VARIABLE} debe ser un número entero de procesos, no «{raw}»."
        ) from None
    return workers if workers > 0 else default_workers()


def web_command(ini: Path, bind: str, *, workers: int | None = None, log_file: Path | None = None) -> list[str]:
    """Gunicorn serving CKAN. Logs go to ``log_file`` (else stderr, i.e. the journal under systemd)."""
    ini = Path(ini).resolve()
    logs = str(log_file) if log_file else "-"
    return [
        str(bin_dir() / "gunicorn"),
        "--bind", bind,
        "--workers", str(workers or workers_for(ini)),
        "--worker-class", "sync",
        "--timeout", read_option(ini, TIMEOUT_OPTION, "120"),
        "--graceful-timeout", "30",
        # Recycles each worker now and then, so a slow leak in a plugin never grows unbounded. Not
        # often: a restart costs seconds of CKAN start-up, and a worker serving the page cache
        # answers hundreds of requests a second (2,000 meant a restart every few seconds under load).
        "--max-requests", "50000",
        "--max-requests-jitter", "5000",
        "--access-logfile", logs,
        "--error-logfile", logs,
        "--env", f"CKAN_INI={ini}",
        "--chdir", str(ini.parent),
        WSGI_APP,
    ]


def worker_command(ini: Path) -> list[str]:
    """CKAN's background jobs worker (RQ) on the default queue."""
    return [str(bin_dir() / "ckan"), "-c", str(Path(ini).resolve()), "jobs", "worker", "default"]


def quiet_environment() -> dict[str, str]:
    """Variables that keep third-party deprecation notices (pkg_resources...) off the console."""
    return {"PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
