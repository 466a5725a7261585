"""Upload signatures and CSV neutralisation, checked on their own (no CKAN needed)."""

from __future__ import annotations

import csv
import io

import pytest
from ckanext.pueblaabierto.security import csv_safe
from ckanext.pueblaabierto.security.uploads import mismatch

HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.mark.parametrize("declared,head", [
    ("CSV", b"folio,monto\n1,2\n"),
    ("CSV", b"\xef\xbb\xbffolio,monto\n"),
    ("JSON", b'  {"a": 1}'),
    ("GEOJSON", b'{"type": "FeatureCollection"}'),
    ("XML", b'<?xml version="1.0"?><datos/>'),
    ("KML", b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'),
    ("XLSX", b"PK\x03\x04rest"),
    ("XLS", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
    ("SHP", b"PK\x03\x04rest"),
    ("ODS", b"PK\x03\x04rest"),
    ("PX", b'CHARSET="ANSI";\nAXIS-VERSION="2010";'),
])
def test_files_that_are_what_they_say_pass(declared, head):
    assert mismatch(declared, head) is None


@pytest.mark.parametrize("declared,head", [
    ("CSV", HTML),
    ("JSON", HTML),
    ("GEOJSON", b"[1, 2]"),
    ("XML", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("XML", b'<?xml version="1.0"?><!-- x --><html><body/></html>'),
    ("XLSX", b"MZ\x90\x00"),
    ("XLS", b"PK\x03\x04"),
    ("CSV", b"a,b\x00\x01"),
    ("PX", HTML),
])
def test_files_pretending_to_be_another_format_are_refused(declared, head):
    reason = mismatch(declared, head)
    assert reason and declared in reason


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+1", "'+1"), ("-1+1", "'-1+1"), ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("normal", "normal"), ("", ""), (None, None), (3, 3),
])
def test_formula_cells_are_neutralised(value, expected):
    assert csv_safe.neutralize(value) == expected


def test_safe_writer_writes_every_row_neutralised():
    out = io.StringIO()
    csv_safe.SafeWriter(out).writerows([["=1", "ok"], ["@x", "-2"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1", "ok"], ["'@x", "'-2"]]


def test_cookies_are_samesite_lax_everywhere_and_secure_under_https():
    from ckanext.pueblaabierto.security import config

    plain = {"ckan.site_url": "http://127.0.0.1:5000", "REMEMBER_COOKIE_SAMESITE": None}
    config.configure(plain)
    assert plain["SESSION_COOKIE_SAMESITE"] == plain["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert "SESSION_COOKIE_SECURE" not in plain
    served = {"ckan.site_url": "https://datos.pueblacapital.gob.mx", "SESSION_COOKIE_SAMESITE": "Strict"}
    config.configure(served)
    assert served["SESSION_COOKIE_SAMESITE"] == "Strict"  # a stricter choice is kept
    assert served["SESSION_COOKIE_SECURE"] is True and served["REMEMBER_COOKIE_SECURE"] is True


def test_backup_log_neutralises_formula_cells(tmp_path):
    """The backup bitácora (ops/bitacora.py) is opened in a spreadsheet for audits."""
    from ckanext.pueblaabierto.ops.bitacora import Bitacora

    log = Bitacora(tmp_path / "bitacora.csv")
    log.record("respaldo", "completo", "diaria", "=1+1", '=HYPERLINK("http://evil","x")', "OK", "-rf /")
    log.record("verificación", "completo", "diaria", "ckan", "/respaldos", "OK", "@SUM(1)")
    [first, second] = list(csv.DictReader((tmp_path / "bitacora.csv").open(encoding="utf-8", newline="")))
    assert first["sistema"] == "'=1+1"
    assert first["ubicacion"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert first["detalle"] == "'-rf /" and second["detalle"] == "'@SUM(1)"
    assert second["ubicacion"] == "/respaldos" and first["resultado"] == "OK"


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_datastore_dump_records_neutralise_text_columns_only(delimiter):
    """The records PostgreSQL's COPY ... csv wrote for /datastore/dump (security/datastore_dump.py)."""
    from ckanext.pueblaabierto.security.datastore_dump import neutralize_records

    fields = [{"id": "_id", "type": "int"}, {"id": "nombre", "type": "text"}, {"id": "monto", "type": "numeric"}]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
        [[1, '=HYPERLINK("http://evil","x")', -5], [2, "línea\ncon salto", "-0.5"], [3, "\t=1", 7], [4, "normal", 3]]
    )
    rows = list(csv.reader(io.StringIO(neutralize_records(out.getvalue(), fields, delimiter)), delimiter=delimiter))
    assert [row[1] for row in rows] == ["'=HYPERLINK(\"http://evil\",\"x\")", "línea\ncon salto", "'\t=1", "normal"]
    assert [row[2] for row in rows] == ["-5", "-0.5", "7", "3"]
    clean = "1,normal,-5\n"
    assert neutralize_records(clean, fields, ",") == clean  # untouched when nothing to neutralise
