"""The columnar data pass (Arrow, columnar.py) reports exactly what the Frictionless row
path reports: same findings, codes, rows, counts and samples, in the same order.

Every CSV of dataset_forms/ejemplos (the examples and the broken examples) and a set of
files written to hit the row-level corner cases (blank lines, notes under the table, the
header repeated mid-table, duplicates across chunks, line breaks inside cells, BOM,
Windows-1252, other delimiters, ragged rows, the row limit) are validated both ways.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pueblaabierto.data import Limits, checks, columnar, tabular, validate_resource_file
from pueblaabierto.data.aggregate import FindingCollector
from pueblaabierto.data.cells import ColumnChecks
from pueblaabierto.data.personal import AllowList

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "dataset_forms" / "ejemplos").rglob("*.csv"))


class Passes:
    """Counts the columnar passes that ran to the end (not given up for the row path)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        run = columnar.ColumnarPass.run

        def counted(pass_: columnar.ColumnarPass, *args: Any) -> None:
            run(pass_, *args)
            self.count += 1

        monkeypatch.setattr(columnar.ColumnarPass, "run", counted)


def both(path: Path, monkeypatch: pytest.MonkeyPatch, terms: dict[str, str] | None = None, **kw: Any):
    """The findings of the reference path and of the columnar path, as dictionaries."""
    if terms is None:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            terms = {name: f"Descripción de {name}" for name in next(csv.reader(handle), [])}
    results = []
    for engine in ("reference", "columnar"):
        monkeypatch.setattr(tabular, "ENGINE", engine)
        findings = validate_resource_file(path, formato="CSV", terms=terms, display_name=path.name, **kw)
        results.append([finding.to_dict() for finding in findings])
    return results[0], results[1]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_examples_give_the_same_report_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference, columnar_report = both(path, monkeypatch)
    assert columnar_report == reference


def test_the_examples_do_take_the_columnar_path(monkeypatch: pytest.MonkeyPatch) -> None:
    passes = Passes(monkeypatch)
    monkeypatch.setattr(tabular, "ENGINE", "columnar")
    for path in EXAMPLES:
        validate_resource_file(path, formato="CSV", terms={}, display_name=path.name)
    # Only a title above the table (header not on row 1) and a PDF named .csv use the row path.
    assert passes.count >= len(EXAMPLES) - 4


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "folio,fecha,colonia,monto,latitud,longitud,observaciones\n"
ROW = "{i},2024-03-{d:02d},Centro,{m}.50,19.04,-98.20,Atendida por cuadrilla {c}\n"


def _rows(start: int, count: int) -> str:
    return "".join(ROW.format(i=i, d=i % 28 + 1, m=100 + i, c=i % 7) for i in range(start, start + count))


CASES = {
    "blank-lines-in-the-middle-and-at-the-end": HEADER + _rows(0, 5) + "\n,,,,,,\n" + _rows(5, 5) + "\n\n",
    "notes-under-the-table": HEADER
    + _rows(0, 8)
    + "\nFuente: Secretaría de Servicios,,,,,,\nNota: cifras preliminares\n",
    "note-like-row-between-data-rows": HEADER + _rows(0, 3) + "Nota importante,,,,,,\n" + _rows(3, 3),
    "header-repeated-mid-table": HEADER + _rows(0, 4) + HEADER.upper().replace("FOLIO", " Folio ") + _rows(4, 4),
    "duplicate-rows": HEADER + _rows(0, 6) + _rows(2, 3) + _rows(0, 1),
    "line-breaks-and-quotes-inside-cells": HEADER
    + _rows(0, 3)
    + '7,2024-01-02,"La\nPaz",10.5,19.04,-98.20,"dijo ""ya"" en\r\nla calle 5 Sur 123 col. Centro"\n'
    + _rows(3, 3),
    "personal-data-of-every-kind": HEADER
    + _rows(0, 2)
    + "1,2024-01-02,Centro,1.5,19.04,-98.20,CURP GODE561231HPLRRN07 tel 222 123 4567\n"
    + "2,2024-01-02,Centro,1.5,19.04,-98.20,correo juan.perez@gmail.com RFC GODE561231AB1\n"
    + "3,2024-01-02,Centro,1.5,19.04,-98.20,vive en Calle 5 de Mayo 123 Col. La Paz\n"
    + "4,2024-01-02,Centro,1.5,19.04,-98.20,llamar al 2221234567 por la tarde\n",
    "bad-values-and-coordinates": HEADER
    + _rows(0, 30)
    + 'x1,31/12/2024,Centro,"$1,234.50",0,0,=HYPERLINK("http://x")\n'
    + "32,2024-02-30,Centro,abc,98.2,19.0,+cmd|' /C calc'!A0\n"
    + "33,45123,Centro,12 km,91,-200,Total\n"
    + "Total,,,1234,,,\n",
    "mexican-dates-and-12-hour-times": "tramite,fecha_registro,hora_atencion\n"
    + "".join(f"T{i},{d},{t}\n" for i, (d, t) in enumerate(
        [("15-ene-2024", "10:30 a.m."), ("31/01/24", "4:15 p. m."), ("2024/01/15", "12:00 PM"),
         ("15.01.2024", "9:05 am"), ("15 de enero de 2024", "10:30 a.m.")] * 3)),
    "semicolon-delimiter": HEADER.replace(",", ";") + _rows(0, 6).replace(",", ";"),
    "ragged-rows-use-the-row-path": HEADER + _rows(0, 3) + "1,2,3\n" + _rows(3, 2) + "1,2,3,4,5,6,7,8,9\n",
    "only-the-header": HEADER,
    "unterminated-quote": HEADER + _rows(0, 3) + '9,2024-01-01,"Centro,1,19,-98,x\n' + _rows(3, 2),
}


@pytest.mark.parametrize("name", list(CASES))
def test_corner_cases_give_the_same_report_both_ways(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = _write(tmp_path / f"{name}.csv", CASES[name])
    reference, columnar_report = both(path, monkeypatch)
    assert columnar_report == reference
    if name not in ("only-the-header", "ragged-rows-use-the-row-path", "unterminated-quote"):
        assert reference, "the case must produce findings to compare"


def test_bom_and_windows_1252_give_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADER + _rows(0, 5) + "6,2024-01-02,Santa María,1.5,19.04,-98.20,Ñandú 2024\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    latin = _write(tmp_path / "latin.csv", text, "cp1252")
    passes = Passes(monkeypatch)
    for path in (bom, latin):
        reference, columnar_report = both(path, monkeypatch)
        assert columnar_report == reference
    assert passes.count == 2


def _big(path: Path, rows: int, seed: int = 7) -> Path:
    """Rows whose problems change from chunk to chunk: mixed types decided per chunk, notes,
    duplicates of rows in earlier chunks, blank rows, personal data."""
    rnd = random.Random(seed)
    previous: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["folio", "fecha", "cantidad", "colonia", "telefono_contacto", "observaciones"])
        for i in range(rows):
            chunk = i // checks.CHUNK_ROWS
            quantity = str(rnd.randint(1, 999)) if chunk % 2 == 0 or rnd.random() < 0.6 else "sin dato"
            if i % 997 == 0:
                writer.writerow([])
                continue
            if i % 1009 == 0 and i:
                writer.writerow(previous)
                continue
            row = [
                str(1000 + i),
                f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}" if i % 301 else f"{i % 28 + 1}/03/2024",
                quantity,
                rnd.choice(["Centro", "La Paz", "Amor"]),
                f"222 {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}" if i % 4999 == 0 else "",
                rnd.choice(["", "Atendida", "Se requiere material", "1,022 asistentes"]),
            ]
            if i % 503 == 0:
                previous = row
            writer.writerow(row)
        writer.writerow(["Fuente: Dirección de Servicios", "", "", "", "", ""])
    return path


def test_many_chunks_give_the_same_report_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big(tmp_path / "grande.csv", 2 * checks.CHUNK_ROWS + 5_000)
    passes = Passes(monkeypatch)
    reference, columnar_report = both(path, monkeypatch)
    assert passes.count == 1
    assert columnar_report == reference
    assert {f["code"] for f in reference} >= {"fila-duplicada", "fila-vacia", "datos-personales-telefono"}


def test_the_row_limit_gives_the_same_report_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big(tmp_path / "limite.csv", 3_000)
    reference, columnar_report = both(path, monkeypatch, limits=Limits(max_rows=1_234))
    assert columnar_report == reference
    assert "notas-bajo-la-tabla" not in {f["code"] for f in reference}  # the rows after the limit are not read
    plain = tmp_path / "sin-vacias.csv"
    with plain.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(_stream(3_000))
    reference, columnar_report = both(plain, monkeypatch, limits=Limits(max_rows=1_234))
    assert columnar_report == reference
    assert "demasiadas-filas" in {f["code"] for f in reference}


def _stream(rows: int) -> Iterator[str]:
    rnd = random.Random(3)
    yield "folio,fecha,colonia,monto,observaciones\n"
    for i in range(rows):
        yield f"{i},2024-01-{i % 28 + 1:02d},{rnd.choice(['Centro', 'Amor'])},{rnd.randint(1, 9999)}.25,nota {i % 13}\n"


def test_memory_is_bounded_by_the_batch_not_by_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file 100 times the reader's batch: Arrow hands it over in batches of at most one
    block, chunks never exceed CHUNK_ROWS, and duplicate detection keeps 8 bytes per row."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 32 * 1024)
    path = tmp_path / "stream.csv"
    rows = 120_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(_stream(rows))
    size = path.stat().st_size
    assert size > 100 * columnar.BLOCK_BYTES

    from frictionless import fields
    from pueblaabierto.data.checks import DataChecks

    names = ["folio", "fecha", "colonia", "monto", "observaciones"]
    collector = FindingCollector("stream.csv")
    check = DataChecks.create(
        columns=ColumnChecks(collector=collector, fields=[fields.StringField(name=n) for n in names]),
        collector=collector,
        allow=AllowList(),
        terms=names,
        progress=None,
        typed_cells=False,
    )
    resource = tabular.open_resource(path, formato="CSV", encoding="utf-8")
    with resource:
        check.connect(resource)
        check.validate_start()
    batches, ragged = columnar.open_batches(
        path, encoding="utf-8", dialect=columnar.csv_dialect(path, "utf-8"), width=len(names), header_row=1
    )
    data_pass = columnar.ColumnarPass(check, width=len(names), first_number=2, max_rows=10**9)
    data_pass.run(batches, ragged)

    assert data_pass.rows_read == rows
    assert data_pass.peak_batch_rows <= columnar.BLOCK_BYTES // 20  # one block of lines of >= 20 bytes
    assert data_pass.peak_batch_rows < rows / 100
    assert data_pass.peak_chunk_rows <= checks.CHUNK_ROWS
    assert data_pass._seen.nbytes <= 8 * rows
    assert collector.findings() == []


def test_the_personal_data_corpus_scores_the_same_through_the_prefilters() -> None:
    from tests.pipeline.data.personal_corpus import evaluate, load

    rows = load()
    rows_path, columnar_path = evaluate(rows), evaluate(rows, columnar=True)
    assert columnar_path.mistakes == rows_path.mistakes
    assert (columnar_path.tp, columnar_path.fp, columnar_path.fn) == (rows_path.tp, rows_path.fp, rows_path.fn)
    assert columnar_path.precision() >= 0.97 and columnar_path.recall() >= 0.97


def test_a_chunk_whose_rows_all_repeat_earlier_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows repeated over many chunks (a batch adds no new key): a report, not an IndexError."""
    rows = ["Centro,10,2024-01-05", "La Paz,4,2024-02-10", "Agua Santa,7,2024-03-15"]
    lines = ["colonia,total,fecha"] + [rows[i % len(rows)] for i in range(2 * checks.CHUNK_ROWS + 5_000)]
    path = _write(tmp_path / "repetidas.csv", "\n".join(lines) + "\n")
    reference, columnar_report = both(path, monkeypatch)
    assert columnar_report == reference
    assert "fila-duplicada" in {f["code"] for f in columnar_report}
