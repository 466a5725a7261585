"""Deleting and restoring a published dataset: sysadmins only, with a reason, on the record.

A published dataset is what the workflow approved; an editor's ``package_delete`` would take
it from citizens with no trace. Only a sysadmin may delete it, must say why (``motivo``), and
the deletion is appended to the workflow history (and its CSV). ``workflow_restore`` undoes
it, also on the record. The dataset is soft-deleted by CKAN (state ``deleted``), so its
resources, uploads and DataStore tables come back unchanged.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import machine
from . import model as wf_model
from .state import WORKFLOW_CONTEXT_FLAG, reindex

ELIMINAR = "eliminar"
RESTAURAR = "restaurar"
PURGAR = "purgar"
ELIMINADO = "eliminado"
REASON_KEYS = ("motivo", "reason")


def reason_of(data_dict: dict[str, Any]) -> str:
    for key in REASON_KEYS:
        value = data_dict.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    # CKAN's own delete page (templates/package/confirm_delete.html asks for the reason)
    # calls package_delete with the id only.
    try:
        from flask import has_request_context, request

        if has_request_context() and (request.endpoint or "").endswith(".delete"):
            return (request.form.get("motivo") or "").strip()
    except ImportError:  # pragma: no cover - flask always ships with CKAN
        pass
    return ""


def check_published_deletion(context: dict[str, Any], pkg: model.Package, data_dict: dict[str, Any]) -> None:
    """Refuse unless a sysadmin gives a reason; record the deletion before it happens."""
    user = model.User.get(context.get("user") or "")
    if user is None or not user.sysadmin:
        raise tk.NotAuthorized(
            _(
                "Este conjunto de datos está publicado: no se elimina directamente. Para cambiarlo use "
                "«Proponer actualización» en su pestaña «Flujo»; para retirarlo pida a la administración "
                "del portal que lo elimine indicando el motivo."
            )
        )
    reason = reason_of(data_dict)
    if not reason:
        raise tk.ValidationError(
            {
                "motivo": [
                    _(
                        "Para eliminar un conjunto publicado escriba el motivo (parámetro «motivo»); "
                        "queda en el historial del flujo y la eliminación se puede deshacer."
                    )
                ]
            }
        )
    _record(pkg, user, ELIMINAR, machine.PUBLICADO, ELIMINADO, reason)


def record_purge(context: dict[str, Any], pkg: model.Package, data_dict: dict[str, Any]) -> None:
    """A deleted published dataset about to be purged: the history keeps that it was, by whom."""
    user = model.User.get(context.get("user") or "")
    if user is None:
        return
    _record(pkg, user, PURGAR, ELIMINADO, ELIMINADO,
            reason_of(data_dict) or _("Purgado desde la papelera de la administración."))


def _record(pkg: model.Package, user: model.User, name: str, from_state: str, to_state: str, comment: str) -> None:
    session = wf_model.session()
    session.add(
        wf_model.Transition.about(
            pkg.id, pkg.name, pkg.title, pkg.owner_org, user,
            transition=name, from_state=from_state, to_state=to_state, role=None, as_sysadmin=True,
            comment=comment,
        )
    )
    session.commit()


def workflow_restore(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Undo the deletion of a published dataset (sysadmins only); recorded in its history.

    :param id: id or name of the deleted dataset
    :param motivo: why it comes back (optional)
    """
    if not data_dict.get("id"):
        raise tk.ValidationError({"id": [_("Falta el valor.")]})
    tk.check_access("workflow_restore", context, data_dict)
    pkg = model.Package.get(data_dict["id"])
    if pkg is None:
        raise tk.ObjectNotFound(_("No existe el conjunto de datos {id}.").format(id=data_dict["id"]))
    if pkg.state != "deleted":
        raise tk.ValidationError({"id": [_("El conjunto de datos {name} no está eliminado.").format(name=pkg.name)]})
    user = model.User.get(context.get("user") or "")
    assert user is not None  # the auth function requires a sysadmin
    tk.get_action("package_patch")(
        {"user": user.name, "ignore_auth": True, WORKFLOW_CONTEXT_FLAG: True}, {"id": pkg.id, "state": "active"}
    )
    _record(pkg, user, RESTAURAR, ELIMINADO, machine.PUBLICADO if not pkg.private else machine.BORRADOR,
            reason_of(data_dict) or _("Restauración del conjunto eliminado."))
    reindex(pkg.id)
    return tk.get_action("package_show")({"user": user.name}, {"id": pkg.id})


def workflow_restore_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "msg": _("Solo la administración del portal restaura conjuntos eliminados.")}
