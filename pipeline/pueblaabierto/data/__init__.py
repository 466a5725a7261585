"""Checks of the DATA files of a FORM.317 submission (one call per resource file).

``validate_resource_file`` is the entry point the submission validator calls; it picks
the checks by the resource's Formato: tabular (Frictionless, tabular.py), geospatial
(geopandas, geo.py) or, for the other formats, well-formedness only (wellformed.py).
Every check of the file also scans for personal data (personal.py) where cells exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pueblaabierto.data.content import EXPECTED, Content, Refusal, inspect_container, sniff, too_big
from pueblaabierto.data.limits import DEFAULT_LIMITS, MB, Limits
from pueblaabierto.data.personal import AllowList
from pueblaabierto.data.tabular import build_table_schema
from pueblaabierto.findings import Finding
from pueblaabierto.schemas.vocabularies import load

__all__ = ["DEFAULT_LIMITS", "AllowList", "Limits", "build_table_schema", "validate_resource_file"]


def validate_resource_file(
    path: Path,
    *,
    formato: str,
    terms: dict[str, str],
    display_name: str,
    allow: AllowList | None = None,
    progress: Callable[[int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Finding]:
    """Findings about one data file. ``terms``: Diccionario de Datos term -> description
    for the resource's dataset; ``progress`` is called with the rows processed so far.

    The file is first judged by its bytes (content.py): too big, not what its Formato
    says, a zip bomb or an Office file with macros gets one finding and is not parsed."""
    allow = allow or AllowList()
    refusal, content = _refuse(path, formato, display_name, limits)
    if refusal is not None:
        return [Finding(code=refusal.code, message=refusal.message, suggestion=refusal.suggestion, file=display_name)]
    findings: list[Finding] = []
    if content is not None and content.kind == "xlsx":
        from pueblaabierto.data.formulas import check_formulas

        findings += check_formulas(path, display_name)
    kind = _kind(path, formato)
    if kind == "tabular":
        from pueblaabierto.data.tabular import validate_table

        return findings + validate_table(
            path,
            formato=formato,
            terms=terms,
            display_name=display_name,
            allow=allow,
            progress=progress,
            limits=limits,
        )
    if kind == "geo":
        from pueblaabierto.data.geo import validate_geo

        return findings + validate_geo(
            path, formato=formato, terms=terms, display_name=display_name, allow=allow, progress=progress
        )
    from pueblaabierto.data.wellformed import check_wellformed

    return findings + check_wellformed(path, formato=formato, display_name=display_name)


def _refuse(path: Path, formato: str, display_name: str, limits: Limits) -> tuple[Refusal | None, Content | None]:
    try:
        refusal = too_big(path, display_name, limits.max_file_bytes)
        if refusal:
            return refusal, None
        content = sniff(path)
    except OSError:
        return None, None  # the format's reader says the file cannot be read
    declared = formato.strip().upper()
    expected = EXPECTED.get(declared)
    if declared == "SHP" and content.kind in ("shp", "dbf"):
        return (
            Refusal(
                "shp-incompleto",
                f"«{display_name}» es solo {content.label}; un Shapefile son varios archivos (.shp, .shx, .dbf, .prj).",
                "Comprima en un solo .zip los archivos .shp, .shx, .dbf y .prj de la capa y entregue ese .zip.",
            ),
            content,
        )
    if expected and content.kind not in expected and content.kind != "empty":
        return (
            Refusal(
                "contenido-no-coincide",
                f"«{display_name}» es en realidad {content.label}, no un archivo {declared} como dice el Formato "
                "(se revisó su contenido, no su nombre).",
                f"Entregue los datos en {declared}: ábralos en el programa que los creó y use «Guardar como» o "
                "«Exportar»; cambiar la extensión del nombre no convierte el archivo.",
            ),
            content,
        )
    refusal = inspect_container(path, content, display_name, limits)
    if refusal is None:
        refusal = _too_big_for_memory(path, content, declared, display_name, limits)
    return refusal, content


_WHOLE_IN_MEMORY = frozenset({"GEOJSON", "KML", "SHP", "ODS"})


def _too_big_for_memory(
    path: Path, content: Content, declared: str, display_name: str, limits: Limits
) -> Refusal | None:
    """ODS and spatial files are parsed whole (odfpy, geopandas): their size, uncompressed
    when zipped, is held to ``max_in_memory_mb`` so the run stays within the memory budget."""
    if declared not in _WHOLE_IN_MEMORY:
        return None
    size = path.stat().st_size
    if content.members:
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return None
    cap_mb = limits.max_ods_mb if declared == "ODS" else limits.max_in_memory_mb
    if size <= cap_mb * MB:
        return None
    advice = (
        "Entregue la tabla como CSV UTF-8, que se revisa por partes sin límite práctico de tamaño."
        if declared == "ODS"
        else "Divida la capa en varias (por ejemplo, por zona o por año) o simplifique sus geometrías."
    )
    return Refusal(
        "archivo-demasiado-grande",
        f"«{display_name}» ocupa {size / MB:,.0f} MB sin comprimir; los archivos {declared} se revisan completos en "
        f"memoria y el máximo es {cap_mb:,} MB.",
        advice,
    )


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
