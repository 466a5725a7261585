"""Loading validated data into the DataStore, on the server, and the resource's views.

Called by the server's validation job once a dataset's files validate: the same typed
columns and views (tabla / mapa / gráfico from «Tipo de Visualización») as ``publicar``.
"""

from __future__ import annotations

from typing import Any


def after_validation(package_id: str, validated_files: list[dict[str, Any]]) -> None:
    """Load each validated tabular file into the DataStore and ensure the resource's views.

    ``validated_files``: one entry per file the validation read, with ``resource_id``,
    ``path`` (a local copy, valid during the call), ``sha256``, ``formato`` and ``terms``
    (the dictionary: column -> description).
    """
