"""Checks of the DATA files of a FORM.317 submission (one call per resource file).

``validate_resource_file`` is the entry point the submission validator calls; it picks
the checks by the resource's Formato: tabular (Frictionless, tabular.py), geospatial
(geopandas, geo.py) or, for the other formats, well-formedness only (wellformed.py).
Every check of the file also scans for personal data (personal.py) where cells exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pueblaabierto.data.personal import AllowList
from pueblaabierto.data.tabular import build_table_schema
from pueblaabierto.findings import Finding
from pueblaabierto.schemas.vocabularies import load

__all__ = ["AllowList", "build_table_schema", "validate_resource_file"]


def validate_resource_file(
    path: Path,
    *,
    formato: str,
    terms: dict[str, str],
    display_name: str,
    allow: AllowList | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Finding]:
    """Findings about one data file. ``terms``: Diccionario de Datos term -> description
    for the resource's dataset; ``progress`` is called with the rows processed so far."""
    allow = allow or AllowList()
    kind = _kind(path, formato)
    if kind == "tabular":
        from pueblaabierto.data.tabular import validate_table

        return validate_table(
            path, formato=formato, terms=terms, display_name=display_name, allow=allow, progress=progress
        )
    if kind == "geo":
        from pueblaabierto.data.geo import validate_geo

        return validate_geo(
            path, formato=formato, terms=terms, display_name=display_name, allow=allow, progress=progress
        )
    from pueblaabierto.data.wellformed import check_wellformed

    return check_wellformed(path, formato=formato, display_name=display_name)


def _kind(path: Path, formato: str) -> str:
    """'tabular', 'geo' or 'other', from the declared Formato (or the extension if unknown)."""
    formatos = load().formatos
    term = next((t for t in formatos if t.value == formato.strip().upper()), None)
    if term is None:
        suffix = path.suffix.lower()
        term = next((t for t in formatos if suffix in t.extra.get("extensiones", [])), None)
    if term is None:
        return "other"
    if term.extra.get("tabular"):
        return "tabular"
    if term.extra.get("geoespacial"):
        return "geo"
    return "other"
