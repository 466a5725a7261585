"""Files chosen in a form whose submit failed validation, kept so the person does not choose them again.

A browser never re-sends a file: after a validation error CKAN re-renders the form and the file is
gone. So when a resource (or dependencia logo) form fails, the uploaded file is copied here and the
form gets an unguessable token in a hidden field; the next submit without a new file takes the file
back by that token.

Security: the token is 32 random bytes (``secrets``), but knowing it is not enough: each kept file
records the user id, the object it was meant for (dataset or dependencia) and the form field, and
``take`` gives it back only to the same user for the same object and field, within ``MAX_AGE``.
Files are stored outside the public storage (never served), capped at CKAN's upload size limits,
and removed when used, replaced, abandoned (``MAX_AGE``) or discarded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

log = logging.getLogger(__name__)

MAX_AGE = 24 * 3600  # seconds a kept file waits for its form
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Kept:
    token: str
    filename: str


def _folder() -> Path | None:
    storage = tk.config.get("ckan.storage_path")
    if not storage:
        return None
    folder = Path(storage) / "pueblaabierto" / "pendientes"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.bin", folder / f"{token}.json"


def _expire(folder: Path, now: float) -> None:
    for meta in folder.glob("*.json"):
        try:
            if now - meta.stat().st_mtime > MAX_AGE:
                token = meta.stem
                for path in _paths(folder, token):
                    path.unlink(missing_ok=True)
        except OSError:  # another worker removed it first
            continue


def keep(upload: FileStorage, *, user_id: str, scope: str, field: str, max_bytes: int) -> Kept | None:
    """Copy ``upload`` aside for ``user_id``'s next submit of the form of ``scope``; None if it cannot."""
    folder = _folder()
    filename = os.path.basename((upload.filename or "").replace("\\", "/"))
    if folder is None or not user_id or not filename:
        return None
    now = time.time()
    _expire(folder, now)
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(folder, token)
    stream = upload.stream
    stream.seek(0)
    written = 0
    with open(data_path, "wb") as out:
        os.chmod(data_path, 0o600)
        while chunk := stream.read(_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                break
            out.write(chunk)
    stream.seek(0)
    if written > max_bytes or written == 0:
        data_path.unlink(missing_ok=True)
        return None
    meta = {"user_id": user_id, "scope": scope, "field": field, "filename": filename,
            "content_type": upload.content_type or "application/octet-stream", "created": now}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return Kept(token=token, filename=filename)


def _meta(token: str) -> tuple[Path, dict[str, Any]] | None:
    folder = _folder()
    if folder is None or not isinstance(token, str) or not _TOKEN.match(token):
        return None
    data_path, meta_path = _paths(folder, token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if time.time() - float(meta.get("created", 0)) > MAX_AGE or not data_path.exists():
        return None
    return data_path, meta


def find(token: str, *, user_id: str, scope: str, field: str) -> Kept | None:
    """The kept file of ``token`` if it is this user's, for this object and field."""
    found = _meta(token)
    if found is None:
        return None
    _, meta = found
    if not user_id or (meta.get("user_id"), meta.get("scope"), meta.get("field")) != (user_id, scope, field):
        log.warning("Archivo pendiente %s… pedido por otra persona u otro formulario; se ignora.", token[:6])
        return None
    return Kept(token=token, filename=str(meta["filename"]))


def open_upload(token: str, *, user_id: str, scope: str, field: str) -> FileStorage | None:
    """A FileStorage of the kept file (as if just uploaded), or None; the caller closes its stream."""
    kept = find(token, user_id=user_id, scope=scope, field=field)
    found = _meta(token)
    if kept is None or found is None:
        return None
    data_path, meta = found
    return FileStorage(stream=open(data_path, "rb"), filename=kept.filename,  # noqa: SIM115
                       content_type=str(meta.get("content_type") or ""))


def discard(token: str, *, user_id: str, scope: str, field: str) -> None:
    """Remove a kept file (used, replaced or abandoned by its owner); others' tokens are left alone."""
    if find(token, user_id=user_id, scope=scope, field=field) is None:
        return
    folder = _folder()
    if folder is not None:
        for path in _paths(folder, token):
            path.unlink(missing_ok=True)

