"""The Entregas' limits, read from the declared config options (config_declaration.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import ckan.plugins.toolkit as tk
from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits

MB = 1024 * 1024


@dataclass(frozen=True)
class EntregaLimits:
    max_file_mb: int  # no default of its own: max_file_mb() below
    max_files: int = 50
    max_unzipped_mb: int = 1024
    stale_minutes: int = 30

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_unzipped_bytes(self) -> int:
        return self.max_unzipped_mb * MB


def max_file_mb() -> int:
    """Megabytes per uploaded file: ``pueblaabierto.entregas.max_file_mb`` when set, else the
    portal's one limit for resource files, ``ckan.max_resource_size`` (security/upload_size.py),
    so an entrega and a resource upload accept the same files."""
    from ..security.upload_size import limit_mb

    value = str(tk.config.get("pueblaabierto.entregas.max_file_mb") or "").strip()
    return tk.asint(value) if value else limit_mb()


def current() -> EntregaLimits:
    """The limits this portal is configured with (defaults declared in config_declaration.yaml)."""
    return EntregaLimits(
        max_file_mb=max_file_mb(),
        max_files=tk.asint(tk.config.get("pueblaabierto.entregas.max_files")),
        max_unzipped_mb=tk.asint(tk.config.get("pueblaabierto.entregas.max_unzipped_mb")),
        stale_minutes=tk.asint(tk.config.get("pueblaabierto.entregas.stale_minutes")),
    )


def pipeline_limits() -> Limits:
    """The validator's limits on this portal: its defaults, no looser than the declared options.
    The same for an entrega and for the server's validation of a dataset, so a file judged in
    one is judged alike in the other (and its findings can be reused, verification/reuse.py)."""
    limits = current()
    return replace(DEFAULT_LIMITS, max_file_mb=min(DEFAULT_LIMITS.max_file_mb, limits.max_file_mb),
                   max_uncompressed_mb=min(DEFAULT_LIMITS.max_uncompressed_mb, limits.max_unzipped_mb))
