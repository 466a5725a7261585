"""``.var/credentials``: shell-sourceable access data of the demo portal."""

from __future__ import annotations

import base64
import json
import shlex
from pathlib import Path


def write(path: Path, values: dict[str, str]) -> None:
    lines = ["# Acceso al portal local de Puebla Abierto (generado por make portal). Uso: source .var/credentials"]
    lines += [f"export {key}={shlex.quote(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def read(path: Path) -> dict[str, str]:
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.startswith("export ") and "=" in line:
                key, _, raw = line[len("export "):].partition("=")
                values[key] = shlex.split(raw)[0] if raw else ""
    return values


def token_id(token: str) -> str | None:
    """The ``jti`` of a CKAN API token (a JWT), to check it still exists in the database."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload))["jti"]
    except (IndexError, ValueError, KeyError):
        return None
