"""The ``pueblaabierto`` command. Each subcommand is a thin wrapper over its module."""

from pathlib import Path

import click

from pueblaabierto.cli_i18n import SpanishGroup


# SpanishGroup: Click's own messages (usage errors, --help headings) in Spanish, see cli_i18n.
@click.group(cls=SpanishGroup)
def main() -> None:
    """Puebla Abierto: plantilla y revisión del FORM.317, y carga al portal de datos abiertos."""


@main.command()
@click.argument("salida", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def plantilla(salida: Path) -> None:
    """Escribe la plantilla vacía del FORM.317 en SALIDA (.xlsx)."""
    from pueblaabierto.workbook.template import write_template

    if salida.suffix.lower() != ".xlsx":
        raise click.BadParameter("la plantilla se guarda como libro de Excel: use un nombre que termine en .xlsx")
    try:
        write_template(salida)
    except OSError as exc:
        click.echo(f"Error: no se pudo escribir «{salida}» ({exc.strerror or exc}). "
                   "Revise que la carpeta exista y que tenga permiso de escritura.", err=True)
        raise SystemExit(2) from exc
    click.echo(f"Plantilla FORM.317 escrita en {salida}")


@main.command()
@click.argument("formato", type=click.Path(path_type=Path))
@click.option(
    "--datos",
    type=click.Path(path_type=Path),
    metavar="CARPETA",
    help="Carpeta con los archivos de datos y el logotipo (por omisión, la del formato).",
)
@click.option("--json", "as_json", is_flag=True, help="Imprime el resultado como JSON.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="REPORTE.html",
    help="Guarda además un reporte HTML para compartir.",
)
@click.option(
    "--permitir",
    multiple=True,
    metavar="VALOR",
    help="Valor público que parece dato personal (p. ej. teléfono de oficina). Repetible.",
)
def validar(
    formato: Path, datos: Path | None, as_json: bool, html_path: Path | None, permitir: tuple[str, ...]
) -> None:
    """Revisa un FORM.317 (.xlsx u .ods) y sus archivos.

    Sale con 0 si es válido (puede tener advertencias), 1 si tiene errores y 2 si no se
    pudo leer.
    """
    from pueblaabierto.report.command import run_validar

    code = run_validar(formato, datos, as_json=as_json, html_path=html_path, allowed=list(permitir))
    raise SystemExit(code)


def _portal_options(command):
    """--url/--token shared by publicar and lote (the token is never echoed)."""
    command = click.option(
        "--token", envvar="CKAN_API_TOKEN", metavar="TOKEN",
        help="Token de API de una cuenta de enlace técnico (o variable CKAN_API_TOKEN).",
    )(command)
    command = click.option(
        "--url", envvar="CKAN_URL", metavar="URL",
        help="Dirección del portal, p. ej. https://datos.pueblacapital.gob.mx (o variable CKAN_URL).",
    )(command)
    return command


def _publish_options(command):
    command = click.option("--permitir", multiple=True, metavar="VALOR",
                           help="Valor público que parece dato personal. Repetible.")(command)
    command = click.option("--json", "as_json", is_flag=True, help="Imprime el resultado como JSON.")(command)
    command = click.option("--enviar-revision", is_flag=True,
                           help="Al terminar, envía cada conjunto a revisión (flujo de validación).")(command)
    command = click.option("--eliminar-recursos", is_flag=True,
                           help="Borra del portal los recursos que ya no están en el formato.")(command)
    return command


@main.command()
@click.argument("formato", type=click.Path(path_type=Path))
@click.option("--datos", type=click.Path(path_type=Path),
              help="Carpeta con los archivos de datos y el logotipo (por omisión, la del formato).")
@click.option("--espera-validacion", type=click.FloatRange(min=0), default=None, metavar="SEGUNDOS",
              envvar="PUEBLAABIERTO_ESPERA_VALIDACION", show_envvar=True,
              help="Segundos que espera el veredicto de la validación del portal de cada conjunto cargado "
                   "(900 por omisión; 0: no espera y muestra en qué va).")
@_publish_options
@_portal_options
def publicar(formato: Path, datos: Path | None, url: str | None, token: str | None, eliminar_recursos: bool,
             enviar_revision: bool, as_json: bool, permitir: tuple[str, ...],
             espera_validacion: float | None) -> None:
    """Valida FORMATO y lo carga al portal (dependencia, conjuntos, recursos, DataStore, vistas).

    No publica nada si el formato tiene errores. Repetirlo no duplica nada: solo sube lo que
    cambió. Al terminar muestra el veredicto de la validación del portal de cada conjunto
    cargado. Sale con 0 si todo quedó cargado, 1 si algo no se publicó y 2 si no pudo empezar.
    """
    from pueblaabierto.publish.command import run_publicar
    from pueblaabierto.publish.plan import Options

    options = Options(delete_removed=eliminar_recursos, submit_review=enviar_revision, show_verdict=True,
                      verdict_wait=espera_validacion)
    raise SystemExit(run_publicar(formato, datos, url=url, token=token, options=options, as_json=as_json,
                                  allowed=list(permitir)))


@main.command()
@click.argument("directorio", type=click.Path(path_type=Path, file_okay=False))
@click.option("--ejemplos-demo", is_flag=True, hidden=True,
              help="Para «make portal»: omite rotos/ (ejemplos con errores a propósito) y publica los "
                   "ejemplos con el flujo completo de demostración.")
@_publish_options
@_portal_options
def lote(directorio: Path, url: str | None, token: str | None, eliminar_recursos: bool, enviar_revision: bool,
         as_json: bool, permitir: tuple[str, ...], ejemplos_demo: bool) -> None:
    """Publica todos los FORM.317 que encuentre en DIRECTORIO (uno por carpeta o varios juntos).

    Sigue con los demás si uno falla y termina con un resumen. Sale con 1 si alguno falló.
    """
    from pueblaabierto.publish.command import run_lote
    from pueblaabierto.publish.plan import Options

    options = Options(delete_removed=eliminar_recursos, submit_review=enviar_revision, demo_publish=ejemplos_demo)
    raise SystemExit(run_lote(directorio, url=url, token=token, options=options, as_json=as_json,
                              allowed=list(permitir), skip_broken=ejemplos_demo))
