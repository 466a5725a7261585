"""When an entrega may become drafts: the same rule as the server's gate of ``enviar_revision``.

Personal-data findings do not stop an entrega: they travel with the datasets to review, where
the enlace de seguridad must acknowledge each one before anything is published
(verification/verdict.py). Every other error stops it.
"""

from __future__ import annotations

from typing import Any

from ..verification.verdict import counts


def ready(report: dict[str, Any] | None) -> bool:
    """Whether ``report`` (``validar --json``'s shape) leaves nothing to fix before the drafts."""
    return report is not None and counts(report)["blocking_errors"] == 0
