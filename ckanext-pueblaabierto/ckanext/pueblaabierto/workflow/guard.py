"""Chained actions that keep every dataset private until the workflow publishes it.

- ``package_create``: a new dataset is always private (``borrador``).
- ``package_update`` (also reached by package_patch/revise and resource create/update/delete):
  an unpublished dataset stays private; a dataset under review cannot change (the reviewers
  approve *what they saw*); a published one cannot change in place: its changes go into an
  update (updates.py) that follows the same review.
- ``bulk_update_public`` (the organization's "Hacer público" button): refused for anything
  the workflow has not published.
- ``datastore_create/upsert/delete`` (when the DataStore is loaded): DataStore tables are data
  too, so the same rule as ``package_update`` applies to the resource's dataset.

Scope: requests from the web and the API (any user, sysadmins included: they act through the
workflow, in role). In-process code that sets ``ignore_auth`` (CKAN's own internals, test
factories, our workflow) is trusted, as CKAN trusts it for authorization; the workflow
itself marks its writes with ``WORKFLOW_CONTEXT_FLAG``.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import deletion, machine, tecnico
from .service import WORKFLOW_CONTEXT_FLAG, current_state


def _trusted(context: dict[str, Any]) -> bool:
    return bool(context.get(WORKFLOW_CONTEXT_FLAG) or context.get("ignore_auth"))


@tk.chained_action
def package_create(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context):
        data_dict["private"] = True
        if tecnico.is_tecnico(context):
            # CKAN's owner_org validator wants organization membership, which the enlace
            # técnico does not have (tecnico.py); his role is what authorizes this create.
            tk.check_access("package_create", context, data_dict)
            context = dict(context, ignore_auth=True)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context):
        pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
        if pkg is not None:
            check_editable(pkg)
            data_dict["private"] = True
    return up_func(context, data_dict)


def check_editable(pkg: model.Package) -> None:
    """Raise ValidationError unless the workflow allows editing ``pkg`` now."""
    state = current_state(pkg)
    if state == machine.PUBLICADO:
        raise tk.ValidationError(
            {
                "workflow": [
                    _(
                        "Este conjunto de datos está publicado y no se modifica directamente: cree una "
                        "actualización con «Proponer actualización» en su pestaña «Flujo» (se revisa igual "
                        "que una publicación nueva y la ciudadanía sigue viendo la versión publicada hasta "
                        "que se apruebe)."
                    )
                ]
            }
        )
    if state != machine.BORRADOR:
        raise tk.ValidationError(
            {
                "workflow": [
                    _(
                        "Este conjunto de datos está «{state}»: no se puede modificar mientras se revisa. "
                        "Si necesita cambios, pida que se rechace con observaciones."
                    ).format(state=machine.state_label(state))
                ]
            }
        )


@tk.chained_action
def bulk_update_public(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not context.get(WORKFLOW_CONTEXT_FLAG):
        for dataset_id in data_dict.get("datasets") or []:
            pkg = model.Package.get(dataset_id)
            if pkg is not None and current_state(pkg) != machine.PUBLICADO:
                raise tk.ValidationError(
                    {
                        "datasets": [
                            _("«{name}» no ha sido publicado por el flujo de validación.").format(name=pkg.name)
                        ]
                    }
                )
    return up_func(context, data_dict)


@tk.chained_action
def package_delete(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """Published: sysadmins only, with a reason, recorded (deletion.py). Under review: refused."""
    if not _trusted(context):
        pkg = model.Package.get(data_dict.get("id") or "")
        if pkg is not None and pkg.state == "active":
            tk.check_access("package_delete", context, data_dict)
            if current_state(pkg) == machine.PUBLICADO:
                deletion.check_published_deletion(context, pkg, data_dict)
            else:
                check_editable(pkg)
    return up_func(context, data_dict)


@tk.chained_action
def dataset_purge(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """Purging erases a dataset for good (no undo): never one under review or published.

    A published dataset is first deleted with a reason (package_delete, deletion.py: on the
    record, undoable); purging that deleted dataset afterwards is recorded in its history too.
    """
    if not _trusted(context):
        pkg = model.Package.get(data_dict.get("id") or "")
        if pkg is not None:
            tk.check_access("dataset_purge", context, data_dict)
            state = current_state(pkg)
            if pkg.state == "active" and state != machine.BORRADOR:
                raise tk.ValidationError(
                    {
                        "id": [
                            _(
                                "El conjunto de datos «{name}» está «{state}»: no se purga (la purga no se puede "
                                "deshacer ni deja registro). Primero elimínelo indicando el motivo (package_delete "
                                "con «motivo» o el botón «Eliminar»): queda en el historial del flujo y se puede "
                                "restaurar."
                            ).format(name=pkg.name, state=machine.state_label(state))
                        ]
                    }
                )
            if state == machine.PUBLICADO:
                deletion.record_purge(context, pkg, data_dict)
    return up_func(context, data_dict)


def _unchanged_through_workflow(pkg: model.Package | None) -> None:
    """Views, groups and owner of a dataset under review or published change only by the workflow."""
    if pkg is not None and pkg.state == "active":
        check_editable(pkg)


def _view_package(data_dict: dict[str, Any], by_view: bool) -> model.Package | None:
    if by_view:
        view = model.ResourceView.get(data_dict.get("id") or "")
        resource_id = view.resource_id if view is not None else ""
    else:
        resource_id = data_dict.get("resource_id") or data_dict.get("id") or ""
    resource = model.Resource.get(resource_id)
    return model.Package.get(resource.package_id) if resource is not None else None


def _view_guard(name: str, by_view: bool) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        if not _trusted(context):
            _unchanged_through_workflow(_view_package(data_dict, by_view))
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


@tk.chained_action
def member_create(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context) and data_dict.get("object_type") == "package":
        _unchanged_through_workflow(model.Package.get(data_dict.get("object") or ""))
    return up_func(context, data_dict)


@tk.chained_action
def member_delete(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context) and data_dict.get("object_type") == "package":
        _unchanged_through_workflow(model.Package.get(data_dict.get("object") or ""))
    return up_func(context, data_dict)


@tk.chained_action
def package_owner_org_update(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context):
        _unchanged_through_workflow(model.Package.get(data_dict.get("id") or ""))
    return up_func(context, data_dict)


def _bulk_guard(name: str) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        if not _trusted(context):
            for dataset_id in data_dict.get("datasets") or []:
                _unchanged_through_workflow(model.Package.get(dataset_id))
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


def _datastore_guard(name: str) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        if not _trusted(context):
            resource = model.Resource.get(data_dict.get("resource_id") or "")
            pkg = model.Package.get(resource.package_id) if resource is not None else None
            if pkg is not None:
                check_editable(pkg)
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


def get_actions() -> dict[str, Any]:
    import ckan.plugins as p

    actions = {
        "package_create": package_create,
        "package_update": package_update,
        "bulk_update_public": bulk_update_public,
        "package_delete": package_delete,
        "dataset_purge": dataset_purge,
        "resource_view_create": _view_guard("resource_view_create", by_view=False),
        "resource_view_update": _view_guard("resource_view_update", by_view=True),
        "resource_view_delete": _view_guard("resource_view_delete", by_view=True),
        "resource_view_reorder": _view_guard("resource_view_reorder", by_view=False),
        "member_create": member_create,
        "member_delete": member_delete,
        "package_owner_org_update": package_owner_org_update,
        "bulk_update_private": _bulk_guard("bulk_update_private"),
        "bulk_update_delete": _bulk_guard("bulk_update_delete"),
    }
    if p.plugin_loaded("datastore"):
        for name in ("datastore_create", "datastore_upsert", "datastore_delete"):
            actions[name] = _datastore_guard(name)
    return actions
