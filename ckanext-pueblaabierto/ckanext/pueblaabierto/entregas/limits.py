"""The Entregas' limits, read from the declared config options (config_declaration.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

import ckan.plugins.toolkit as tk

MB = 1024 * 1024


@dataclass(frozen=True)
class EntregaLimits:
    max_file_mb: int = 256
    max_files: int = 50
    max_unzipped_mb: int = 1024
    stale_minutes: int = 30

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_unzipped_bytes(self) -> int:
        return self.max_unzipped_mb * MB


def current() -> EntregaLimits:
    """The limits this portal is configured with (defaults declared in config_declaration.yaml)."""
    return EntregaLimits(
        max_file_mb=tk.asint(tk.config.get("pueblaabierto.entregas.max_file_mb")),
        max_files=tk.asint(tk.config.get("pueblaabierto.entregas.max_files")),
        max_unzipped_mb=tk.asint(tk.config.get("pueblaabierto.entregas.max_unzipped_mb")),
        stale_minutes=tk.asint(tk.config.get("pueblaabierto.entregas.stale_minutes")),
    )
