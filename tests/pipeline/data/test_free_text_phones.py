"""Phones in free text are still found now that libphonenumber runs only on the lines that
can hold one (personal.could_hold_phone) and the columnar pass narrows the lines with RE2
(columnar "personal" view): same phones as libphonenumber on every line, same report on
both paths, at chunk and batch boundaries too (issue 17, item 2)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pueblaabierto.data import checks, columnar, personal
from pueblaabierto.data.personal import free_text_phones

from .test_columnar import Passes, both

# Sentences a municipal export really has: separators, +52, lada, old prefixes, foreign numbers.
WITH_PHONES = [
    ("Favor de llamar al 222 123 4567 para dar seguimiento.", ["222 123 4567"]),
    ("Ciudadana pide que le marquen al 222-123-4567 después de las 5", ["222-123-4567"]),
    ("Su número es (222) 123 4567, con lada de Puebla", ["(222) 123 4567"]),
    ("Contacto por WhatsApp al +52 1 222 123 4567 hoy", ["+52 1 222 123 4567"]),
    ("Contacto por WhatsApp al +52 222 123 4567 hoy", ["+52 222 123 4567"]),
    ("reporta desde el 2221234567 sin más datos", ["2221234567"]),
    ("marcar al 55.1234.5678 (oficina de su hijo)", ["55.1234.5678"]),
    ("llamar a su hermano en EUA al 00 1 212 555 1234 o al 001 212-555-1234", ["212 555 1234", "212-555-1234"]),
    ("número de contacto 222 123 4567 ext. 12, preguntar por Luis", ["222 123 4567"]),
    ("marcar con lada 01 222 123 4567 en la mañana", ["222 123 4567"]),
    ("llamar al 222 1234567 por la tarde", ["222 1234567"]),
    ("llamar a 222.123.45.67 mañana", ["222.123.45.67"]),
]
WITHOUT_PHONES = [
    "No. Folio SAC-2024-0012345",
    "ya van 3 reportes sin respuesta (folios anteriores SAC-2023-0992532).",
    "Licitación pública 2024-0000123 y contrato 2023-0004567",
    "Reportado el 2024-03-15 10:30:00 por segunda vez",
]


@pytest.mark.parametrize(("line", "phones"), WITH_PHONES)
def test_phones_in_free_text_are_found(line: str, phones: list[str]) -> None:
    policy = personal.ColumnPolicy.for_column("Descripción del reporte")
    hits = personal.scan_text(line, policy, personal.AllowList())
    assert [hit.value for hit in hits if hit.kind == "telefono"] == phones
    assert free_text_phones(line) == personal._libphonenumber_phones(line)


@pytest.mark.parametrize("line", WITHOUT_PHONES)
def test_folios_and_dates_skip_libphonenumber(line: str) -> None:
    assert not personal.could_hold_phone(line)
    assert personal._libphonenumber_phones(line) == []


_PIECES = [
    "222", "123", "4567", "55", "1234", "5678", "+52", "52", "1", "044", "00", "09", "001", "+1", " ", "-", ".",
    "(", ")", "/", "x", "ext", " ext. ", "int", "anexo", "SAC-", "folio ", "tel ", "llamar al ", "2024",
    "0000123", "200", "201", "81", "33", "800", "900", "١٢٣", "２２２", "#", "~", "　", "ー", ":", "30", "a",
    "calle ", ",", "12:45", "15/03/2024", "00 1 ", "0044 ", "00 44 20 ", "212", "555", "7946", "0958", "09 1 ",
]  # fmt: skip


def _lines(count: int, seed: int) -> list[str]:
    """Lines mixing digits, separators, prefixes, extension words and folios."""
    rnd = random.Random(seed)
    lines = []
    for i in range(count):
        if i % 2:
            lines.append("".join(rnd.choice(_PIECES) for _ in range(rnd.randint(3, 18))))
            continue
        out = []
        for digit in (rnd.choice("0123456789") for _ in range(rnd.randint(8, 14))):
            out.append(digit)
            if rnd.random() < 0.3:
                out.append(rnd.choice([" ", "-", ".", "/", "  ", "x"]))
        head = rnd.choice(["", "Tel ", "folio ", "+", "(", "SAC-", "llamar ", "00", "001 ", "0044", "09"])
        lines.append(head + "".join(out) + rnd.choice(["", " ext 12", "abc", " por favor", ":30"]))
    return lines


def test_the_gate_gives_exactly_what_libphonenumber_gives() -> None:
    lines = _lines(6000, seed=17)
    skipped = with_phone = 0
    for line in lines:
        expected = personal._libphonenumber_phones(line)
        assert free_text_phones(line) == expected, line
        skipped += not personal.could_hold_phone(line)
        with_phone += bool(expected)
    assert with_phone > 200 and skipped > 500  # the lines do test both sides


def test_the_re2_prefilter_keeps_every_line_the_gate_keeps() -> None:
    lines = [*_lines(6000, seed=18), *(line for line, _ in WITH_PHONES), *WITHOUT_PHONES]
    kept = columnar.could_hold_phone_mask(pa.array(lines)).tolist()
    for line, in_re2 in zip(lines, kept, strict=True):
        if personal.could_hold_phone(line):
            assert in_re2, line
    assert kept.count(False) > 500  # and it does narrow
    # The MX windows in RE2 accept exactly the numbers libphonenumber's metadata accepts.
    rnd = random.Random(5)
    numbers = [str(rnd.randint(10**9, 10**10 - 1)) for _ in range(20_000)]
    in_re2 = pc.match_substring_regex(pa.array(numbers), f"^(?:{columnar.mx_window_re2()})$").to_pylist()
    assert in_re2 == [bool(personal._mx_valid().fullmatch(n)) for n in numbers]


SUFFIXES = [
    " Favor de llamar al 222 987 6543 por la tarde.",
    " Llamar al 222 123 4567.",
    " Tel. +52 (222) 345-6789",
    " cel 22 21 23 45 67",
    " marcar con lada 01 222 123 4567",
]


def test_phones_at_chunk_and_batch_boundaries_same_report_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 072-shaped file: every row has a folio and a description, phones in descriptions
    right before, at and after the chunk and batch boundaries; both paths report them all."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 64 * 1024)
    rows = 2 * checks.CHUNK_ROWS + 300
    phone_rows = {0, 1, 999, checks.CHUNK_ROWS - 1, checks.CHUNK_ROWS, checks.CHUNK_ROWS + 1, 2 * checks.CHUNK_ROWS}
    phone_rows |= {i for i in range(0, rows, 1777)}  # falls on the 64 KB batch edges at various offsets
    path = tmp_path / "sac072.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["No. Folio", "Descripción del reporte", "Estatus"])
        for i in range(rows):
            text = f"Bache frente al número {i % 4999}, folios anteriores SAC-2023-{i * 37 % 999999:07d}."
            if i in phone_rows:
                text += SUFFIXES[i % len(SUFFIXES)]
            writer.writerow([f"SAC-2024-{i + 1:07d}", text, "Atendido"])
    passes = Passes(monkeypatch)
    reference, columnar_report = both(path, monkeypatch)
    assert passes.count == 1
    assert columnar_report == reference
    phones = [f for f in reference if f["code"] == "datos-personales-telefono"]
    assert len(phones) == 1
    assert phones[0]["count"] == len(phone_rows)
    assert set(phones[0]["rows"]) <= {i + 2 for i in phone_rows}


def test_generated_free_text_same_report_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated lines as a description column (and as a column named for phones):
    the columnar pass, with its RE2 narrowing, reports what the row path reports."""
    lines = _lines(3000, seed=19)
    path = tmp_path / "texto.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Descripción del reporte", "Teléfono de contacto", "Estatus"])
        for i, line in enumerate(lines):
            writer.writerow([f"Reporte {i}: {line}", lines[-1 - i], "Atendido"])
    reference, columnar_report = both(path, monkeypatch)
    assert columnar_report == reference
    phones = {f["column"]: f["count"] for f in reference if f["code"] == "datos-personales-telefono"}
    assert phones["Descripción del reporte"] > 100 and phones["Teléfono de contacto"] > 100


ADDRESSES = [
    "Vive en Calle 5 de Mayo 123 Col. Centro, pide visita",
    "domicilio: Av. Juárez 2345 colonia La Paz",
    "Privada Las Flores #12, Fracc. Los Pinos",
    "14 Sur 3702 U.H. San Bartolo, frente al parque",
    "Blvd. Norte 88 Infonavit Amalucan",
    "Camino Real 5 junta auxiliar San Pablo",
    "Calle Tlaxcala 45 Residencial La Margarita",
]


def test_addresses_in_free_text_same_report_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The columnar pass reads only lines with a colonia word for addresses outside columns
    named for a person's address: every address with its colonia is still reported."""
    path = tmp_path / "domicilios.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Descripción del reporte", "Estatus"])
        for i in range(checks.CHUNK_ROWS + 500):
            text = ADDRESSES[i % len(ADDRESSES)] if i % 97 == 0 else f"Bache en Av. Reforma {i % 4999}, ya reportado"
            writer.writerow([text, "Atendido"])
    reference, columnar_report = both(path, monkeypatch)
    assert columnar_report == reference
    addresses = [f for f in reference if f["code"] == "datos-personales-domicilio"]
    assert addresses and addresses[0]["count"] == len(range(0, checks.CHUNK_ROWS + 500, 97))
