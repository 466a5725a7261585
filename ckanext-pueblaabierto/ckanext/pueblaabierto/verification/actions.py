"""Actions of the server's validation (IActions) and their auth functions (IAuthFunctions).

- ``dataset_validation_show`` {id}: where the validation of the dataset stands (side-effect free).
- ``dataset_validation_run`` {id}: validate again («Reintentar»), e.g. after a failed job.

Who may: see ``workflow_show`` (those in the dataset's procedure) to read; ``package_update``
on the dataset (its dependencia's editors, the enlace de datos abiertos) or a workflow role
on it to ask again.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from ..workflow import auth as wf_auth
from ..workflow import roles
from ..workflow.state import get_package
from . import service


def _id(data_dict: dict[str, Any]) -> str:
    if not data_dict.get("id"):
        raise tk.ValidationError({"id": [_("Falta el valor.")]})
    return str(data_dict["id"])


@tk.side_effect_free
def dataset_validation_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The server's validation of a dataset.

    :param id: id or name of the dataset
    :returns: ``status`` (pendiente, validando, valido, con_errores, fallo or null),
        ``status_label``, ``stale`` (the data changed since), ``report`` (the JSON of
        ``pueblaabierto validar --json``), ``files`` [{resource_id, name, sha256, size}],
        ``progress`` {label, done, total, file, files}, ``error``, counts (``errors``,
        ``blocking_errors``, ``personal_findings``, ``warnings``) and timestamps.
    """
    pkg = get_package(_id(data_dict))
    tk.check_access("dataset_validation_show", context, {"id": pkg.id})
    return service.status(pkg.id)


def dataset_validation_run(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Validate the dataset again («Reintentar»); returns the new status (pendiente).

    :param id: id or name of the dataset
    """
    pkg = get_package(_id(data_dict))
    tk.check_access("dataset_validation_run", context, {"id": pkg.id})
    service.request(pkg.id, force=True)
    return service.status(pkg.id)


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def dataset_validation_show_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return wf_auth.workflow_show(context, data_dict)


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def dataset_validation_run_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    refused = {"success": False, "msg": _("No tiene permiso para validar de nuevo este conjunto de datos.")}
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    pkg = model.Package.get(data_dict.get("id") or "")
    if user is None or pkg is None:
        return refused
    if authz.is_authorized_boolean("package_update", context, {"id": pkg.id}):
        return {"success": True}
    if roles.roles_for(user.id, pkg.owner_org):
        return {"success": True}
    return refused


def get_actions() -> dict[str, Any]:
    from . import hooks

    return {
        "dataset_validation_show": dataset_validation_show,
        "dataset_validation_run": dataset_validation_run,
        **hooks.get_actions(),
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "dataset_validation_show": dataset_validation_show_auth,
        "dataset_validation_run": dataset_validation_run_auth,
    }
