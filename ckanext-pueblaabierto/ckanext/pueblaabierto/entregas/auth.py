"""Who may use an entrega: the enlace de datos abiertos of its dependencia, and sysadmins.

Nobody else, not even an editor or admin of the organization or a reviewer: an entrega holds
files that have not been checked for personal data yet. The actions answer 404 for an entrega
the user may not see, the same as for one that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from ..workflow import machine
from ..workflow import model as wf_model
from . import records


def user_of(context: dict[str, Any]) -> model.User | None:
    name = context.get("user") or ""
    user = model.User.get(name) if name else None
    return user if user is not None and user.state == "active" else None


def organizations_for(user: model.User | None) -> list[model.Group]:
    """The dependencias ``user`` may deliver for (active organizations)."""
    if user is None:
        return []
    query = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    if not user.sysadmin:
        ids = [r.organization_id for r in wf_model.active_roles(user_id=user.id) if r.role == machine.DATOS]
        if not ids:
            return []
        query = query.filter(model.Group.id.in_(ids))
    return list(query.order_by(model.Group.title))


def may_deliver(user: model.User | None, organization_id: str | None) -> bool:
    if user is None or not organization_id:
        return False
    if user.sysadmin:
        return True
    return any(
        r.role == machine.DATOS and r.organization_id == organization_id
        for r in wf_model.active_roles(user_id=user.id)
    )


def holds_role(user: model.User | None) -> bool:
    """Whether the «Entregas» link is for ``user``."""
    return bool(user is not None and (user.sysadmin or organizations_for(user)))


_LOGIN = {"success": False, "msg": _("Inicie sesión para usar las entregas del FORM.317.")}


def _entrega_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    user = user_of(context)
    if user is None:
        return _LOGIN
    entrega = records.get_entrega(str(data_dict.get("id") or ""))
    if entrega is None or not may_deliver(user, entrega.organization_id):
        return {"success": False, "msg": _("No se encontró la entrega.")}
    return {"success": True}


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def submission_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    user = user_of(context)
    if user is None:
        return _LOGIN
    if data_dict.get("id"):
        return _entrega_auth(context, data_dict)
    org = model.Group.get(str(data_dict.get("owner_org") or ""))
    if org is None or not may_deliver(user, org.id):
        return {"success": False, "msg": _(
            "Solo el enlace de datos abiertos de la dependencia puede hacer entregas en su nombre. Si usted es "
            "el enlace, pida a la administración del portal que le asigne el rol.")}
    return {"success": True}


submission_show = tk.auth_allow_anonymous_access(_entrega_auth)
submission_apply = tk.auth_allow_anonymous_access(_entrega_auth)
submission_retry = tk.auth_allow_anonymous_access(_entrega_auth)


@tk.auth_allow_anonymous_access
def submission_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return _LOGIN if user_of(context) is None else {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {
        "submission_create": submission_create,
        "submission_show": submission_show,
        "submission_list": submission_list,
        "submission_apply": submission_apply,
        "submission_retry": submission_retry,
    }
