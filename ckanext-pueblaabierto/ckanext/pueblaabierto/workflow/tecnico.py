"""The enlace técnico publishes with his own account and token (issue 11).

``pueblaabierto publicar`` creates or updates the Dependencia, the datasets, their resources,
DataStore tables and views. CKAN grants those writes through organization membership; the
enlace técnico spans every dependency, and making him a member of each one would also show
him their unsubmitted drafts (labels.py keeps those from him). So these chained auth
functions grant the writes to whoever holds the global ``enlace_tecnico`` role, a role only
sysadmins assign. Everything else still applies: the workflow guard (guard.py) keeps the
datasets private and unchangeable once under review or published, and the organization he
creates records him as its creator (creator.py; the publisher adopts only organizations
created by its own account or by a sysadmin).

What he may write is what he may see (labels.py): a draft that a dependencia has not sent to
review is not his, unless he created it himself (``publicar`` creates drafts with his
account). Writing to another dependencia's draft falls back to CKAN's membership rules, which
deny it; resource, view and DataStore writes defer to ``package_update``, so they follow.

Deleting: he needs ``resource_delete`` (``publicar --eliminar-faltantes`` drops resources no
longer in the workbook) but never ``package_delete``: a dataset of any dependencia is not his
to delete, and CKAN would otherwise let him delete its drafts.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import machine
from . import model as wf_model
from .state import current_state


def is_tecnico(context: dict[str, Any]) -> bool:
    """Whether the context's user holds the enlace técnico role (and is an active account)."""
    name = context.get("user")
    if not name:
        return False
    user = model.User.get(name)
    if user is None or user.state != "active":
        return False
    return any(row.role == machine.TECNICO for row in wf_model.active_roles(user_id=user.id))


def _someone_elses_draft(context: dict[str, Any], data_dict: dict[str, Any]) -> bool:
    """Whether ``data_dict`` names an existing draft of the workflow he did not create."""
    pkg = context.get("package")
    if not isinstance(pkg, model.Package):
        pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if pkg is None or current_state(pkg) != machine.BORRADOR:
        return False
    user = model.User.get(context.get("user") or "")
    return user is None or pkg.creator_user_id != user.id


def _granted(name: str) -> Any:
    @tk.chained_auth_function
    def auth(next_auth: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
        if is_tecnico(context) and not (name == "package_update" and _someone_elses_draft(context, data_dict)):
            return {"success": True}
        return next_auth(context, data_dict)

    auth.__name__ = name
    return auth


# resource_create/update, resource views and datastore_* defer to these; resource_delete
# defers to package_delete, which he must not have.
GRANTED = ("package_create", "package_update", "resource_delete", "organization_create", "organization_update")


@tk.chained_auth_function
def package_delete(next_auth: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """CKAN defers package_delete to package_update, which his role grants: not for deleting.

    He deletes a dataset only where CKAN's own membership rules would let him.
    """
    if is_tecnico(context):
        pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
        user = context.get("user") or ""
        if pkg is None or not pkg.owner_org or not authz.has_user_permission_for_group_or_org(
            pkg.owner_org, user, "delete_dataset"
        ):
            return {"success": False, "msg": _(
                "El enlace técnico no elimina conjuntos de datos: la dependencia los retira desde su borrador, o la "
                "administración del portal, indicando el motivo, si están publicados."
            )}
    return next_auth(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {**{name: _granted(name) for name in GRANTED}, "package_delete": package_delete}


def drop_creator_membership(context: dict[str, Any], organization: dict[str, Any]) -> None:
    """CKAN makes an organization's creator its admin; the enlace técnico must not be one.

    As a member he would see every draft of the dependency (CKAN's member labels), which the
    procedure keeps from him until it is sent to review.
    """
    user = model.User.get(context.get("user") or "")
    if user is None or user.sysadmin:
        return
    tk.get_action("organization_member_delete")(
        {"ignore_auth": True, "user": user.name}, {"id": organization["id"], "username": user.name}
    )
