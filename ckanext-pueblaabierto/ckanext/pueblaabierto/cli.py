"""``ckan pueblaabierto ...`` commands (IClick)."""

from __future__ import annotations

import json

import click

from .ops.cli import COMMANDS as OPS_COMMANDS
from .portal.cli import busqueda_datastore
from .workflow.cli import COMMANDS as WORKFLOW_COMMANDS


@click.group(short_help="Comandos de Puebla Abierto.")
def pueblaabierto() -> None:
    """Comandos de administración de Puebla Abierto."""


@pueblaabierto.command()
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--token-name", default="pueblaabierto", show_default=True)
def sysadmin(name: str, email: str, password: str, token_name: str) -> None:
    """Crea (o actualiza) la cuenta de administración NAME y emite un token de API.

    Imprime en la última línea un JSON con el nombre y el token.
    """
    from . import accounts

    user, token = accounts.ensure_sysadmin(name, email=email, password=password, token_name=token_name)
    click.echo(json.dumps({"name": user, "token": token}))


for _command in WORKFLOW_COMMANDS:  # rol, flujo
    pueblaabierto.add_command(_command)
pueblaabierto.add_command(busqueda_datastore)

for _command in OPS_COMMANDS:  # respaldo, despliegue
    pueblaabierto.add_command(_command)


def get_commands() -> list[click.Command]:
    return [pueblaabierto]
