"""When data enter a dataset under the workflow, ask for the server's validation.

Called from plugin.py's IResourceController and IPackageController hooks, so every path
counts: the web forms, the Action API (resource_create/update/patch/delete, upload or URL,
package_create/update/patch with resources) and in-process calls. Published datasets are
left alone: they change through updates (workflow/updates.py), datasets of their own that
are validated here like any draft.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..workflow import machine
from ..workflow.state import current_state
from . import service

log = logging.getLogger(__name__)


def _under_workflow(pkg: model.Package | None) -> bool:
    if pkg is None or pkg.state != "active" or pkg.type != "dataset":
        return False
    return current_state(pkg) != machine.PUBLICADO


def request_for(package_id: str | None, *, force: bool = False) -> None:
    pkg = model.Package.get(package_id or "")
    if not _under_workflow(pkg):
        return
    assert pkg is not None
    try:
        service.request(pkg.id, force=force)
    except Exception:  # noqa: BLE001 - a write must not fail for this; the gate refuses without a verdict
        log.exception("No se pudo solicitar la validación de %s", pkg.id)


def after_resource_change(context: dict[str, Any], resource: dict[str, Any]) -> None:
    """after_resource_create / after_resource_update: the file or URL is stored and committed."""
    request_for(resource.get("package_id"))


def after_resource_delete(context: dict[str, Any], resources: list[dict[str, Any]]) -> None:
    # CKAN passes the dataset's remaining resources; the deleted one names its dataset too.
    package_id = context.get("package_id") if isinstance(context.get("package_id"), str) else None
    if package_id is None:
        pkg = context.get("package")
        package_id = getattr(pkg, "id", None)
    if package_id is None and resources:
        package_id = resources[0].get("package_id")
    request_for(package_id)


def after_dataset_change(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """after_dataset_create / after_dataset_update (dictionary, responsable, inline resources).

    Inside resource_create/update/delete (``defer_commit``) the file is not stored yet: the
    resource hook that follows the commit asks instead.
    """
    if context.get("defer_commit"):
        return
    request_for(pkg_dict.get("id"))


def _datastore_write(name: str) -> Any:
    """datastore_create/upsert/delete: a DataStore-only resource's table *is* its data.

    Its rows can change without changing its shape (the fingerprint), so such a write always
    asks again; for other resources (e.g. the loading after a validation) the fingerprint decides.
    """

    @tk.chained_action
    def chained(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        result = up_func(context, data_dict)
        resource_id = data_dict.get("resource_id") or (result or {}).get("resource_id") or ""
        resource = model.Resource.get(resource_id) if isinstance(resource_id, str) else None
        if resource is not None:
            request_for(resource.package_id, force=resource.url_type == "datastore")
        return result

    chained.__name__ = name
    return chained


def get_actions() -> dict[str, Any]:
    import ckan.plugins as p

    if not p.plugin_loaded("datastore"):
        return {}
    return {name: _datastore_write(name) for name in ("datastore_create", "datastore_upsert", "datastore_delete")}
