"""Auth functions of the workflow (IAuthFunctions).

Sysadmins pass every auth function (CKAN), so "sysadmins only" is ``success: False`` here.
Who may perform a *transition* is decided by the state machine (machine.py), not here:
the auth function only requires a logged-in user so refusals can name the missing role.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import model as wf_model
from .machine import GLOBAL_ROLES


def _user(context: dict[str, Any]) -> model.User | None:
    return model.User.get(context.get("user") or "") if context.get("user") else None


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def workflow_transition(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if _user(context) is None:
        return {"success": False, "msg": _("Inicie sesión para participar en el flujo de validación.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def workflow_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Those who can see the dataset *and* take part in its procedure (liaisons, its dependency).

    The history names officials and carries the reviewers' observations: it is for the people
    in the procedure and the auditors, not for every visitor of a published dataset.
    """
    user = _user(context)
    refused = {"success": False, "msg": _("No tiene permiso para ver el flujo de validación de este conjunto.")}
    if user is None:
        return refused
    if not authz.is_authorized_boolean("package_show", context, {"id": data_dict.get("id")}):
        return refused
    pkg = model.Package.get(data_dict.get("id") or "")
    if pkg is None:
        return refused
    if wf_model.active_roles(user_id=user.id):
        return {"success": True}
    if pkg.owner_org and authz.has_user_permission_for_group_or_org(pkg.owner_org, user.name, "read"):
        return {"success": True}
    return refused


def workflow_role_assign(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "msg": _("Solo la administración del portal asigna roles del flujo.")}


def workflow_role_revoke(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "msg": _("Solo la administración del portal revoca roles del flujo.")}


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def workflow_role_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if _user(context) is None:
        return {"success": False, "msg": _("Inicie sesión para ver los enlaces.")}
    return {"success": True}


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def workflow_pending(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if _user(context) is None:
        return {"success": False, "msg": _("Inicie sesión para ver sus pendientes.")}
    return {"success": True}


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def workflow_history_csv(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Auditors: the Coordinación de Transparencia and the Dirección de Gobierno Electrónico."""
    user = _user(context)
    if user is not None and any(r.role in GLOBAL_ROLES for r in wf_model.active_roles(user_id=user.id)):
        return {"success": True}
    return {"success": False, "msg": _("Solo los enlaces de transparencia y técnico exportan el registro.")}


def workflow_demo_publish(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "msg": _("Solo la administración del portal.")}


@tk.auth_allow_anonymous_access  # so the refusal is ours, in Spanish
def workflow_update_start(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    # The action itself checks the enlace de datos abiertos role (needs the dataset's dependency).
    if _user(context) is None:
        return {"success": False, "msg": _("Inicie sesión para proponer una actualización.")}
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {
        "workflow_transition": workflow_transition,
        "workflow_show": workflow_show,
        "workflow_role_assign": workflow_role_assign,
        "workflow_role_revoke": workflow_role_revoke,
        "workflow_role_list": workflow_role_list,
        "workflow_pending": workflow_pending,
        "workflow_history_csv": workflow_history_csv,
        "workflow_demo_publish": workflow_demo_publish,
        "workflow_update_start": workflow_update_start,
    }
