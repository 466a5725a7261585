"""Who created each dependencia, recorded by the server (issue 11, point 1).

``pueblaabierto publicar`` adopts an existing organization only if the account publishing
created it or a sysadmin did: an enlace técnico (who may create organizations, tecnico.py)
could otherwise plant a dependencia with another's ``id_dependencia`` and, later, see what a
colleague published into it. On ``organization_create`` the server stores the creator's user
id in a group extra that clients can neither set nor change (stripped from every
create/update, restored after an update replaces the extras). ``organization_show`` answers
it, as ``creada_por`` (id, name, whether a sysadmin), only to sysadmins and enlaces técnicos;
nobody sees the raw extra. Organizations created before this record fall back to the
activity stream's "new organization" entry (also written by the server).
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from . import tecnico

CREATOR_KEY = "pueblaabierto_creador"


def strip_client_value(data_dict: dict[str, Any]) -> None:
    """Drop whatever the client says about the creator (top level or in ``extras``)."""
    data_dict.pop(CREATOR_KEY, None)
    extras = data_dict.get("extras")
    if isinstance(extras, list):
        data_dict["extras"] = [e for e in extras if not (isinstance(e, dict) and e.get("key") == CREATOR_KEY)]


def stamp(organization_id: str, user_name: str | None) -> None:
    """Record the account that created the organization (empty when no account did)."""
    group = model.Group.get(organization_id)
    user = model.User.get(user_name) if user_name else None
    if group is None:
        return
    group.extras[CREATOR_KEY] = user.id if user is not None else ""
    model.Session.commit()


def recorded_creator_id(organization_id: str) -> str | None:
    """The creator's user id: the server's record, else the activity stream; None if unknown."""
    group = model.Group.get(organization_id)
    if group is None:
        return None
    value = group.extras.get(CREATOR_KEY)
    if value is not None:
        return value or None
    try:
        row = model.Session.execute(
            sa.text("SELECT user_id FROM activity WHERE object_id = :id AND activity_type = 'new organization' "
                    "ORDER BY timestamp LIMIT 1"),
            {"id": group.id},
        ).first()
    except sa.exc.SQLAlchemyError:  # no activity plugin: no table
        model.Session.rollback()
        return None
    return row[0] if row else None


def creator_info(organization_id: str) -> dict[str, Any]:
    user_id = recorded_creator_id(organization_id)
    user = model.User.get(user_id) if user_id else None
    return {"id": user.id if user else None, "name": user.name if user else None,
            "sysadmin": bool(user is not None and user.sysadmin)}


def keep_members(context: dict[str, Any], group: model.Group | None, data_dict: dict[str, Any]) -> None:
    """The enlace técnico updates any dependencia (tecnico.py) but never its members.

    CKAN's organization_update rewrites the membership from ``users``: he could make himself
    admin of a dependencia and read its drafts. Unless CKAN's own rules let him manage its
    members, the update keeps the members it has.
    """
    user = context.get("user") or ""
    if group is None or context.get("ignore_auth") or authz.is_sysadmin(user) or not tecnico.is_tecnico(context):
        return
    if authz.has_user_permission_for_group_or_org(group.id, user, "membership"):
        return
    members = (
        model.Session.query(model.User.name, model.Member.capacity)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(model.Member.group_id == group.id, model.Member.table_name == "user", model.Member.state == "active")
    )
    data_dict["users"] = [{"name": name, "capacity": capacity} for name, capacity in members]


@tk.chained_action
def organization_update(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    strip_client_value(data_dict)
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    keep_members(context, group, data_dict)
    stored = group.extras.get(CREATOR_KEY) if group is not None else None
    result = up_func(context, data_dict)
    if group is not None and stored is not None and model.Group.get(group.id).extras.get(CREATOR_KEY) != stored:
        model.Group.get(group.id).extras[CREATOR_KEY] = stored
        model.Session.commit()
    return _shown(result, context)


def _may_see_creator(context: dict[str, Any]) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user")) or tecnico.is_tecnico(context)


def _shown(result: Any, context: dict[str, Any]) -> Any:
    if not isinstance(result, dict):
        return result
    result.pop(CREATOR_KEY, None)
    if isinstance(result.get("extras"), list):
        result["extras"] = [e for e in result["extras"] if e.get("key") != CREATOR_KEY]
    if result.get("id") and result.get("is_organization", True) and _may_see_creator(context):
        result["creada_por"] = creator_info(result["id"])
    return result


@tk.chained_action
@tk.side_effect_free
def organization_show(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    return _shown(up_func(context, data_dict), context)


@tk.chained_action
@tk.side_effect_free
def organization_list(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    result = up_func(context, data_dict)
    if isinstance(result, list):
        for item in result:
            if isinstance(item, dict):
                item.pop(CREATOR_KEY, None)
                if isinstance(item.get("extras"), list):
                    item["extras"] = [e for e in item["extras"] if e.get("key") != CREATOR_KEY]
    return result


@tk.chained_action
def organization_create(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    strip_client_value(data_dict)
    organization = up_func(context, data_dict)
    stamp(organization["id"], context.get("user"))
    if not context.get("ignore_auth") and tecnico.is_tecnico(context):
        tecnico.drop_creator_membership(context, organization)
    return _shown(organization, context)


def get_actions() -> dict[str, Any]:
    return {"organization_create": organization_create, "organization_update": organization_update,
            "organization_show": organization_show, "organization_list": organization_list}
