"""Latitude/longitude columns of a table (CSV, XLSX, ODS), checked like the map would show them.

A point at 0,0 («Null Island», an empty cell exported as zero), a latitude of 98 (axes
swapped), a value outside ±90/±180 or a point far from Puebla passed unnoticed in tables,
while the same point in a GeoJSON was reported. The pair of columns is found by name
(latitud/longitud, lat/lon/lng, y/x, «ubicacion_latitud»...), then every row is checked
in the chunks DataChecks already holds (no second read).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pueblaabierto.data.aggregate import FindingCollector, Rule
from pueblaabierto.findings import Severity
from pueblaabierto.schemas.vocabularies import fold

# Municipality of Puebla, generous bounding box (lon/lat, EPSG:4326); geo.py uses it too.
PUEBLA_BBOX = (-98.35, 18.80, -98.00, 19.25)

_LAT = re.compile(r"^(?:lat|latitud|latitude|y|coord(?:enada)? y)$|latitud|latitude")
_LON = re.compile(r"^(?:lon|long|lng|longitud|longitude|x|coord(?:enada)? x)$|longitud|longitude")
_AXIS_ONLY = {"x", "y"}

OUT_OF_RANGE = Rule(
    "coordenada-fuera-de-rango",
    lambda c, r, n, s: (
        f"{n:,} fila(s) tienen coordenadas imposibles (columnas {c}, {r}): {s}. La latitud va de -90 a 90 y la "
        "longitud de -180 a 180."
    ),
    "Escriba las coordenadas en grados decimales WGS84 (EPSG:4326), por ejemplo latitud 19.0433 y longitud "
    "-98.2019; si están en UTM u otro sistema, conviértalas antes de entregar.",
)
ZERO = Rule(
    "coordenada-cero",
    lambda c, r, n, s: (
        f"{n:,} fila(s) tienen la coordenada 0, 0 (columnas {c}, {r}): es un punto en el océano Atlántico, no en "
        "Puebla; suele ser una ubicación vacía exportada como cero."
    ),
    "Escriba la ubicación real del registro, o deje vacías la latitud y la longitud si no se conoce.",
)
SWAPPED = Rule(
    "coordenadas-invertidas",
    lambda c, r, n, s: (
        f"{n:,} fila(s) tienen la latitud y la longitud invertidas (columnas {c}, {r}): {s}. En Puebla la latitud es "
        "cercana a 19 y la longitud a -98."
    ),
    "Intercambie los valores de esas filas: la latitud (≈ 19) va en la columna de latitud y la longitud (≈ -98) "
    "en la de longitud.",
)
OUTSIDE = Rule(
    "fuera-de-puebla",
    lambda c, r, n, s: f"{n:,} fila(s) tienen coordenadas fuera del municipio de Puebla (columnas {c}, {r}): {s}.",
    "Verifique esas coordenadas: deben estar en grados decimales WGS84 (latitud cerca de 19.0, longitud cerca de "
    "-98.2). Si los datos cubren a propósito otra zona, ignore este aviso.",
    Severity.WARNING,
)


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None  # a non-number is already a type finding of its column


@dataclass
class CoordinateCheck:
    lat: int
    lon: int
    label: str  # "latitud/longitud": the pair as the user named it (the finding's column)

    @classmethod
    def for_columns(cls, names: list[str]) -> CoordinateCheck | None:
        folded = [fold(n).replace("_", " ").strip() for n in names]
        lat = next((i for i, n in enumerate(folded) if _LAT.search(n)), None)
        lon = next((i for i, n in enumerate(folded) if _LON.search(n) and i != lat), None)
        if lat is None or lon is None:
            return None
        if (folded[lat] in _AXIS_ONLY) != (folded[lon] in _AXIS_ONLY):
            return None  # "y" next to "longitud" is not a coordinate pair
        return cls(lat, lon, f"{names[lat]}/{names[lon]}")

    def check_chunk(self, rows: Sequence[Sequence[str]], numbers: list[int], collector: FindingCollector) -> None:
        for cells, number in zip(rows, numbers, strict=True):
            self.check_pair(cells[self.lat], cells[self.lon], number, collector)

    def check_pair(self, lat_text: str, lon_text: str, number: int, collector: FindingCollector) -> None:
        """One row's point. The columnar reader (columnar.py) calls this only for the rows
        its vectorised prefilter could not clear (inside Puebla, plain decimals)."""
        min_lon, min_lat, max_lon, max_lat = PUEBLA_BBOX
        lat, lon = _number(lat_text), _number(lon_text)
        if lat is None or lon is None:
            return
        shown = f"{lat_text.strip()}, {lon_text.strip()}"
        if lat == 0 and lon == 0:
            collector.add(ZERO, self.label, number)
        elif min_lat <= lon <= max_lat and min_lon <= lat <= max_lon:
            collector.add(SWAPPED, self.label, number, shown)
        elif abs(lat) > 90 or abs(lon) > 180:
            collector.add(OUT_OF_RANGE, self.label, number, shown)
        elif not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            collector.add(OUTSIDE, self.label, number, shown)
