"""``ckan pueblaabierto rol ...`` and ``ckan pueblaabierto flujo ...`` (added to cli.py's group)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import click

from .machine import ROLES


def _site_context() -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _fail(error: Exception) -> None:
    import ckan.plugins.toolkit as tk

    if isinstance(error, tk.ValidationError):
        message = "; ".join(
            str(m) for values in error.error_dict.values() for m in (values if isinstance(values, list) else [values])
        )
    else:
        message = str(error)
    raise click.ClickException(message)


@click.group(short_help="Roles del flujo de validación (enlaces).")
def rol() -> None:
    """Asigna, revoca y lista los roles de enlace del flujo FORM.317."""


@rol.command("asignar")
@click.argument("usuario")
@click.argument("rol_", metavar="ROL", type=click.Choice(ROLES))
@click.option("--dependencia", default=None, help="Organización, para enlace_datos_abiertos y enlace_seguridad.")
def asignar(usuario: str, rol_: str, dependencia: str | None) -> None:
    """Asigna ROL a USUARIO."""
    import ckan.plugins.toolkit as tk

    try:
        result = tk.get_action("workflow_role_assign")(
            _site_context(), {"user": usuario, "role": rol_, "organization": dependencia}
        )
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    where = f" en {result['organization']}" if result["organization"] else ""
    click.echo(f"{result['user']}: {result['role_label']}{where}")


@rol.command("revocar")
@click.argument("usuario")
@click.argument("rol_", metavar="ROL", type=click.Choice(ROLES))
@click.option("--dependencia", default=None)
def revocar(usuario: str, rol_: str, dependencia: str | None) -> None:
    """Revoca ROL a USUARIO (la asignación queda en el registro)."""
    import ckan.plugins.toolkit as tk

    try:
        tk.get_action("workflow_role_revoke")(
            _site_context(), {"user": usuario, "role": rol_, "organization": dependencia}
        )
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    click.echo(f"Revocado: {usuario} {rol_}")


@rol.command("listar")
@click.option("--usuario", default=None)
@click.option("--dependencia", default=None)
@click.option("--json", "as_json", is_flag=True, help="Salida en JSON.")
def listar(usuario: str | None, dependencia: str | None, as_json: bool) -> None:
    """Lista los roles vigentes."""
    import ckan.plugins.toolkit as tk

    try:
        rows = tk.get_action("workflow_role_list")(_site_context(), {"user": usuario, "organization": dependencia})
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['user']}\t{row['role']}\t{row['organization'] or '(todas)'}")


@rol.command("cuenta")
@click.argument("nombres")
@click.argument("primer_apellido")
@click.argument("segundo_apellido", required=False, default="")
@click.option("--email", required=True, help="Correo institucional.")
@click.option("--rol", "rol_", type=click.Choice(ROLES), default=None, help="Rol a asignar de una vez.")
@click.option("--dependencia", default=None)
def cuenta(
    nombres: str, primer_apellido: str, segundo_apellido: str, email: str, rol_: str | None, dependencia: str | None
) -> None:
    """Crea la cuenta de un enlace con la convención municipal de nombres.

    Imprime un JSON con el nombre de usuario y una contraseña inicial que la persona debe cambiar.
    """
    import ckan.plugins.toolkit as tk

    from . import accounts

    password = secrets.token_urlsafe(12)
    try:
        name = accounts.create_liaison(nombres, primer_apellido, segundo_apellido, email=email, password=password)
        if rol_:
            tk.get_action("workflow_role_assign")(
                _site_context(), {"user": name, "role": rol_, "organization": dependencia}
            )
    except (tk.ValidationError, tk.ObjectNotFound, ValueError) as error:
        _fail(error)
    click.echo(json.dumps({"name": name, "password": password}))


@click.group(short_help="Flujo de validación FORM.317.")
def flujo() -> None:
    """Operaciones del flujo de validación."""


@flujo.command("demo-publicar")
@click.argument("conjuntos", nargs=-1)
@click.option("--todos", is_flag=True, help="Todos los conjuntos activos aún no publicados (portal de demostración).")
@click.option("--usuario", default="admin", show_default=True, help="Administración que actúa en cada rol.")
def demo_publicar(conjuntos: tuple[str, ...], todos: bool, usuario: str) -> None:
    """Lleva CONJUNTOS por todo el flujo, cada paso registrado como la administración en el rol."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    names = list(conjuntos)
    if todos:
        query = model.Session.query(model.Package.name).filter(
            model.Package.state == "active", model.Package.private.is_(True)
        )
        names += [name for (name,) in query.order_by(model.Package.name) if name not in names]
    if not names:
        raise click.ClickException("Indique uno o más conjuntos, o --todos.")
    for name in names:
        try:
            result = tk.get_action("workflow_demo_publish")({"user": usuario}, {"id": name})
        except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized) as error:
            _fail(error)
        click.echo(f"{result['name']}: {result['state']} ({len(result['history'])} pasos en el historial)")


@flujo.command("registro")
@click.option("--conjunto", default=None)
@click.option("--dependencia", default=None)
def registro(conjunto: str | None, dependencia: str | None) -> None:
    """Imprime el registro de transiciones en CSV (auditoría)."""
    import ckan.plugins.toolkit as tk

    try:
        text = tk.get_action("workflow_history_csv")(_site_context(), {"id": conjunto, "organization": dependencia})
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        _fail(error)
    click.echo(text, nl=False)


COMMANDS = [rol, flujo]
