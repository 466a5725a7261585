"""``python -m ckanext.pueblaabierto.embedded portal|stop|test-env|status``.

The commands behind ``make portal``, ``make stop`` and ``make test``. Every failure a person
can fix ends with a Spanish message saying what to do, never with a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from functools import wraps

import click

from ..ops import server
from . import credentials, settings
from .environment import DatabasePair, Embedded
from .errors import SetupError

PORTAL_DATABASES = DatabasePair(main="ckan", datastore="datastore")
TEST_DATABASES = DatabasePair(
    main=f"ckan_test{settings.TEST_SUFFIX}", datastore=f"datastore_test{settings.TEST_SUFFIX}"
)


def _step(message: str) -> None:
    click.secho(f"==> {message}", fg="cyan", err=True)


def friendly_errors(command):
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SetupError as error:
            click.secho(f"\nError: {error}", fg="red", err=True)
            sys.exit(1)

    return wrapper


@click.group()
def main() -> None:
    """Entorno local de Puebla Abierto (PostgreSQL y Redis propios del proyecto, sin Solr)."""


def _sysadmin_is_current(env: Embedded, known: dict[str, str]) -> bool:
    """True when .var/credentials still matches the database (the account and its token exist)."""
    jti = credentials.token_id(known.get("CKAN_API_TOKEN", ""))
    if not jti or known.get("CKAN_PASSWORD") != env.secrets["sysadmin_password"]:
        return False
    conn = env.postgres.connect(PORTAL_DATABASES.main)
    with conn.cursor() as cur:
        cur.execute(
            'SELECT 1 FROM "user" u JOIN api_token t ON t.user_id = u.id '
            "WHERE u.name = %s AND u.sysadmin AND u.state = 'active' AND t.id = %s",
            (known.get("CKAN_SYSADMIN"), jti),
        )
        found = cur.fetchone() is not None
    conn.close()
    return found


def _load_examples(env: Embedded, site_url: str, token: str) -> None:
    """Publish dataset_forms/ejemplos/ with the pipeline, as a technical liaison would.

    ``--ejemplos-demo`` skips the deliberately broken examples and walks each dataset through
    the validation workflow as the demo sysadmin acting in every role, so the demo shows them
    published with their history. A failure is reported but does not stop the portal.
    """
    folder = env.paths.root / "dataset_forms" / "ejemplos"
    result = subprocess.run(
        [sys.executable, "-m", "pueblaabierto", "lote", str(folder), "--ejemplos-demo"],
        env={**os.environ, **server.quiet_environment(), "CKAN_URL": site_url, "CKAN_API_TOKEN": token},
    )
    if result.returncode != 0:
        click.secho(
            "   Aviso: no todos los ejemplos se cargaron (vea el resumen de arriba). El portal sigue en marcha.",
            fg="yellow",
            err=True,
        )


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--sin-ejemplos", is_flag=True, help="No cargar las solicitudes de ejemplo.")
@friendly_errors
def portal(sin_ejemplos: bool) -> None:
    """Levanta el portal en http://127.0.0.1:5000 con los datos de ejemplo (Ctrl-C lo detiene)."""
    env = Embedded()
    site_url = f"http://{settings.CKAN_HOST}:{settings.CKAN_PORT}"
    _step("Servicios: PostgreSQL, Redis y buzón de correo propios del proyecto (.var/)")
    env.start_services()
    _step("Bases de datos de CKAN y del DataStore")
    env.ensure_databases(PORTAL_DATABASES)
    _step(f"Configuración de CKAN ({env.paths.ckan_ini})")
    env.write_ini(env.paths.ckan_ini, PORTAL_DATABASES, site_url=site_url, plugins=settings.PLUGINS,
                  extra=settings.DEMO_OPTIONS)
    _step("Tablas de CKAN y de los plugins")
    env.init_ckan_database(env.paths.ckan_ini)
    known = credentials.read(env.paths.credentials)
    if not _sysadmin_is_current(env, known):
        _step("Cuenta de administración y token de API")
        account = env.ensure_sysadmin(env.paths.ckan_ini)
        known = {
            "CKAN_URL": site_url,
            "CKAN_SYSADMIN": account["name"],
            "CKAN_PASSWORD": env.secrets["sysadmin_password"],
            "CKAN_API_TOKEN": account["token"],
        }
        credentials.write(env.paths.credentials, known)
    workers = server.workers_for(env.paths.ckan_ini)
    _step(f"Iniciando CKAN en {site_url} (gunicorn, {workers} procesos, y el trabajador de tareas)")
    web = env.serve(env.paths.ckan_ini, settings.CKAN_PORT, state_file=env.paths.portal_state)
    # `kill` (SIGTERM) must stop CKAN as Ctrl-C does, not leave it orphaned on the port.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        env.wait_until_up(site_url, web)
        if not sin_ejemplos:
            _step("Cargando las solicitudes de ejemplo de dataset_forms/ejemplos/")
            _load_examples(env, site_url, known["CKAN_API_TOKEN"])
        click.secho(
            f"\nListo. Puebla Abierto está en {site_url}\n"
            f"  Usuario: {known['CKAN_SYSADMIN']}   Contraseña: {known['CKAN_PASSWORD']}\n"
            f"  Token de API y demás datos: source {env.paths.credentials}\n"
            f"  Correos que envía el portal (avisos del flujo): {env.paths.mail}/new/\n"
            f"  Registro del servidor web y del trabajador: {env.paths.logs / 'ckan.log'}\n"
            "  Ctrl-C detiene CKAN; «make stop» detiene PostgreSQL y Redis.\n",
            fg="green",
            err=True,
        )
        web.wait()
    except KeyboardInterrupt:
        click.echo("\nDeteniendo CKAN...", err=True)
    finally:
        if web.poll() is None:
            web.terminate()
            try:
                web.wait(timeout=60)
            except subprocess.TimeoutExpired:
                web.kill()


@main.command()
@click.option(
    "--los-de-la-prueba",
    is_flag=True,
    help="Solo los servicios que arrancó «test-env» (así «make test» no detiene los de un «make portal» en marcha).",
)
@friendly_errors
def stop(los_de_la_prueba: bool) -> None:
    """Detiene PostgreSQL, Redis y el buzón de correo del proyecto."""
    env = Embedded()
    only = None
    if los_de_la_prueba:
        marker = env.paths.test_started(settings.TEST_SUFFIX)
        only = marker.read_text(encoding="utf-8").splitlines() if marker.exists() else []
        marker.unlink(missing_ok=True)
        if only and env.portal_is_running():
            only = []  # a «make portal» started meanwhile uses them now
    stopped = env.stop_services(only)
    click.echo(f"Detenidos: {', '.join(stopped)}." if stopped else "No había servicios en marcha.")


@main.command("test-env")
@friendly_errors
def test_env() -> None:
    """Prepara los servicios y bases de datos de prueba, escribe .var/test.ini e imprime su ruta."""
    env = Embedded()
    started = env.start_services()
    if started:  # remembered so «make test» stops these, and only these, at the end
        marker = env.paths.test_started(settings.TEST_SUFFIX)
        known = marker.read_text(encoding="utf-8").splitlines() if marker.exists() else []
        marker.write_text("\n".join(dict.fromkeys(known + started)) + "\n", encoding="utf-8")
    env.ensure_databases(TEST_DATABASES)
    env.write_ini(
        env.paths.test_ini(settings.TEST_SUFFIX),
        TEST_DATABASES,
        site_url="http://test.ckan.net",
        plugins=[],  # tests load the plugins they need (CKAN's with_plugins)
        redis_db=1,
        # In-process tests empty the database between tests without CKAN's change hooks, which
        # is what invalidates the anonymous page cache; the live server of the tests keeps it on.
        extra={"smtp.server": "127.0.0.1:25", "ckan.site_id": "test.ckan.net", "pueblaabierto.cache.segundos": "0",
               **settings.DEMO_OPTIONS},
    )
    click.echo(str(env.paths.test_ini(settings.TEST_SUFFIX)))


@main.command()
def status() -> None:
    """Dice qué servicios del proyecto están en marcha."""
    env = Embedded()
    for name, service in env.services().items():
        click.echo(f"{name[0].upper() + name[1:]}: {'en marcha' if service.is_running() else 'detenido'}")
    state = env.portal_processes()
    if state:
        click.echo("Portal: en marcha (" + ", ".join(f"{name} pid {pid}" for name, pid in state.items()) + ")")
    else:
        click.echo("Portal: detenido")


if __name__ == "__main__":
    main()
