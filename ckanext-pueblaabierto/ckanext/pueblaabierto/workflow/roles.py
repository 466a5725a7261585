"""Who holds which workflow role, and what that means for a given dataset.

``enlace_datos_abiertos`` and ``enlace_seguridad`` are held per Dependencia (organization);
``enlace_transparencia`` and ``enlace_tecnico`` across all of them. Assigning the enlace de
datos abiertos also makes the user an *editor* of the organization, because CKAN's own auth
(package_create/update, resource uploads) is what lets them prepare the dataset; revoking
the role leaves that membership to the sysadmin, who may have granted it for other reasons.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import machine
from . import model as wf_model


def _org(organization: str | None) -> model.Group | None:
    if not organization:
        return None
    group = model.Group.get(organization)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(_("No existe la dependencia {org}.").format(org=organization))
    return group


def _user(user: str) -> model.User:
    obj = model.User.get(user)
    if obj is None or obj.state == "deleted":
        raise tk.ObjectNotFound(_("No existe el usuario {user}.").format(user=user))
    return obj


def _check_scope(role: str, organization: str | None) -> None:
    if role not in machine.ROLES:
        raise tk.ValidationError(
            {"role": [_("Rol desconocido: {role}. Válidos: {valid}.").format(
                role=role, valid=", ".join(machine.ROLES))]}
        )
    if role in machine.ORGANIZATION_ROLES and not organization:
        raise tk.ValidationError(
            {"organization": [_("El rol {role} se asigna por dependencia: indique la dependencia.").format(
                role=machine.role_label(role))]}
        )
    if role in machine.GLOBAL_ROLES and organization:
        raise tk.ValidationError(
            {"organization": [_("El rol {role} abarca todas las dependencias: no indique dependencia.").format(
                role=machine.role_label(role))]}
        )


def assign(user: str, role: str, organization: str | None, *, by: str) -> dict[str, Any]:
    """Give ``role`` to ``user`` (in ``organization`` for per-dependency roles); idempotent."""
    _check_scope(role, organization)
    user_obj = _user(user)
    org = _org(organization)
    org_id = org.id if org else None
    for existing in wf_model.active_roles(user_id=user_obj.id):
        if existing.role == role and existing.organization_id == org_id:
            return describe(existing)
    assignment = wf_model.RoleAssignment(user_id=user_obj.id, role=role, organization_id=org_id, assigned_by=by)
    wf_model.session().add(assignment)
    wf_model.session().commit()
    if role == machine.DATOS and org is not None:
        _ensure_editor(user_obj, org)
    return describe(assignment)


def revoke(user: str, role: str, organization: str | None, *, by: str) -> int:
    """End the active assignment(s) matching; returns how many were revoked."""
    _check_scope(role, organization)
    user_obj = _user(user)
    org = _org(organization)
    org_id = org.id if org else None
    count = 0
    for existing in wf_model.active_roles(user_id=user_obj.id):
        if existing.role == role and existing.organization_id == org_id:
            existing.revoked_at = datetime.datetime.now(datetime.timezone.utc)
            existing.revoked_by = by
            count += 1
    if not count:
        raise tk.ObjectNotFound(_("El usuario {user} no tiene ese rol.").format(user=user_obj.name))
    wf_model.session().commit()
    return count


def list_assignments(user: str | None = None, organization: str | None = None) -> list[dict[str, Any]]:
    user_id = _user(user).id if user else None
    org = _org(organization)
    rows = wf_model.active_roles(user_id=user_id)
    if org is not None:
        rows = [row for row in rows if row.organization_id in (org.id, None)]
    return [describe(row) for row in rows]


def describe(row: wf_model.RoleAssignment) -> dict[str, Any]:
    user = model.User.get(row.user_id)
    org = model.Group.get(row.organization_id) if row.organization_id else None
    return {
        "id": row.id,
        "user_id": row.user_id,
        "user": user.name if user else row.user_id,
        "user_fullname": (user.fullname or user.name) if user else "",
        "email": user.email if user else "",
        "role": row.role,
        "role_label": machine.role_label(row.role),
        "organization_id": row.organization_id,
        "organization": org.name if org else None,
        "organization_title": org.title if org else None,
        "assigned_by": row.assigned_by,
        "assigned_at": row.assigned_at.isoformat() if row.assigned_at else None,
    }


def roles_for(user_id: str | None, organization_id: str | None) -> frozenset[str]:
    """The workflow roles ``user_id`` holds for a dataset owned by ``organization_id``."""
    if not user_id:
        return frozenset()
    held = set()
    for row in wf_model.active_roles(user_id=user_id):
        if row.role in machine.GLOBAL_ROLES or (organization_id and row.organization_id == organization_id):
            held.add(row.role)
    return frozenset(held)


def holders(role: str, organization_id: str | None = None) -> list[model.User]:
    """Active users holding ``role`` (for the dataset's dependency when per-dependency)."""
    rows = wf_model.active_roles()
    users = []
    for row in rows:
        if row.role != role:
            continue
        if role in machine.ORGANIZATION_ROLES and row.organization_id != organization_id:
            continue
        user = model.User.get(row.user_id)
        if user is not None and user.state == "active":
            users.append(user)
    return users


def _ensure_editor(user: model.User, org: model.Group) -> None:
    capacity = None
    for member in model.Session.query(model.Member).filter(
        model.Member.group_id == org.id,
        model.Member.table_name == "user",
        model.Member.table_id == user.id,
        model.Member.state == "active",
    ):
        capacity = member.capacity
    if capacity in ("editor", "admin"):
        return
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("organization_member_create")(
        {"user": site_user["name"], "ignore_auth": True},
        {"id": org.id, "username": user.name, "role": "editor"},
    )

