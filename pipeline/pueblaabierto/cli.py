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
