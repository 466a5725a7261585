"""The DataStore is written only by the server, from the validated file.

``datastore_create``, ``datastore_upsert`` and ``datastore_delete`` from the web or the API
(any user, sysadmins included) are refused for resources of the portal's datasets: rows
pushed that way would reach citizens without the validation ever reading them (a CURP
sent as a row). Trusted in-process callers (``ignore_auth`` or the workflow's flag: the
loader in copy.py, CKAN's internals, test factories) pass, as the workflow guard trusts them.

The same holds for the resource's load bookkeeping (``SERVER_OWNED``): a ``package_update``
(``resource_create``, ``resource_update`` and the patches all end in one) keeps what the
server stored, whatever the caller sends. A client that read the dataset before a load and
wrote it back after would otherwise erase the load's key, and the table would never be
marked loaded again (seen with ``publicar`` resuming while the server loaded).

Whether the DataStore refusal applies is ``pueblaabierto.datastore.solo_servidor``: ``auto`` (the default)
turns it on when the portal runs the server's validation (action ``dataset_validation_show``),
the path that loads the DataStore (issue 10).
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from pueblaabierto.publish import mapping

from ..translate import _
from ..workflow.state import WORKFLOW_CONTEXT_FLAG

OPTION = "pueblaabierto.datastore.solo_servidor"
VALIDATION_ACTION = "dataset_validation_show"
# datastore_run_triggers rewrites rows through triggers: the same rule.
ACTIONS = ("datastore_create", "datastore_upsert", "datastore_delete", "datastore_run_triggers")
# Written by the loader and by CKAN's DataStore, never by a client.
SERVER_OWNED = ("datastore_active", mapping.DATASTORE_HASH_KEY)


def server_only() -> bool:
    mode = str(tk.config.get(OPTION) or "auto").strip().lower()
    if mode in ("true", "1", "yes", "on"):
        return True
    if mode in ("false", "0", "no", "off"):
        return False
    try:
        tk.get_action(VALIDATION_ACTION)
    except KeyError:
        return False
    return True


def _trusted(context: dict[str, Any]) -> bool:
    return bool(context.get(WORKFLOW_CONTEXT_FLAG) or context.get("ignore_auth"))


def _package_id(data_dict: dict[str, Any]) -> str | None:
    resource = data_dict.get("resource")
    if isinstance(resource, dict) and resource.get("package_id"):
        return str(resource["package_id"])  # datastore_create that also creates the resource
    found = model.Resource.get(str(data_dict.get("resource_id") or data_dict.get("id") or ""))
    return found.package_id if found is not None else None


def refusal() -> str:
    return _(
        "Los datos del DataStore de este portal los carga sólo el servidor, a partir del archivo del "
        "recurso ya validado: no se aceptan filas enviadas con datastore_create, datastore_upsert ni "
        "datastore_delete. Para cambiar los datos, suba el archivo corregido al recurso (formulario del "
        "recurso, resource_update/resource_patch o «pueblaabierto publicar»); el portal lo valida y lo "
        "carga al DataStore con los tipos y el diccionario de datos."
    )


def _guard(name: str) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        if not _trusted(context) and server_only() and _package_id(data_dict) is not None:
            raise tk.ValidationError({"datastore": [refusal()]})
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


def keep_server_owned(resources: list[dict[str, Any]]) -> None:
    """Put back in ``resources`` the stored ``SERVER_OWNED`` values of the existing ones.

    The rows are locked until the caller's transaction ends (the update's commit), so a load
    that finishes meanwhile waits and then writes on top, instead of being written over.
    """
    ids = [str(r["id"]) for r in resources if isinstance(r, dict) and r.get("id")]
    if not ids:
        return
    rows = model.Session.execute(
        sa.select(model.resource_table.c.id, model.resource_table.c.extras)
        .where(model.resource_table.c.id.in_(ids)).with_for_update()
    ).all()
    stored = {row.id: row.extras or {} for row in rows}  # JsonDictType: already a dict
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("id") not in stored:
            continue
        for key in SERVER_OWNED:
            if key in stored[resource["id"]]:
                resource[key] = stored[resource["id"]][key]
            else:
                resource.pop(key, None)


@tk.chained_action
def package_update(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context) and isinstance(data_dict.get("resources"), list):
        keep_server_owned(data_dict["resources"])
    return up_func(context, data_dict)


def get_actions() -> dict[str, Any]:
    if not p.plugin_loaded("datastore"):
        return {}
    return {**{name: _guard(name) for name in ACTIONS}, "package_update": package_update}
