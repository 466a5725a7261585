"""The findings of a data file, remembered for a while by everything that decides them.

An entrega validates its files; «Crear borradores» then puts the same files into drafts and
the server validates each draft again (every path into a dataset is validated by the
server). When the file's bytes (SHA-256), its format, its dictionary terms, the name shown
in the messages, the allow list and the limits are all the same, so are the findings: the
second validation takes them from Redis instead of reading a million rows again.

Only the server writes these entries (the key is computed from the server's own copy of
the file, never from what a client says), a changed byte or term is a different key, and
entries expire after ``TTL_SECONDS``, so a new version of the checks is never hidden for long.
If Redis fails, the file is simply validated.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits
from pueblaabierto.findings import Finding
from pueblaabierto.publish.mapping import sha256_file

log = logging.getLogger(__name__)

TTL_SECONDS = 3600
# Bump when the checks change in a way that must not reuse earlier findings.
CHECKS_VERSION = "1"

ValidateFile = Callable[..., list[Finding]]


def _allow_key(allow: Any) -> Any:
    if allow is None:
        return None
    return {name: sorted(getattr(allow, name, ()) or ()) for name in ("domains", "addresses", "identifiers")}


def cache_key(sha256: str, *, formato: str, terms: dict[str, str], display_name: str, allow: Any,
              limits: Limits) -> str:
    material = json.dumps(
        {"v": CHECKS_VERSION, "sha256": sha256, "formato": (formato or "").upper(), "terms": terms,
         "name": display_name, "allow": _allow_key(allow), "limits": asdict(limits)},
        sort_keys=True, ensure_ascii=False,
    )
    site = tk.config.get("ckan.site_id") or "default"
    return f"{site}:pueblaabierto:hallazgos:{hashlib.sha256(material.encode()).hexdigest()}"


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def remembering(validate_file: ValidateFile) -> ValidateFile:
    """``validate_file`` (``validate_resource_file``'s signature, plus an optional ``sha256``) with
    its findings remembered."""

    def validate(path: Path, *, formato: str, terms: dict[str, str], display_name: str, allow: Any = None,
                 progress: Callable[[int], None] | None = None, limits: Limits = DEFAULT_LIMITS,
                 sha256: str | None = None) -> list[Finding]:
        # ``sha256``: the caller's digest of ``path`` when it has one (a file is not read twice for it).
        key = cache_key(sha256 or sha256_file(Path(path)), formato=formato, terms=terms,
                        display_name=display_name, allow=allow, limits=limits)
        try:
            stored = _redis().get(key)
        except Exception:  # noqa: BLE001 - without Redis, validate as if nothing were remembered
            log.warning("No se pudo leer de Redis los hallazgos guardados; se valida el archivo", exc_info=True)
            stored = None
        if stored is not None:
            return [Finding.from_dict(item) for item in json.loads(stored)]
        found = validate_file(path, formato=formato, terms=terms, display_name=display_name, allow=allow,
                              progress=progress, limits=limits)
        try:
            _redis().set(key, json.dumps([f.to_dict() for f in found], ensure_ascii=False), ex=TTL_SECONDS)
        except Exception:  # noqa: BLE001
            log.warning("No se pudieron guardar en Redis los hallazgos de %s", display_name, exc_info=True)
        return found

    return validate


def remembered_checks() -> ValidateFile:
    """The pipeline's per-file checks (``validate_resource_file``), remembered."""
    from pueblaabierto.data import validate_resource_file as checks

    return remembering(checks)
