"""The pipeline's ``Portal`` interface, served in-process by this CKAN, as one user.

``pueblaabierto publicar`` talks to a portal over HTTP (pipeline ``publish/client.py``); the
Entregas run the very same planner (``publish/plan.py``, ``apply.py``, ``mapping.py``) inside
the portal. This adapter gives it what it uses: ``call(action, files=None, **data)``, ``url``,
``writes``/``write_log``, ``check()``, ``extensions`` and ``has_action()``. Each call runs the
action with the acting user's context and real auth (``ignore_auth`` False), exactly as an API
request from that user would: the workflow guard keeps new datasets private, CKAN's auth keeps
the enlace inside their dependencia. File streams become werkzeug ``FileStorage`` (what CKAN's
uploader receives from a multipart request).

Calls are serialized (the pipeline loads DataStore chunks from a thread pool); a call from
another thread runs inside a copy of the app's request context and releases its session after.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from typing import IO, Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import flask
from werkzeug.datastructures import FileStorage


def is_write(action: str) -> bool:
    from pueblaabierto.publish.client import is_write as pipeline_is_write

    return pipeline_is_write(action)


class LocalPortal:
    """This CKAN, as ``user`` sees it through the Action API."""

    def __init__(self, user: str, url: str | None = None) -> None:
        self.user = user
        self.url = (url or tk.config.get("ckan.site_url") or "").rstrip("/")
        self.writes = 0
        self.write_log: list[str] = []
        self._lock = threading.RLock()
        self._thread = threading.get_ident()
        current: Any = flask.current_app
        self._app = current._get_current_object() if flask.has_app_context() else None  # noqa: SLF001
        self._extensions: list[str] | None = None

    def __repr__(self) -> str:
        return f"LocalPortal({self.url!r}, user={self.user!r})"

    def call(self, action: str, files: dict[str, IO[bytes]] | None = None, **data: Any) -> Any:
        if is_write(action):
            with self._lock:
                self.writes += 1
                self.write_log.append(action)
        for key, stream in (files or {}).items():
            data[key] = _file_storage(stream)
        with self._lock:
            if threading.get_ident() == self._thread or self._app is None or flask.has_request_context():
                return self._run(action, data)
            with self._app.test_request_context():
                try:
                    return self._run(action, data)
                finally:
                    model.Session.remove()

    def _run(self, action: str, data: dict[str, Any]) -> Any:
        context = {"user": self.user, "ignore_auth": False}
        try:
            result = tk.get_action(action)(context, data)
        except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
            model.Session.rollback()
            raise
        except Exception:
            model.Session.rollback()
            raise
        # What the HTTP client would get: JSON types only (dates as text).
        return json.loads(json.dumps(result, default=str)) if isinstance(result, (dict, list)) else result

    # -- what the portal offers -----------------------------------------------------------
    def check(self) -> dict[str, Any]:
        status = self.call("status_show")
        self._extensions = list(status.get("extensions") or [])
        return status

    @property
    def extensions(self) -> list[str]:
        if self._extensions is None:
            self._extensions = [name for name in tk.aslist(tk.config.get("ckan.plugins")) if p.plugin_loaded(name)]
        return self._extensions

    def has_action(self, action: str, **probe: Any) -> bool:
        try:
            tk.get_action(action)
        except KeyError:
            return False
        return True


def _file_storage(stream: IO[bytes]) -> FileStorage:
    """A pipeline file object (``name`` = the file name CKAN stores) as CKAN's uploader wants it."""
    raw = getattr(stream, "_stream", stream)  # apply._Named wraps the real file
    raw.seek(0)
    name = str(getattr(stream, "name", "") or "archivo")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileStorage(stream=raw, filename=name, content_type=content_type)
