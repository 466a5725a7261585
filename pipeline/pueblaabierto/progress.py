"""How long-running checks report progress, without knowing who displays it.

A callback ``progress(label, done, total)``: ``label`` names the work in Spanish
(e.g. the data file's name), ``done`` and ``total`` count the same unit (rows or bytes),
``total`` is None when unknown. The terminal report draws a bar from it; the portal and
tests pass None.
"""

from __future__ import annotations

from typing import Protocol


class ProgressCallback(Protocol):
    def __call__(self, label: str, done: int, total: int | None) -> None: ...
