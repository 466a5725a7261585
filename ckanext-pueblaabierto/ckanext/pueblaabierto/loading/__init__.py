"""Loading validated data into the DataStore, on the server, and the resource's views.

Called by the server's validation job once a dataset's files validate: the same typed
columns and views (tabla / mapa / gráfico from «Tipo de Visualización») as ``publicar``.
The DataStore is written only here (and by CKAN's own internals): the guard (guard.py)
refuses ``datastore_create/upsert/delete`` from the web and the API, so the rows citizens
read are exactly the rows the validation read. Design and figures: loading/README.md.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import vocabularies

from . import copy, views

log = logging.getLogger(__name__)


def _kind(formato: str) -> tuple[bool, bool]:
    """(tabular, geoespacial) for a FORM.317 format, from the vocabulary."""
    term = vocabularies.load().get("formatos", (formato or "").upper())
    if term is None:
        return False, False
    return bool(term.extra.get("tabular")), bool(term.extra.get("geoespacial"))


def after_validation(package_id: str, validated_files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Load each validated tabular file into the DataStore and ensure the resource's views.

    ``validated_files``: one entry per file the validation read, with ``resource_id``,
    ``path`` (a local copy, valid during the call), ``sha256``, ``formato`` and ``terms``
    (the dictionary: column -> description); optionally ``schema`` (the validation's Table
    Schema fields, else inferred the same way).

    Returns one outcome per file (``resource_id``, ``filas``, ``sin_cambios``, ``avisos``,
    ``error``): a file that cannot be loaded is reported in Spanish and the others still load;
    its previous table, if any, stays as it was.
    """
    outcomes: list[dict[str, Any]] = []
    for entry in validated_files:
        outcome: dict[str, Any] = {"resource_id": entry["resource_id"], "filas": 0, "sin_cambios": False,
                                   "avisos": [], "error": None}
        outcomes.append(outcome)
        try:
            _one(package_id, entry, outcome)
        except copy.LoadError as exc:
            outcome["error"] = exc.message
            log.warning("DataStore: %s no se cargó: %s", entry["resource_id"], exc.message)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            log.exception("DataStore: falló la carga de %s", entry["resource_id"])
            outcome["error"] = (
                f"No se pudo cargar el archivo al DataStore por un error interno del portal ({type(exc).__name__}). "
                "Vuelva a intentarlo; si se repite, avise a la administración del portal."
            )
    return outcomes


def _one(package_id: str, entry: dict[str, Any], outcome: dict[str, Any]) -> None:
    context = copy.site_context()
    resource = tk.get_action("resource_show")(dict(context), {"id": entry["resource_id"]})
    if resource.get("package_id") != package_id:
        raise copy.LoadError(f"El recurso {entry['resource_id']} no pertenece al conjunto {package_id}.")
    formato = str(entry.get("formato") or resource.get("format") or "").upper()
    tabular, geoespacial = _kind(formato)
    path = Path(entry["path"])
    if tabular:
        result = copy.load_file(resource["id"], path, sha256=entry["sha256"], terms=dict(entry.get("terms") or {}),
                                formato=formato, schema=entry.get("schema"), defer_indexes=True)
        outcome["filas"], outcome["sin_cambios"] = result.rows, result.skipped
        if not result.skipped:
            log.info("DataStore: %s filas de %s en %s (%s)", result.rows, path.name, resource["id"], result.seconds)
    if geoespacial:
        pkg = tk.get_action("package_show")(dict(context), {"id": package_id})
        geojson = views.ensure_geojson(pkg, resource, path, entry["sha256"])
        if geojson is not None:
            warning = views.ensure_view(geojson, tabular=False)
            if warning:
                outcome["avisos"].append(warning)
    warning = views.ensure_view(resource, tabular=tabular)
    if warning:
        outcome["avisos"].append(warning)
