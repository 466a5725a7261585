"""``ckan pueblaabierto respaldo ...`` and ``ckan pueblaabierto despliegue systemd``."""

from __future__ import annotations

import getpass
import subprocess
import sys
from functools import wraps
from pathlib import Path

import click

from . import backup as backups
from . import bitacora, server, systemd


def _spanish_errors(command):
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except backups.BackupError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(1)

    return wrapper


def _instance() -> backups.Instance:
    from ckan.plugins.toolkit import config

    return backups.Instance.from_config(config)


def _human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


@click.group(short_help="Respaldos completos de las bases y los archivos, con bitácora.")
def respaldo() -> None:
    """Respaldos de Puebla Abierto: base de CKAN, base del DataStore y archivos subidos.

    Cada operación queda en la bitácora (bitacora.csv en pueblaabierto.respaldo.ruta).
    """


@respaldo.command()
@click.option("--programado", is_flag=True, help="Lo lanza el temporizador: anota la frecuencia configurada.")
@_spanish_errors
def crear(programado: bool) -> None:
    """Crea un respaldo completo y borra los que excedan la retención."""
    instance = _instance()
    frequency = instance.frequency if programado else backups.ON_DEMAND
    made = backups.create(instance, frequency=frequency)
    click.echo(f"Respaldo completo creado: {made.folder} ({_human_size(made.size())}).")


@respaldo.command()
@_spanish_errors
def listar() -> None:
    """Lista los respaldos disponibles, del más antiguo al más reciente."""
    instance = _instance()
    found = backups.list_backups(instance)
    if not found:
        click.echo(f"No hay respaldos en {instance.backup_dir}.")
        return
    verified = {}
    for row in instance.log.rows():
        if row["operacion"] == "verificación":
            verified[row["ubicacion"].rsplit(":", 1)[-1]] = f"{row['resultado']} {row['fecha_hora']}"
    click.echo(f"{'Respaldo':<28} {'Tipo':<10} {'Frecuencia':<12} {'Tamaño':>10}  Última verificación")
    for item in found:
        manifest = item.manifest
        click.echo(
            f"{item.name:<28} {manifest['tipo']:<10} {manifest['frecuencia']:<12} "
            f"{_human_size(item.size()):>10}  {verified.get(str(item.folder), 'sin verificar')}"
        )
    click.echo(f"Carpeta: {instance.backup_dir}   Conservar: {instance.retention}")


@respaldo.command()
@click.argument("nombre", default="ultimo")
@_spanish_errors
def verificar(nombre: str) -> None:
    """Restaura NOMBRE (por omisión el último) en bases aparte y compara filas y sumas de archivos."""
    instance = _instance()
    chosen = backups.find_backup(instance, nombre)
    click.echo(f"Verificando {chosen.name} en bases de prueba...")
    check = backups.verify(instance, chosen)
    if not check.ok:
        click.secho(f"El respaldo {chosen.name} NO es confiable: {check.summary()}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Respaldo {chosen.name} verificado: {check.summary()}.")


@respaldo.command()
@click.argument("nombre")
@click.option("--si", "confirmed", is_flag=True, help="No preguntar (para scripts).")
@_spanish_errors
def restaurar(nombre: str, confirmed: bool) -> None:
    """Devuelve el portal al estado del respaldo NOMBRE («ultimo» para el más reciente).

    Restaura y verifica aparte; solo si todo coincide pone el portal en mantenimiento (503),
    cambia bases y archivos, reconstruye el índice de búsqueda y lo anota en la bitácora.
    """
    from ckan.plugins.toolkit import config

    instance = _instance()
    chosen = backups.find_backup(instance, nombre)
    if not confirmed:
        click.confirm(
            f"Se reemplazarán las bases y los archivos del portal por los del respaldo {chosen.name} "
            f"({chosen.manifest['creado']}). ¿Continuar?",
            abort=True,
        )

    def reindex() -> None:
        if instance.ini is None:
            raise backups.BackupError("No se sabe qué archivo de configuración reindexar.")
        result = subprocess.run(
            [str(server.bin_dir() / "ckan"), "-c", str(instance.ini), "search-index", "rebuild"],
            capture_output=True, text=True, env={**server.quiet_environment(), **_env()},
        )
        if result.returncode != 0:
            raise backups.BackupError(f"No se pudo reconstruir el índice de búsqueda:\n{result.stderr[-2000:]}")
        # The databases changed under the web server: nothing it stored for visitors stays.
        from ..portal import page_cache

        page_cache.invalidate()

    check = backups.restore(instance, chosen, config, reindex=reindex, progress=lambda m: click.echo(f"  {m}"))
    if not check.ok:
        click.secho(f"No se restauró: {check.summary()}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Portal restaurado al respaldo {chosen.name}: {check.summary()}.")


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


@respaldo.command("bitacora")
@_spanish_errors
def show_log() -> None:
    """Muestra la bitácora de respaldos (también en bitacora.csv)."""
    instance = _instance()
    rows = instance.log.rows()
    if not rows:
        click.echo(f"La bitácora {instance.log.path} está vacía.")
        return
    for row in rows:
        click.echo(" | ".join(row[column] for column in bitacora.COLUMNS))


@click.group(short_help="Instalación en un servidor sin Docker.")
def despliegue() -> None:
    """Despliegue de Puebla Abierto en un servidor Linux."""


@despliegue.command("systemd")
@click.option("--usuario", default=lambda: getpass.getuser(), show_default="el actual",
              help="Cuenta del sistema que ejecuta el portal.")
@click.option("--bind", default="127.0.0.1:5000", show_default=True, help="Dirección del servidor web.")
@click.option("--procesos", type=int,
              help="Procesos de gunicorn (por omisión pueblaabierto.web.workers o 2 × núcleos + 1).")
@click.option("--destino", type=click.Path(file_okay=False, path_type=Path),
              help="Carpeta donde escribir las unidades (por omisión /etc/systemd/system).")
@click.option("--instalar", is_flag=True, help="Escribir en /etc/systemd/system, activar al arranque e iniciar.")
def systemd_units(usuario: str, bind: str, procesos: int | None, destino: Path | None, instalar: bool) -> None:
    """Genera (e instala con --instalar) las unidades de systemd: web, trabajador y respaldo programado."""
    from ckan.plugins.toolkit import config

    ini = Path(config["__file__"])
    try:
        contents = systemd.units(ini, user=usuario, bind=bind, workers=procesos)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    target = destino or systemd.UNIT_DIR
    try:
        written = systemd.write(target, contents)
    except PermissionError as error:
        raise click.ClickException(f"No se puede escribir en {target}: ejecute el comando con sudo.") from error
    for path in written:
        click.echo(f"Escrito {path}")
    if instalar:
        try:
            systemd.enable()
        except FileNotFoundError as error:
            raise click.ClickException("Este sistema no tiene systemctl: active las unidades a mano.") from error
        except subprocess.CalledProcessError as error:
            raise click.ClickException(f"systemctl falló ({error}); vea: journalctl -xe") from error
        click.echo(f"Activados {systemd.WEB}, {systemd.WORKER} y {systemd.TIMER}: arrancan con el servidor.")
    else:
        click.echo(f"Para activarlos: systemctl daemon-reload && systemctl enable --now "
                   f"{systemd.WEB} {systemd.WORKER} {systemd.TIMER}")


COMMANDS = [respaldo, despliegue]
