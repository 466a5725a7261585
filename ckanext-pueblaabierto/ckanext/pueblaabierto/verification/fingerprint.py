"""What a validation is about: a digest of the dataset's data as the server holds it now.

Computed on the server only, from CKAN's own tables and stored files, never from what a
client says. Two calls give the same fingerprint exactly when the validation would read
the same bytes with the same rules:

- each active resource (sorted by id): id, url_type, url, format, name, nombre_archivo
  (the display name and the Diccionario's «Recurso» column match on it) and, for
  uploads, the SHA-256 of the stored file;
- the dataset's Diccionario de datos (``diccionario``: termino, descripcion, recurso), whose
  terms the columns are checked against;
- ``responsable_correo``: published anyway as the contact point, so the personal-data
  checks allow it (the pipeline's allow list does the same).

DataStore-only resources (``url_type`` datastore) count by their table's row count and
columns; keys the validation itself or the DataStore loading write (``datastore_active``,
hashes, sizes, views) are left out so the job's own writes never request a new validation.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from typing import Any

import ckan.model as model

# Dataset fields (besides the resources) whose change changes what the validation checks.
PACKAGE_FIELDS = ("diccionario", "responsable_correo")
RESOURCE_FIELDS = ("url_type", "url", "format", "name", "nombre_archivo")

_CACHE_SIZE = 512
_cache: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_lock = threading.Lock()


def file_sha256(path: str) -> str | None:
    """SHA-256 of a stored file, cached by (path, size, mtime); None when there is no file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    value = digest.hexdigest()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def stored_path(resource: dict[str, Any]) -> str | None:
    """Where CKAN keeps an uploaded resource's file (None for links)."""
    if resource.get("url_type") != "upload":
        return None
    from ckan.lib import uploader

    upload = uploader.get_resource_uploader(resource)
    get_path = getattr(upload, "get_path", None)
    if get_path is None:
        return None
    return str(get_path(resource["id"]))


def package_fields(pkg: model.Package) -> dict[str, Any]:
    """The dataset fields the validation reads (see PACKAGE_FIELDS), JSON decoded."""
    extras = pkg.extras or {}
    result: dict[str, Any] = {}
    for key in PACKAGE_FIELDS:
        value = extras.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        result[key] = value
    return result


def dictionary(pkg: model.Package) -> list[dict[str, str]]:
    """The Diccionario de datos of the dataset: [{termino, descripcion, recurso}]."""
    entries = package_fields(pkg).get("diccionario") or []
    if not isinstance(entries, list):
        return []
    return [
        {key: str(entry.get(key) or "") for key in ("termino", "descripcion", "recurso")}
        for entry in entries
        if isinstance(entry, dict)
    ]


def resources(pkg: model.Package) -> list[dict[str, Any]]:
    """The dataset's active resources as plain dicts, sorted by id."""
    result = []
    for res in pkg.resources:  # active ones only (CKAN's relationship)
        data = {key: getattr(res, key, None) for key in ("id", "url", "url_type", "format", "name")}
        extras = res.extras or {}
        data["nombre_archivo"] = extras.get("nombre_archivo")
        data["package_id"] = pkg.id
        result.append(data)
    return sorted(result, key=lambda r: r["id"])


def _datastore_shape(resource_id: str) -> dict[str, Any] | None:
    """Columns and row count of a DataStore-only resource (cheap; no rows read)."""
    import ckan.plugins as p
    import ckan.plugins.toolkit as tk

    if not p.plugin_loaded("datastore"):
        return None
    try:
        info = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource_id, "limit": 0, "include_total": True}
        )
    except (tk.ObjectNotFound, tk.ValidationError):
        return None
    return {"fields": [f["id"] for f in info.get("fields", [])], "total": info.get("total")}


def describe(pkg: model.Package) -> dict[str, Any]:
    """Everything the fingerprint digests, readable (for debugging and the tests)."""
    items = []
    for res in resources(pkg):
        item = {key: res.get(key) or "" for key in ("id", *RESOURCE_FIELDS)}
        if res.get("url_type") == "upload":
            path = stored_path(res)
            item["sha256"] = (file_sha256(path) if path else None) or ""
        elif res.get("url_type") == "datastore":
            item["datastore"] = _datastore_shape(res["id"])
        items.append(item)
    fields = package_fields(pkg)
    return {
        "package_id": pkg.id,
        "resources": items,
        "diccionario": dictionary(pkg),
        "responsable_correo": str(fields.get("responsable_correo") or ""),
    }


def compute(pkg: model.Package | str) -> str:
    """The fingerprint (hex SHA-256) of the dataset as it is now."""
    if isinstance(pkg, str):
        found = model.Package.get(pkg)
        if found is None:
            return ""
        pkg = found
    text = json.dumps(describe(pkg), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
