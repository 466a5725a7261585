"""The maintenance switch: while a restore runs, every request gets a Spanish 503 page.

The switch is a file (``EN_MANTENIMIENTO`` in the backup folder) rather than a database row,
because the databases are exactly what is being replaced; every gunicorn worker sees it on its
next request without a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

BACKUP_DIR_OPTION = "pueblaabierto.respaldo.ruta"
DEFAULT_BACKUP_DIR = "/var/backups/pueblaabierto"
FLAG_NAME = "EN_MANTENIMIENTO"
RETRY_AFTER_SECONDS = "120"

PAGE = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Puebla Abierto en mantenimiento</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>El portal está en mantenimiento</h1>
<p>{reason}</p>
<p>Desde: {since}. Vuelva a intentarlo en unos minutos; no se ha perdido ninguna información.</p>
</body></html>
"""


def backup_dir(config: Mapping[str, Any]) -> Path:
    return Path(config.get(BACKUP_DIR_OPTION) or DEFAULT_BACKUP_DIR)


def flag_path(config: Mapping[str, Any]) -> Path:
    return backup_dir(config) / FLAG_NAME


def switch_on(flag: Path, reason: str) -> None:
    flag.parent.mkdir(parents=True, exist_ok=True)
    since = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    flag.write_text(json.dumps({"motivo": reason, "desde": since}, ensure_ascii=False), encoding="utf-8")


def switch_off(flag: Path) -> None:
    flag.unlink(missing_ok=True)


class MaintenanceMiddleware:
    """WSGI wrapper: 503 (HTML for pages, CKAN-style JSON for the API) while the flag exists."""

    def __init__(self, app: Callable, flag: Path) -> None:
        self.app = app
        self.flag = flag

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.flag.exists():
            return self.app(environ, start_response)
        try:
            details = json.loads(self.flag.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            details = {}
        reason = details.get("motivo") or "Se está restaurando un respaldo del portal."
        since = details.get("desde") or ""
        if environ.get("PATH_INFO", "").startswith("/api/"):
            error = {"__type": "Mantenimiento", "message": f"Portal en mantenimiento: {reason}"}
            body = json.dumps({"success": False, "error": error}, ensure_ascii=False).encode()
            content_type = "application/json;charset=utf-8"
        else:
            body = PAGE.format(reason=escape(reason), since=escape(since)).encode()
            content_type = "text/html; charset=utf-8"
        start_response(
            "503 Service Unavailable",
            [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Retry-After", RETRY_AFTER_SECONDS)],
        )
        return [body]
