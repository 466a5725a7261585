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
from . import machine
from .service import WORKFLOW_CONTEXT_FLAG, current_state


def _trusted(context: dict[str, Any]) -> bool:
    return bool(context.get(WORKFLOW_CONTEXT_FLAG) or context.get("ignore_auth"))


@tk.chained_action
def package_create(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not _trusted(context):
        data_dict["private"] = True
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
                        "actualización (se revisa igual que una publicación nueva y la ciudadanía sigue "
                        "viendo la versión publicada hasta que se apruebe)."
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
    }
    if p.plugin_loaded("datastore"):
        for name in ("datastore_create", "datastore_upsert", "datastore_delete"):
            actions[name] = _datastore_guard(name)
    return actions
