"""Refuse a resource upload above ``ckan.max_resource_size`` with a Spanish message, before storing it.

CKAN checks the size while copying the upload into storage and answers «File upload too
large», in English, after the work. Here the upload's size is read first (it is already a
spooled file) and the enlace is told the file's size, the limit and what to do.
The limit is sized for the portal's largest expected tables (a 1,000,000-row CSV is about
106 MB; see embedded/settings.py).
"""

from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk

from ..translate import _

MB = 1 << 20


def limit_mb() -> int:
    return int(tk.config.get("ckan.max_resource_size") or 10)


def upload_size(upload: Any) -> int | None:
    stream = getattr(upload, "stream", None) or upload
    if not hasattr(stream, "seek") or not hasattr(stream, "tell"):
        return None
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (OSError, ValueError):
        return None
    return int(size)


def too_large(size: int, limit: int, name: str) -> str:
    return _(
        "El archivo «{name}» pesa {size} MB y el portal acepta archivos de hasta {limit} MB. "
        "Divida los datos en varios recursos (por ejemplo, uno por año) o comprima el archivo si su "
        "formato lo permite; si necesita un límite mayor, pídalo a la administración del portal "
        "(opción ckan.max_resource_size)."
    ).format(name=name, size=f"{size / MB:,.1f}", limit=limit)


def check(data_dict: dict[str, Any]) -> None:
    upload = data_dict.get("upload")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", None):
        return
    size = upload_size(upload)
    limit = limit_mb()
    # CKAN refuses more than ``limit`` megabytes while copying (uploader._copy_file): the same bound.
    if size is not None and size > limit * MB:
        raise tk.ValidationError({"upload": [too_large(size, limit, upload.filename)]})


def _guard(name: str) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        check(data_dict)
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


def get_actions() -> dict[str, Any]:
    return {name: _guard(name) for name in ("resource_create", "resource_update")}
