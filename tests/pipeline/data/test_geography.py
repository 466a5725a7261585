"""Geography: shapefiles zipped in folders, DBF's 10-character names, coordinates in tables,
the dictionary per resource."""

from __future__ import annotations

import zipfile
from datetime import date

import geopandas as gpd
from pueblaabierto.data import validate_resource_file
from pueblaabierto.validation import terms_for_resource, validate_submission
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.model import DictionaryEntry, Recurso, Submission
from shapely.geometry import Point

from tests.pipeline.conftest import MERCADOS_CSV, png_bytes, valid_rows
from tests.pipeline.data.conftest import codes, only, terms_for


def _shapefile(folder, name, columns):
    frame = gpd.GeoDataFrame(columns, geometry=[Point(-98.2, 19.04), Point(-98.19, 19.05)], crs=4326)
    frame.to_file(folder / f"{name}.shp", engine="pyogrio")
    return [folder / f"{name}.{ext}" for ext in ("shp", "shx", "dbf", "prj")]


def test_shapefile_zipped_inside_a_folder_is_read(tmp_path):
    # Windows' «Enviar a > Carpeta comprimida» on the folder "luminarias": luminarias/luminarias.shp...
    parts = _shapefile(tmp_path, "luminarias", {"nombre": ["A", "B"], "tipo": ["led", "sodio"]})
    path = tmp_path / "luminarias.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts:
            archive.write(part, f"luminarias/{part.name}")
        archive.writestr("__MACOSX/luminarias/._luminarias.shp", b"\x00\x05")
    findings = validate_resource_file(
        path, formato="SHP", terms=terms_for(["nombre", "tipo"]), display_name="luminarias.zip"
    )
    assert findings == []


def test_shapefile_missing_its_dbf_is_named(tmp_path):
    parts = _shapefile(tmp_path, "capa", {"nombre": ["A", "B"]})
    path = tmp_path / "capa.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts:
            if part.suffix != ".dbf":
                archive.write(part, f"capa/{part.name}")
    finding = only(validate_resource_file(path, formato="SHP", terms={}, display_name="capa.zip"), "shp-incompleto")
    assert ".dbf" in finding.message


def test_dbf_truncated_names_match_the_dictionary_with_a_hint(tmp_path):
    parts = _shapefile(tmp_path, "obras", {"nombre_obra": ["A", "B"], "monto_contratado": [1.5, 2.5]})
    path = tmp_path / "obras.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts:
            archive.write(part, part.name)
    terms = terms_for(["nombre_obra", "monto_contratado"])
    findings = validate_resource_file(path, formato="SHP", terms=terms, display_name="obras.zip")
    assert codes(findings) == ["nombre-recortado-dbf"]
    assert "«nombre_obr» = «nombre_obra»" in findings[0].message and "«monto_cont» = «monto_contratado»" in (
        findings[0].message
    )
    assert findings[0].severity.value == "warning"


def test_coordinates_in_a_csv(check_csv):
    rows = [
        ["punto", "latitud", "longitud"],
        ["Zócalo", "19.0433", "-98.1981"],
        ["Vacío", "0", "0"],
        ["Invertido", "-98.2019", "19.0433"],
        ["Imposible", "190.43", "-98.2"],
        ["Cholula", "19.0633", "-98.3064"],
        ["Monterrey", "25.6866", "-100.3161"],
    ]
    findings = check_csv(rows)
    pair = "latitud/longitud"
    assert only(findings, "coordenada-cero", pair).rows == (3,)
    assert only(findings, "coordenadas-invertidas", pair).rows == (4,)
    assert only(findings, "coordenada-fuera-de-rango", pair).rows == (5,)
    outside = only(findings, "fuera-de-puebla", pair)
    assert outside.rows == (7,) and outside.severity.value == "warning"


def test_x_y_and_grouped_names(check_csv):
    rows = [["sitio", "ubicacion_longitud", "ubicacion_latitud"], ["A", "-98.2", "19.04"], ["B", "0", "0"]]
    assert codes(check_csv(rows)) == ["coordenada-cero"]


def _entry(term, recurso=None):
    raw = {"recurso": recurso} if recurso else {}
    return DictionaryEntry(sheet="Diccionario de Datos", row=2, id_dataset="1", termino=term, descripcion="d", raw=raw)


def test_a_term_may_say_which_resource_it_describes(tmp_path):
    csv = Recurso(sheet="Recurso", row=2, nombre_archivo="mercados.csv", name="Mercados", id_dataset="1")
    kml = Recurso(sheet="Recurso", row=3, nombre_archivo="mercados.kml", name="Mapa de mercados", id_dataset="1")
    submission = Submission(
        path=tmp_path,
        recursos=[csv, kml],
        diccionario=[_entry("mercado"), _entry("locales", "mercados.csv"), _entry("name", "Mapa de mercados")],
    )
    assert set(terms_for_resource(submission, csv)) == {"mercado", "locales"}
    assert set(terms_for_resource(submission, kml)) == {"mercado", "name"}


def test_a_dataset_dictionary_shared_by_a_csv_and_a_geojson(make_submission):
    rows = valid_rows()
    rows[spec.RECURSO.name].append(
        ["mercados.geojson", "Mapa", "Mapa de mercados", date(2024, 1, 1), date(2024, 12, 31), 1, "GEOJSON"]
    )
    rows[spec.DICCIONARIO.name].append([1, "alcaldia", "Término que no está en ningún archivo."])
    geojson = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"mercado": "5 de Mayo"},'
        b' "geometry": {"type": "Point", "coordinates": [-98.1989, 19.0452]}}]}'
    )
    path = make_submission(
        rows, files={"logo.png": png_bytes(), "mercados.csv": MERCADOS_CSV, "mercados.geojson": geojson}
    )
    findings = validate_submission(path).findings
    missing = [(f.code, f.column, f.file) for f in findings if f.code == "termino-sin-columna"]
    # «locales» is a column of the CSV: not missing from the map; «alcaldia» is in no file: once.
    assert missing == [("termino-sin-columna", "alcaldia", "mercados.csv")]
