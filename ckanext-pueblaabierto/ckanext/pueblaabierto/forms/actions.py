"""Chained actions behind the enlace's forms: the chosen file survives a failed submit, and
«Nombre del archivo» and «Formato» default to the chosen file's (or URL's) name (defaults.py).

Registered outermost (hooks.py) so a file taken back from ``pending`` passes the same upload
checks (security/uploads.py) and validation as a file just chosen.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from werkzeug.datastructures import FileStorage

from . import defaults, pending

# Hidden form field carrying the token of a kept file; never stored on the resource.
PENDING_FIELD = "pa_archivo_pendiente"
# Filled on a failed submit so the form can show which file is kept (not an input).
PENDING_NAME = "pa_archivo_pendiente_nombre"


def _user_id(context: dict[str, Any]) -> str:
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    return getattr(user, "id", "") or ""


def _chosen(upload: Any) -> bool:
    return isinstance(upload, FileStorage) and bool(upload.filename)


def _wants_file(data_dict: dict[str, Any], resource: bool) -> bool:
    """Whether the submit still asks for a file (not a link) where a kept one may go."""
    if resource:
        return data_dict.get("url_type") == "upload"
    return not str(data_dict.get("image_url") or "").lower().startswith(("http://", "https://"))


def _may(auth: tuple[str, dict[str, Any]], context: dict[str, Any]) -> bool:
    """Only someone allowed to save the form gets a file kept (a refusal may come before CKAN's auth check)."""
    name, data = auth
    try:
        tk.check_access(name, {"user": context.get("user") or ""}, data)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _with_kept_file(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any], *, scope: str,
                    field: str, max_bytes: int, resource: bool, auth: tuple[str, dict[str, Any]]) -> Any:
    user_id = _user_id(context)
    token = data_dict.pop(PENDING_FIELD, None)
    data_dict.pop(PENDING_NAME, None)
    upload: Any = data_dict.get(field)
    restored: FileStorage | None = None
    if _chosen(upload):
        if token:  # a new file replaces the kept one
            pending.discard(token, user_id=user_id, scope=scope, field=field)
        token = None
    elif token and _wants_file(data_dict, resource):
        restored = pending.open_upload(token, user_id=user_id, scope=scope, field=field)
        if restored is not None:
            data_dict[field] = restored
            upload = restored
    elif token:  # the person switched to a link or removed the file
        pending.discard(token, user_id=user_id, scope=scope, field=field)
        token = None
    if resource:
        defaults.fill_resource(data_dict, upload.filename if _chosen(upload) else "")
    try:
        result = up_func(context, data_dict)
    except tk.ValidationError:
        kept = None
        if restored is not None and token:
            kept = pending.find(token, user_id=user_id, scope=scope, field=field)
        elif _chosen(upload) and _may(auth, context):
            kept = pending.keep(upload, user_id=user_id, scope=scope, field=field, max_bytes=max_bytes)
        if kept is not None:
            data_dict[PENDING_FIELD] = kept.token
            data_dict[PENDING_NAME] = kept.filename
        raise
    finally:
        if restored is not None:
            restored.stream.close()
    if restored is not None and token:
        pending.discard(token, user_id=user_id, scope=scope, field=field)
    return result


def _package_scope(data_dict: dict[str, Any]) -> tuple[str, str]:
    """The scope a kept resource file is bound to (its dataset) and the dataset's id."""
    pkg = model.Package.get(str(data_dict.get("package_id") or ""))
    if pkg is None:
        resource = model.Resource.get(str(data_dict.get("id") or ""))
        pkg = model.Package.get(resource.package_id) if resource is not None else None
    package_id = pkg.id if pkg is not None else ""
    return f"dataset:{package_id}", package_id


def _resource_action(name: str) -> Any:
    @tk.chained_action
    def chained(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        scope, package_id = _package_scope(data_dict)
        auth = (name, {"id": data_dict.get("id") or ""} if name == "resource_update" else {"package_id": package_id})
        return _with_kept_file(up_func, context, data_dict, scope=scope, field="upload",
                               max_bytes=uploader.get_max_resource_size() * 1024 * 1024, resource=True, auth=auth)

    chained.__name__ = name
    return chained


def _organization_action(name: str) -> Any:
    @tk.chained_action
    def chained(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        group = model.Group.get(str(data_dict.get("id") or "")) if name.endswith("_update") else None
        scope = f"organization:{group.id if group is not None else 'nueva'}"
        auth = (name, {"id": group.id} if group is not None else {})
        return _with_kept_file(up_func, context, data_dict, scope=scope, field="image_upload",
                               max_bytes=uploader.get_max_image_size() * 1024 * 1024, resource=False, auth=auth)

    chained.__name__ = name
    return chained


def get_actions() -> dict[str, Any]:
    return {
        "resource_create": _resource_action("resource_create"),
        "resource_update": _resource_action("resource_update"),
        "organization_create": _organization_action("organization_create"),
        "organization_update": _organization_action("organization_update"),
    }
