"""The ``pueblaabierto`` command. Each subcommand is a thin wrapper over its module."""

from pathlib import Path

import click


@click.group()
def main() -> None:
    """Puebla Abierto."""


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
