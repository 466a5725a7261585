"""Spatial data files (GeoJSON, KML/KMZ, zipped Shapefile), read with geopandas/pyogrio.

Checks: the file reads; geometries are valid; the CRS is known and convertible to
EPSG:4326 (what the portal's map uses); attribute columns are described in the data
dictionary; attributes hold no personal data; features fall in the municipality of
Puebla (warning: a state-wide layer is legitimate, swapped lat/lon is not).
Features are numbered from 1 in file order ("elemento N"), as GIS tools show them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from pueblaabierto.data.aggregate import FindingCollector, Rule
from pueblaabierto.data.cells import join_lines
from pueblaabierto.data.checks import PERSONAL_RULES, to_text
from pueblaabierto.data.coordinates import PUEBLA_BBOX
from pueblaabierto.data.headers import check_dictionary
from pueblaabierto.data.personal import AllowList, ColumnPolicy, mask, scan_text
from pueblaabierto.findings import Finding, Severity

# Fields GDAL's LIBKML driver adds to every placemark: KML structure, not data columns.
_KML_STRUCTURE = frozenset(
    "id timestamp begin end altitudeMode tessellate extrude visibility drawOrder icon snippet".split()
)

INVALID_GEOMETRY = Rule(
    "geometria-invalida",
    lambda c, r, n, s: f"{n:,} geometría(s) no son válidas ({r.replace('fila', 'elemento')}): {s}.",
    "Corrija las geometrías en su programa SIG (en QGIS: Vectorial > Herramientas de geometría > Corregir "
    "geometrías) y exporte de nuevo.",
)
EMPTY_GEOMETRY = Rule(
    "geometria-vacia",
    lambda c, r, n, s: f"{n:,} elemento(s) no tienen geometría ({r.replace('fila', 'elemento')}).",
    "Elimine esos elementos o asígneles su ubicación.",
    Severity.WARNING,
)
OUTSIDE = Rule(
    "fuera-de-puebla",
    lambda c, r, n, s: (
        f"{n:,} elemento(s) están fuera del municipio de Puebla ({r.replace('fila', 'elemento')}). "
        + s.replace("«", "").replace("»", "")
    ).strip(),
    "Verifique las coordenadas: deben estar en grados decimales WGS84 (EPSG:4326), longitud cerca de -98.2 y "
    "latitud cerca de 19.0. Si la capa cubre a propósito otra zona, ignore este aviso.",
    Severity.WARNING,
)


def validate_geo(
    path: Path,
    *,
    formato: str,
    terms: dict[str, str],
    display_name: str,
    allow: AllowList,
    progress: Callable[[int], None] | None = None,
) -> list[Finding]:
    source, layout_findings = _source(path, display_name)
    if source is None:
        return layout_findings
    try:
        frame = gpd.read_file(source, engine="pyogrio")
    except Exception:  # noqa: BLE001 - any reader failure is a finding for the enlace
        # GDAL's reason is English and names internal paths (/vsizip/...): not for the enlace.
        return [
            Finding(
                code="geo-ilegible",
                message=(
                    f"No se pudo leer «{display_name}» como datos geográficos: el archivo está dañado, incompleto "
                    "o no es del Formato declarado."
                ),
                suggestion=(
                    "Exporte de nuevo la capa desde su programa SIG. Un Shapefile debe enviarse en un .zip con "
                    "sus archivos .shp, .shx, .dbf y .prj."
                ),
                file=display_name,
            )
        ]
    if frame.empty:
        return [
            Finding(
                code="archivo-vacio",
                message=f"«{display_name}» no tiene elementos.",
                suggestion="Verifique que exportó la capa correcta.",
                file=display_name,
            )
        ]
    findings: list[Finding] = list(layout_findings)
    collector = FindingCollector(display_name)
    geometry = frame.geometry

    missing = geometry.isna() | geometry.is_empty
    for index in np.flatnonzero(missing.to_numpy()):
        collector.add(EMPTY_GEOMETRY, None, int(index) + 1)
    invalid = ~geometry.is_valid & ~missing
    for index in np.flatnonzero(invalid.to_numpy()):
        reason = spanish_reason(shapely.is_valid_reason(geometry.iloc[index]))
        collector.add(INVALID_GEOMETRY, None, int(index) + 1, reason)

    findings += _check_crs_and_extent(frame, missing, collector, display_name)

    kml = path.suffix.lower() in (".kml", ".kmz") or formato.strip().upper() == "KML"
    attributes = [
        c
        for c in frame.columns
        if c != frame.geometry.name and not _all_empty(frame[c]) and not (kml and str(c) in _KML_STRUCTURE)
    ]
    shapefile = path.suffix.lower() in (".zip", ".shp") or formato.strip().upper() == "SHP"
    if shapefile:
        truncated, terms = dbf_truncated_names(attributes, terms, display_name)
        findings += truncated
    # A GeoJSON made from a KML (publicar offers one beside each KML) keeps the KML's structure
    # fields: they need no dictionary entry there either, but they are still scanned below.
    geojson = path.suffix.lower() in (".geojson", ".json") or formato.strip().upper() == "GEOJSON"
    described = [c for c in attributes if not (geojson and str(c) in _KML_STRUCTURE)]
    findings += check_dictionary(described, terms, display_name)
    rows = list(range(1, len(frame) + 1))
    for column in attributes:
        text = join_lines([to_text(v) if v is not None and v == v else "" for v in frame[column].tolist()])
        for hit in scan_text(text, ColumnPolicy.for_column(str(column)), allow):
            collector.add(PERSONAL_RULES[hit.kind], str(column), rows[hit.line], mask(hit.kind, hit.value))
    if progress:
        progress(len(frame))  # the layer is read at once: report it done
    return findings + collector.findings()


# GEOS' validity reasons (English) as an enlace reads them; the point stays as GEOS gives it.
_REASONS = {
    "self-intersection": "se cruza a sí misma",
    "ring self-intersection": "un anillo se cruza a sí mismo",
    "hole lies outside shell": "un hueco queda fuera del contorno",
    "holes are nested": "hay huecos dentro de otros huecos",
    "interior is disconnected": "el interior queda partido en pedazos",
    "nested shells": "hay contornos dentro de otros contornos",
    "duplicate rings": "tiene anillos repetidos",
    "too few points in geometry component": "tiene muy pocos puntos",
    "too few distinct points in geometry component": "tiene muy pocos puntos distintos",
    "invalid coordinate": "tiene una coordenada no válida",
    "ring is not closed": "un anillo no está cerrado",
    "repeated point": "tiene un punto repetido",
}
_REASON = re.compile(r"\s*([^\[]+?)\s*\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)[^\]]*\]\s*")


def spanish_reason(reason: str) -> str:
    """ "Self-intersection[-98.15 19.05]" -> "se cruza a sí misma en (-98.15, 19.05)"."""
    match = _REASON.fullmatch(reason)
    text, place = (match.group(1), f" en ({match.group(2)}, {match.group(3)})") if match else (reason, "")
    return _REASONS.get(text.strip().lower(), "la geometría no es válida") + place


def _source(path: Path, display_name: str) -> tuple[str | None, list[Finding]]:
    """GDAL path: zipped shapefiles and KMZ are read inside the archive, wherever the layer
    sits in it. Windows' «Enviar a > Carpeta comprimida» on a folder puts the shapefile
    one folder down (capa/capa.shp); macOS adds __MACOSX/ copies that are not layers."""
    if path.suffix.lower() == ".kmz":
        return f"/vsizip/{path}", []
    if path.suffix.lower() != ".zip":
        return str(path), []
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.startswith("__MACOSX/") and "/." not in f"/{n}"]
    except (zipfile.BadZipFile, OSError):
        return f"/vsizip/{path}", []
    layers = sorted((n for n in names if n.lower().endswith(".shp")), key=lambda n: (n.count("/"), n))
    if not layers:
        return f"/vsizip/{path}", []
    layer = layers[0]
    stem = layer[:-4].lower()
    lowered = {n.lower() for n in names}
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in lowered]
    if missing:
        return None, [
            Finding(
                code="shp-incompleto",
                message=(
                    f"En «{display_name}» la capa «{layer}» no tiene sus archivos {' ni '.join(missing)}: un Shapefile "
                    "no se puede leer sin ellos."
                ),
                suggestion=(
                    "Comprima juntos los archivos .shp, .shx, .dbf y .prj de la capa (mismo nombre) y entregue el .zip."
                ),
                file=display_name,
            )
        ]
    findings = []
    if len(layers) > 1:
        others = ", ".join(f"«{n}»" for n in layers[1:4])
        findings.append(
            Finding(
                code="varias-capas",
                message=(
                    f"«{display_name}» contiene {len(layers)} capas; solo se revisa y publica «{layer}» "
                    f"({others} se ignoran)."
                ),
                suggestion="Entregue cada capa en su propio .zip y regístrela como otro Recurso.",
                severity=Severity.WARNING,
                file=display_name,
            )
        )
    return f"/vsizip/{path}/{layer}", findings


def dbf_truncated_names(
    attributes: list[str], terms: dict[str, str], display_name: str
) -> tuple[list[Finding], dict[str, str]]:
    """A Shapefile's DBF keeps 10 characters of each field name: «ubicacion_latitud» becomes
    «ubicacion_». Such a field matches its term (warning with the hint), and the term is
    then treated as present so the dictionary check does not report both sides."""
    from pueblaabierto.schemas.vocabularies import fold

    by_fold = {fold(t): t for t in terms}
    matched: dict[str, str] = {}
    for attribute in attributes:
        name = str(attribute)
        if fold(name) in by_fold or len(name) != 10:
            continue
        candidates = [t for key, t in by_fold.items() if len(key) > 10 and key[:10] == fold(name)[:10]]
        if len(candidates) == 1:
            matched[name] = candidates[0]
    if not matched:
        return [], terms
    pairs = ", ".join(f"«{a}» = «{t}»" for a, t in list(matched.items())[:6])
    finding = Finding(
        code="nombre-recortado-dbf",
        message=(
            f"El formato Shapefile (DBF) recorta los nombres de campo a 10 caracteres; en «{display_name}» se "
            f"emparejaron con el Diccionario de Datos así: {pairs}."
        ),
        suggestion=(
            "Use en el Diccionario Términos de hasta 10 caracteres para las capas Shapefile, o entregue la capa en "
            "GeoJSON, que conserva los nombres completos."
        ),
        severity=Severity.WARNING,
        file=display_name,
    )
    renamed = {(next((a for a, t in matched.items() if t == term), term)): d for term, d in terms.items()}
    return [finding], renamed


def _all_empty(series: object) -> bool:
    values = series.dropna()  # type: ignore[attr-defined]
    return values.empty or bool((values.astype(str).str.strip() == "").all())


def _check_crs_and_extent(
    frame: gpd.GeoDataFrame, missing: object, collector: FindingCollector, display_name: str
) -> list[Finding]:
    if frame.crs is None:
        return [
            Finding(
                code="crs-desconocido",
                message=(
                    f"«{display_name}» no declara su sistema de coordenadas (CRS), así que no se puede ubicar en el "
                    "mapa."
                ),
                suggestion=(
                    "Exporte la capa en WGS84 (EPSG:4326). Si es un Shapefile, incluya en el .zip el archivo .prj."
                ),
                file=display_name,
            )
        ]
    try:
        wgs84 = frame.to_crs(4326) if frame.crs.to_epsg() != 4326 else frame
    except Exception:  # noqa: BLE001 - pyproj raises several types
        # pyproj's reason is English ("Error creating Transformer from CRS."): name the CRS instead.
        return [
            Finding(
                code="crs-no-convertible",
                message=(
                    f"El sistema de coordenadas de «{display_name}» («{frame.crs.name}») no se puede convertir a "
                    "WGS84 (EPSG:4326); suele pasar con sistemas locales o de ingeniería, no ligados a la Tierra."
                ),
                suggestion="Exporte la capa en WGS84 (EPSG:4326) desde su programa SIG.",
                file=display_name,
            )
        ]
    min_lon, min_lat, max_lon, max_lat = PUEBLA_BBOX
    bounds = wgs84.geometry.bounds.to_numpy()
    ok = ~np.asarray(missing)
    outside = ok & (
        (bounds[:, 2] < min_lon) | (bounds[:, 0] > max_lon) | (bounds[:, 3] < min_lat) | (bounds[:, 1] > max_lat)
    )
    if outside.any():
        swapped = (
            (bounds[outside][:, 1] >= min_lon)
            & (bounds[outside][:, 3] <= max_lon)
            & (bounds[outside][:, 0] >= min_lat)
            & (bounds[outside][:, 2] <= max_lat)
        )
        projected = np.abs(bounds[outside]).max() > 360
        hint = ""
        if swapped.all():
            hint = "Parece que la latitud y la longitud están invertidas."
        elif projected:
            hint = "Los valores parecen coordenadas proyectadas (por ejemplo UTM) declaradas como grados."
        for index in np.flatnonzero(outside):
            collector.add(OUTSIDE, None, int(index) + 1, hint or None)
    return []
