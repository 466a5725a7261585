"""``python -m ckanext.pueblaabierto.ops.container preparar|web|trabajador``: the Docker PostgreSQL variant.

The container writes its ckan.ini from the same settings module as ``make portal``
(:func:`~ckanext.pueblaabierto.embedded.settings.instance_options`), with the per-deployment
values from the environment, and runs the same gunicorn and worker command lines
(:mod:`.server`), so the image serves exactly what the tests exercise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ..embedded import settings
from . import server

# ckan.ini option <- environment variable of docker/compose.postgres.yaml
REQUIRED = {
    "database_url": "CKAN_SQLALCHEMY_URL",
    "datastore_write_url": "CKAN_DATASTORE_WRITE_URL",
    "datastore_read_url": "CKAN_DATASTORE_READ_URL",
    "redis_url": "CKAN_REDIS_URL",
    "site_url": "CKAN_SITE_URL",
    "storage_path": "CKAN_STORAGE_PATH",
    "smtp_server": "CKAN_SMTP_SERVER",
    "backup_dir": "PUEBLAABIERTO_RESPALDO_RUTA",
}


def _ini() -> Path:
    return Path(os.environ.get("CKAN_INI", "/srv/app/ckan.ini"))


def _ckan(*args: str) -> None:
    subprocess.run([str(server.bin_dir() / "ckan"), "-c", str(_ini()), *args], check=True)


def write_ini(environ: dict[str, str]) -> Path:
    missing = [variable for variable in REQUIRED.values() if not environ.get(variable)]
    if missing or not environ.get("CKAN_SECRET_KEY"):
        raise click.ClickException(
            "Faltan variables de entorno: " + ", ".join(missing + ([] if environ.get("CKAN_SECRET_KEY") else
                                                                   ["CKAN_SECRET_KEY"]))
            + ". Cópielas de docker/.env.example."
        )
    ini = _ini()
    if not ini.exists():
        subprocess.run([str(server.bin_dir() / "ckan"), "generate", "config", str(ini)], check=True)
    options = settings.instance_options(
        **{key: environ[variable] for key, variable in REQUIRED.items()},  # type: ignore[arg-type]
        admin_url=environ.get("DATASTORE_ADMIN_URL", ""),
    )
    options["SECRET_KEY"] = environ["CKAN_SECRET_KEY"]  # the same in every container and restart
    options["ckan.site_id"] = environ.get("CKAN_SITE_ID", "pueblaabierto")
    options["smtp.mail_from"] = environ.get("CKAN_SMTP_MAIL_FROM", settings.MAIL_FROM)
    if environ.get("CKAN_SOLR_URL"):  # docker/compose.yaml: the Solr variant, otherwise identical
        options["pueblaabierto.search.backend"] = "solr"
        options["solr_url"] = environ["CKAN_SOLR_URL"]
    subprocess.run(
        [str(server.bin_dir() / "ckan"), "config-tool", str(ini), *[f"{k}={v}" for k, v in options.items()]],
        check=True,
    )
    for section, level in settings.LOG_LEVELS.items():
        subprocess.run([str(server.bin_dir() / "ckan"), "config-tool", str(ini), "-s", section, f"level={level}"],
                       check=True)
    return ini


@click.group()
def main() -> None:
    """Arranque de los contenedores de Puebla Abierto (variante con búsqueda en PostgreSQL)."""


@main.command()
def preparar() -> None:
    """Escribe ckan.ini desde settings.py y el entorno, y aplica las migraciones y permisos."""
    write_ini(dict(os.environ))
    _ckan("db", "upgrade")
    admin = os.environ.get("DATASTORE_ADMIN_URL")
    if admin:
        permissions = subprocess.run(
            [str(server.bin_dir() / "ckan"), "-c", str(_ini()), "datastore", "set-permissions"],
            check=True, capture_output=True, text=True,
        ).stdout
        subprocess.run(["psql", admin, "--set", "ON_ERROR_STOP=1"], input=permissions, text=True, check=True)


@main.command()
@click.option("--bind", default="0.0.0.0:5000", show_default=True)  # noqa: S104  (inside the container)
def web(bind: str) -> None:
    """Prepara y ejecuta gunicorn con las mismas opciones que make portal y systemd."""
    ctx = click.get_current_context()
    ctx.invoke(preparar)
    command = server.web_command(_ini(), bind)
    os.execvpe(command[0], command, {**os.environ, **server.quiet_environment()})  # noqa: S606


@main.command()
def trabajador() -> None:
    """Ejecuta el trabajador de tareas de CKAN (el contenedor web ya preparó las bases)."""
    write_ini(dict(os.environ))
    command = server.worker_command(_ini())
    os.execvpe(command[0], command, {**os.environ, **server.quiet_environment()})  # noqa: S606


if __name__ == "__main__":
    sys.exit(main())
