"""Spatial files (GeoJSON, KML, zipped SHP) and the parse-only formats (JSON, XML, PX)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pueblaabierto.data import validate_resource_file
from pueblaabierto.findings import Severity
from shapely.geometry import Point, Polygon

from .conftest import codes, only

TERMS = {"nombre": "Nombre del punto", "tipo": "Tipo de punto"}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-98.2, 19.0], [-98.1, 19.1], [-98.1, 19.0], [-98.2, 19.1], [-98.2, 19.0]]],
}


def feature(geometry: dict, **props: object) -> dict:
    return {"type": "Feature", "properties": {"nombre": "Zócalo", "tipo": "wifi", **props}, "geometry": geometry}


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def check(path: Path, formato: str = "GEOJSON", terms: dict[str, str] = TERMS):
    return validate_resource_file(path, formato=formato, terms=terms, display_name=path.name)


def test_valid_geojson_in_puebla_has_no_findings(tmp_path):
    path = write_geojson(tmp_path / "ok.geojson", [feature(point(-98.198, 19.043)), feature(point(-98.21, 19.06))])
    assert check(path) == []


def test_invalid_geometry_is_reported_with_its_feature_number(tmp_path):
    path = write_geojson(tmp_path / "g.geojson", [feature(point(-98.198, 19.043)), feature(BOWTIE)])
    finding = only(check(path), "geometria-invalida")
    assert finding.rows == (2,) and "elemento 2" in finding.message
    assert "se cruza a sí misma en (-98.15, 19.05)" in finding.message and "Self" not in finding.message
    assert "Corregir geometrías" in finding.suggestion


def test_swapped_coordinates_are_outside_puebla_with_a_hint(tmp_path):
    path = write_geojson(tmp_path / "s.geojson", [feature(point(-98.198, 19.043)), feature(point(19.043, -98.198))])
    finding = only(check(path), "fuera-de-puebla")
    assert finding.severity is Severity.WARNING and finding.rows == (2,)
    assert "invertidas" in finding.message


def test_projected_coordinates_declared_as_degrees(tmp_path):
    path = write_geojson(tmp_path / "utm.geojson", [feature(point(582000, 2105000))])
    assert "proyectadas" in only(check(path), "fuera-de-puebla").message


def test_attributes_against_dictionary_and_personal_data(tmp_path):
    path = write_geojson(
        tmp_path / "p.geojson", [feature(point(-98.198, 19.043), responsable="Ana", correo="ana@gmail.com")]
    )
    findings = check(path)
    assert {f.column for f in findings if f.code == "columna-sin-diccionario"} == {"responsable", "correo"}
    assert only(findings, "datos-personales-correo", "correo").rows == (1,)


def test_zipped_shapefile_without_prj_has_unknown_crs(tmp_path):
    frame = gpd.GeoDataFrame({"nombre": ["A"], "tipo": ["x"]}, geometry=[Point(-98.2, 19.04)], crs=4326)
    frame.to_file(tmp_path / "capa.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "capa.zip", "w") as archive:
        for ext in ("shp", "shx", "dbf"):
            archive.write(tmp_path / f"capa.{ext}", f"capa.{ext}")
    assert codes(check(tmp_path / "capa.zip", "SHP")) == ["crs-desconocido"]
    with zipfile.ZipFile(tmp_path / "capa.zip", "a") as archive:
        archive.write(tmp_path / "capa.prj", "capa.prj")
    assert check(tmp_path / "capa.zip", "SHP") == []


def test_projected_shapefile_is_converted_to_wgs84(tmp_path):
    frame = gpd.GeoDataFrame({"nombre": ["A"], "tipo": ["x"]}, geometry=[Point(-98.2, 19.04)], crs=4326)
    frame.to_crs(32614).to_file(tmp_path / "utm.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "utm.zip", "w") as archive:
        for ext in ("shp", "shx", "dbf", "prj"):
            archive.write(tmp_path / f"utm.{ext}", f"utm.{ext}")
    assert check(tmp_path / "utm.zip", "SHP") == []


def test_local_crs_is_not_convertible_and_said_in_spanish(tmp_path):
    frame = gpd.GeoDataFrame({"nombre": ["A"], "tipo": ["x"]}, geometry=[Point(1000, 2000)], crs=4326)
    frame.to_file(tmp_path / "plano.shp", engine="pyogrio")
    (tmp_path / "plano.prj").write_text(
        'LOCAL_CS["Plano de obra",LOCAL_DATUM["Local",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    )
    with zipfile.ZipFile(tmp_path / "plano.zip", "w") as archive:
        for ext in ("shp", "shx", "dbf", "prj"):
            archive.write(tmp_path / f"plano.{ext}", f"plano.{ext}")
    finding = only(check(tmp_path / "plano.zip", "SHP"), "crs-no-convertible")
    assert "«Plano de obra»" in finding.message and "WGS84" in finding.message
    assert "Error" not in finding.message and "Transformer" not in finding.message  # pyproj's English
    assert "EPSG:4326" in finding.suggestion


@pytest.mark.parametrize(
    ("reason", "spanish"),
    [
        ("Self-intersection[-98.15 19.05]", "se cruza a sí misma en (-98.15, 19.05)"),
        ("Ring Self-intersection[1 2]", "un anillo se cruza a sí mismo en (1, 2)"),
        ("Hole lies outside shell[20 20]", "un hueco queda fuera del contorno en (20, 20)"),
        ("Too few points in geometry component[0 0]", "tiene muy pocos puntos en (0, 0)"),
        ("Something new in GEOS", "la geometría no es válida"),
    ],
)
def test_geometry_reasons_are_spanish(reason, spanish):
    from pueblaabierto.data.geo import spanish_reason

    assert spanish_reason(reason) == spanish


def test_kml_is_read(tmp_path):
    frame = gpd.GeoDataFrame({"Name": ["Zócalo"]}, geometry=[Polygon.from_bounds(-98.2, 19.0, -98.1, 19.1)], crs=4326)
    frame.to_file(tmp_path / "z.kml", driver="KML", engine="pyogrio")
    findings = check(tmp_path / "z.kml", "KML", terms={"Name": "Nombre"})
    assert findings == []


def test_unreadable_geo_file(tmp_path):
    path = tmp_path / "roto.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    finding = only(check(path), "geo-ilegible")
    assert "roto.geojson" in finding.message and ".prj" in finding.suggestion
    assert "vsizip" not in finding.message and "not recognized" not in finding.message


@pytest.mark.parametrize(
    ("name", "formato", "content", "code"),
    [
        ("ok.json", "JSON", '{"a": [1, 2]}', None),
        ("bad.json", "JSON", '{"a": [1, 2}', "archivo-mal-formado"),
        ("ok.xml", "XML", "<a><b>1</b></a>", None),
        ("bad.xml", "XML", "<a><b>1</a>", "archivo-mal-formado"),
        ("feed.rss", "RSS", "<rss><channel></channel></rss>", None),
        ("ok.px", "PX", 'STUB="x";\nDATA=\n1 2;\n', None),
        ("bad.px", "PX", "hola", "archivo-mal-formado"),
    ],
)
def test_other_formats_are_only_parsed(tmp_path, name, formato, content, code):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    findings = validate_resource_file(path, formato=formato, terms={}, display_name=name)
    assert codes(findings) == ([code] if code else [])
    if code:
        assert name in findings[0].message and findings[0].suggestion
