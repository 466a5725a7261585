"""Regenerate the broken DATA examples: dataset_forms/ejemplos/rotos/datos-*/.

Run from the repository root:  .venv/bin/python dataset_forms/generar_ejemplos_datos.py

Each folder is the small valid "mercados" submission of generar_ejemplos.py (same
workbook, logo and dictionary) whose data file is spoiled in ONE way the data checks
must catch: encoding, header, dictionary, values, personal data, geometry. What each
must produce is listed in ejemplos/rotos/esperado.yaml (entries "datos-*").

Personal identifiers are fake but pass their check digits (the point is to be caught).
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import generar_ejemplos as forms
import geopandas as gpd
from openpyxl import Workbook
from shapely.geometry import Point

FIXED_TIME = (2024, 1, 1, 0, 0, 0)
HEADER = ["mercado", "colonia", "locales"]
ROWS: list[list[object]] = [
    ["Mercado 5 de Mayo", "Centro Histórico", 412],
    ["Mercado Zaragoza", "Zaragoza", 238],
    ["Mercado La Acocota", "Analco", 150],
]
# Lon/lat of the three markets (approximate), for the spatial examples.
COORDS = [(-98.1989, 19.0452), (-98.1867, 19.0561), (-98.1872, 19.0386)]

# Fake identifiers with valid check digits.
CURP = "BOXW310820HNERXN09"
RFC = "BOXW310820AB1"
INE = "GMVLMR80070501M100"
NSS = "12345678903"
CLABE = "032180000118359719"
PHONE = "222 123 4567"
EMAIL = "administrador.mercado@gmail.com"


def rows() -> list[list[object]]:
    return [list(r) for r in ROWS]


def with_file(name: str, content: bytes, formato: str = "CSV", visualizacion: str = "Tabla") -> forms.Example:
    """The base submission with its data file replaced."""
    example = forms.base()
    del example.files["mercados.csv"]
    example.files[name] = content
    example.recursos[0][0] = name
    example.recursos[0][1] = visualizacion
    example.recursos[0][6] = formato
    return example


def csv_example(header: list[str], data: list[list[object]], encoding: str = "utf-8") -> forms.Example:
    content = forms.to_csv(header, data).decode("utf-8").encode(encoding)
    return with_file("mercados.csv", content)


def add_term(example: forms.Example, term: str, description: str) -> forms.Example:
    example.diccionario.append([1, term, description])
    return example


def personal(column: str, description: str, value: str) -> forms.Example:
    data = rows()
    data[0].append(value)
    for row in data[1:]:
        row.append("")
    return add_term(csv_example([*HEADER, column], data), column, description)


def xlsx_merged_header() -> forms.Example:
    book = Workbook()
    sheet = book.active
    sheet.title = "Mercados"
    sheet.append(["Mercado", None, "locales"])
    sheet.merge_cells("A1:B1")
    for row in rows():
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return with_file("mercados.xlsx", reproducible_zip(buffer.getvalue()), formato="XLSX")


def geojson(coords: list[tuple[float, float]], bowtie_at: int | None = None) -> bytes:
    features = []
    for index, ((lon, lat), row) in enumerate(zip(coords, rows(), strict=True)):
        geometry: dict[str, object] = {"type": "Point", "coordinates": [lon, lat]}
        if index == bowtie_at:  # a self-intersecting "bow tie" polygon around the market
            d = 0.001
            ring = [[lon - d, lat - d], [lon + d, lat + d], [lon + d, lat - d], [lon - d, lat + d], [lon - d, lat - d]]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        features.append({"type": "Feature", "properties": dict(zip(HEADER, row, strict=True)), "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1).encode()


def shapefile_without_prj() -> bytes:
    frame = gpd.GeoDataFrame(
        {name: [r[i] for r in rows()] for i, name in enumerate(HEADER)},
        geometry=[Point(lon, lat) for lon, lat in COORDS],
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / "mercados.shp", engine="pyogrio", encoding="utf-8")
        dbf = bytearray((Path(tmp) / "mercados.dbf").read_bytes())
        dbf[1:4] = bytes([124, 1, 1])  # the DBF header stores "last update" (YY-1900, MM, DD): fix it
        (Path(tmp) / "mercados.dbf").write_bytes(dbf)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for ext in ("shp", "shx", "dbf", "cpg"):  # no .prj: the CRS is lost
                part = Path(tmp) / f"mercados.{ext}"
                if part.exists():
                    archive.writestr(zipfile.ZipInfo(part.name, FIXED_TIME), part.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def reproducible_zip(data: bytes) -> bytes:
    """The same zip (xlsx) with fixed member times and document dates, so regenerating
    the examples does not change committed binaries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def type_error_after_sample() -> forms.Example:
    # Frictionless infers column types from the first 1000 rows; a text in row 1101 of a
    # numeric column is then a type error (before that it would be "tipos-mezclados").
    data = [[f"Local {i}", forms.COLONIAS[i % len(forms.COLONIAS)], 10 + i % 90] for i in range(1, 1201)]
    data[1099][2] = "N/D"
    return csv_example(HEADER, data)


# ISO dates, one of which does not exist (April has 30 days).
IMPOSSIBLE = ["1974-03-10", "1981-04-31", "1990-02-28"]


def examples() -> dict[str, Callable[[], forms.Example]]:
    return {
        "datos-latin1": lambda: csv_example(HEADER, rows(), encoding="cp1252"),
        "datos-encabezado-combinado": xlsx_merged_header,
        "datos-dos-encabezados": lambda: csv_example(["datos del mercado", "", ""], [HEADER, *rows()]),
        "datos-encabezado-duplicado": lambda: csv_example(["mercado", "colonia", "colonia"], rows()),
        "datos-encabezado-vacio": lambda: csv_example(["mercado", "colonia", ""], rows()),
        "datos-columna-sin-diccionario": lambda: csv_example(
            [*HEADER, "superficie_m2"], [[*r, 1500 + i] for i, r in enumerate(rows())]
        ),
        "datos-termino-sin-columna": lambda: add_term(
            csv_example(HEADER, rows()), "alcaldia", "Alcaldía o junta auxiliar del mercado."
        ),
        "datos-tipo-invalido": type_error_after_sample,
        "datos-tipos-mezclados": lambda: csv_example(HEADER, [*rows(), ["Mercado Hidalgo", "Centro", "sin dato"]]),
        "datos-fila-totales": lambda: csv_example(HEADER, [*rows(), ["TOTAL GENERAL", "", 800]]),
        "datos-separador-miles": lambda: csv_example(HEADER, [[m, c, f"{n * 10:,}"] for m, c, n in rows()]),
        "datos-fecha-no-iso": lambda: add_term(
            csv_example([*HEADER, "fecha_apertura"], [[*r, f"{10 + i}/03/19{70 + i}"] for i, r in enumerate(rows())]),
            "fecha_apertura",
            "Fecha en que abrió el mercado.",
        ),
        "datos-fecha-imposible": lambda: add_term(
            csv_example([*HEADER, "fecha_apertura"], [[*r, d] for r, d in zip(rows(), IMPOSSIBLE, strict=True)]),
            "fecha_apertura",
            "Fecha en que abrió el mercado.",
        ),
        "datos-filas-vacias-y-duplicadas": lambda: csv_example(HEADER, [*rows()[:2], ["", "", ""], *rows()[1:]]),
        "datos-personales-curp": lambda: personal("administrador_curp", "CURP del administrador.", CURP),
        "datos-personales-rfc": lambda: personal("administrador_rfc", "RFC del administrador.", RFC),
        "datos-personales-ine": lambda: personal("clave_elector", "Clave de elector del administrador.", INE),
        "datos-personales-nss": lambda: personal("nss_administrador", "NSS del administrador.", NSS),
        "datos-personales-clabe": lambda: personal("cuenta_clabe", "Cuenta para depósitos.", CLABE),
        "datos-personales-telefono": lambda: personal("telefono_administrador", "Teléfono del administrador.", PHONE),
        "datos-personales-correo": lambda: personal("correo_administrador", "Correo del administrador.", EMAIL),
        "datos-geometria-invalida": lambda: with_file(
            "mercados.geojson", geojson(COORDS, bowtie_at=1), formato="GEOJSON", visualizacion="Mapa"
        ),
        "datos-geo-fuera-de-puebla": lambda: with_file(
            "mercados.geojson",
            geojson([COORDS[0], (COORDS[1][1], COORDS[1][0]), COORDS[2]]),
            formato="GEOJSON",
            visualizacion="Mapa",
        ),
        "datos-shp-sin-crs": lambda: with_file(
            "mercados.zip", shapefile_without_prj(), formato="SHP", visualizacion="Mapa"
        ),
    }


def main() -> None:
    for name, make in examples().items():
        make().write(forms.ROTOS / name)
    print(f"Ejemplos de datos escritos en {forms.ROTOS}")


if __name__ == "__main__":
    main()
