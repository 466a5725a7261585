"""A labelled corpus for the personal-data scan, and its precision/recall.

Rebuild the committed corpus:  .venv/bin/python -m tests.pipeline.data.personal_corpus
(writes tests/pipeline/data/fixtures/datos_personales.csv: columna, valor, esperado, tipo).

Each line is one cell as agencies deliver it: the column's name, the value, the kind of
personal data a careful reviewer sees in it (empty = none) and the type the reader gives
the column (empty = text; ``integer`` for numeric cells, e.g. an XLSX column of NSS typed
as numbers, whose leading zero Excel dropped: 01234567890 is stored as 1234567890). Identifiers are invented but
built by the real rules (CURP with its vowel/consonant/state/date structure and check
digit; NSS with Luhn; phones in Mexican area codes); the negatives are what the issue saw
flagged or what looks like personal data in municipal files: CURP-shaped programme folios,
10-digit record numbers, amounts with units, coordinates, public addresses.

``evaluate`` runs the scanner on every cell and counts, per kind, true positives, false
positives and false negatives; ``benchmarks/validate/personal.py`` records the figures and
``test_personal_corpus.py`` asserts them as a floor.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("fixtures") / "datos_personales.csv"

_VOWELS = "AEIOU"
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
_STATES = "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE".split()


def _curp(rng: random.Random, good_digit: bool = True) -> str:
    from pueblaabierto.data.checkdigits import curp_check_digit

    year = rng.randint(1940, 2015)
    first = (
        rng.choice(_CONSONANTS)
        + rng.choice(_VOWELS)
        + rng.choice(_CONSONANTS + _VOWELS)
        + rng.choice(_CONSONANTS + _VOWELS)
        + f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + rng.choice("HM")
        + rng.choice(_STATES)
        + "".join(rng.choice(_CONSONANTS) for _ in range(3))
        + (str(rng.randint(0, 9)) if year < 2000 else rng.choice("ABCDEF"))
    )
    digit = curp_check_digit(first)
    if not good_digit:
        digit = str((int(digit) + rng.randint(1, 9)) % 10)
    return first + digit


def _folio_like_curp(rng: random.Random) -> str:
    """Programme folios in CURP shape (e.g. «BECA240115HPLABC07») that a CURP's rules rule out."""
    from pueblaabierto.data.checkdigits import curp_structure

    while True:
        prefix = rng.choice(["BECA", "APOY", "PROG", "SBDS", "DIFM", "MPAL", "OBRA", "LICC", "PRED", "SMDF"])
        value = (
            prefix
            + f"{rng.randint(20, 25):02d}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}"
            + rng.choice("HM")
            + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(5))
            + rng.choice("0123456789AB")
            + str(rng.randint(0, 9))
        )
        if not curp_structure(value):
            return value


def _nss(rng: random.Random, leading_zero: bool) -> str:
    from stdnum import luhn

    body = ("0" if leading_zero else str(rng.randint(1, 9))) + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return body + luhn.calc_check_digit(body)


def _phone(rng: random.Random) -> tuple[str, str]:
    area = rng.choice(["222", "221", "55", "33", "81", "238", "244", "248"])
    rest = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(area)))
    digits = area + rest
    forms = [
        f"{digits[:3]} {digits[3:6]} {digits[6:]}",
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        digits,
        f"+52 {digits[:3]} {digits[3:6]} {digits[6:]}",
        f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}",
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
    ]
    return digits, rng.choice(forms)


_PHONE_SENTENCES = [
    "Llamar al {p} por la tarde",
    "La solicitante dejó su número {p} para seguimiento",
    "comunicarse al {p} con la señora Martínez",
    "Reporta fuga de agua; contacto {p}",
    "Vecino pide poda del árbol, marcar al {p} antes de las 14 h",
    "Se le notificó vía telefónica al {p}",
    "Su número es {p}",
    "Cualquier duda al {p} o en la oficina",
]
_FIRST = ["Juan", "María", "José", "Guadalupe", "Rosa", "Luis", "Ana", "Pedro", "Carmen", "Jorge"]
_STREETS = [
    "Calle 5 de Mayo {n}",
    "Av. Juárez No. {n}",
    "Privada Las Flores #{n}",
    "Cerrada de Hidalgo {n}-B",
    "Blvd. Valsequillo {n}",
    "Calle Morelos núm. {n}",
    "Andador 3 {n}",
]
_PUEBLA_STREETS = ["14 Sur {n}", "3 Poniente {n}", "25 Oriente {n}", "11 Norte {n}", "31 Pte. {n}"]
_COLONIAS = ["Col. Centro", "Col. La Paz", "Col. Azcárate", "Fracc. Los Pinos", "Col. San Manuel", "U.H. Infonavit"]
_PUBLIC_PLACES = [
    ("ubicacion", "Av. Reforma 126, Col. Centro"),
    ("sede", "Calle 3 Oriente 201, Col. Centro Histórico"),
    ("ubicacion_obra", "Blvd. Atlixco 3501, Col. Belisario Domínguez"),
    ("mercado", "Mercado 5 de Mayo, 16 de Septiembre y 3 Poniente"),
    ("oficina", "14 Sur 2505, Col. Azcárate (oficina de atención)"),
]
_NEGATIVE_TEXTS = [
    ("actividad", "1,022 asistentes al evento"),
    ("participantes", "2,598 participantes"),
    ("monto", "$1,234,567.89"),
    ("monto", "4,500,000.00 MXN"),
    ("descripcion", "Bacheo en 14 Sur entre 11 y 13 Poniente"),
    ("descripcion", "Mercado 5 de Mayo"),
    ("descripcion", "Calle sin pavimentar en la colonia"),
    ("colonia", "Colonia Centro"),
    ("coordenadas", "19.0433, -98.2019"),
    ("latitud", "19.04356712"),
    ("longitud", "-98.2063451"),
    ("fecha", "2024-01-31"),
    ("fecha", "31/01/2024"),
    ("contrato", "OP-2024-0012"),
    ("oficio", "SIS/2221/2024"),
    ("observaciones", "Periodo 2023-2024, meta 1500 luminarias"),
    ("observaciones", "Se atendieron 2,598 participantes en 2024 y 3,120 en 2023"),
    ("observaciones", "Obra concluida al 100% el 15 de marzo de 2024"),
    ("correo", "atencion@pueblacapital.gob.mx"),
    ("correo", "contacto@sep.gob.mx"),
    ("rfc", "MPU850101AB1"),
    ("clave_catastral", "0123456789"),
    ("presupuesto", "12500000"),
    ("telefono_oficina", ""),
    ("nota", "Fuente: Secretaría de Infraestructura, 2024"),
]


# Harder cells, written as found in real deliveries; some are beyond the scanner's rules
# (kept so the figures say so).
_HARD = [
    ("observaciones", "Tel: 01 222 123 4567 (lada anterior)", "telefono"),
    ("observaciones", "Reforma 1234 Col. Centro, a un costado del parque", "domicilio"),
    ("observaciones", "Vive en Privada 7 A Sur 3512 interior 4, Col. Gabriel Pastor", "domicilio"),
    ("domicilio_particular", "Calle 5 de Mayo entre 2 y 4 Poniente", "domicilio"),
    ("domicilio", "Domicilio conocido", ""),
    ("observaciones", "Licitación LPN-2221234567 declarada desierta", ""),
    ("observaciones", "Pago de 2,221,234,567 pesos en tres ministraciones", ""),
    ("observaciones", "Recibido el 22/01/2024 a las 10:30", ""),
    ("observaciones", "Km 5.5 Carretera Federal Puebla-Tlaxcala", ""),
    ("nombre_programa", "Programa 2024 Mujeres Emprendedoras, 1,500 apoyos", ""),
    ("observaciones", "Contacto del solicitante: 222-555-0143 ext 12", "telefono"),
    ("curp", "gomr800101hplnrs09", "curp_probable"),
    ("clave_elector", "GMVLMR80070501M100", "ine"),
    ("rfc_proveedor", "MEJA8506153K2", "rfc"),
]


Row = tuple[str, str, str, str]  # columna, valor, esperado, tipo


def build(seed: int = 317) -> list[Row]:
    return [(column, value, expected, "") for column, value, expected in _text_cells(seed)] + _numeric_cells(seed)


def _numeric_cells(seed: int) -> list[Row]:
    """Cells of numeric columns (XLSX number cells, type ``integer``): NSS typed as numbers
    (the leading zero of most NSS is lost) among record numbers and amounts that are not."""
    rng = random.Random(seed + 1)
    rows: list[Row] = []
    for i in range(16):
        value = _nss(rng, leading_zero=i % 4 != 3)
        rows.append((rng.choice(["nss", "numero_seguridad_social", "nss_trabajador"]), str(int(value)), "nss",
                     "integer"))
    for _ in range(8):
        rows.append(("folio", str(rng.randint(1_000_000_000, 9_999_999_999)), "", "integer"))
    for _ in range(4):
        rows.append(("presupuesto", str(rng.randint(100_000, 99_999_999)), "", "integer"))
    for _ in range(4):
        rows.append(("clave_catastral", str(rng.randint(10_000_000_000, 99_999_999_999)), "", "integer"))
    return rows


def _text_cells(seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    for i in range(30):
        curp = _curp(rng)
        column, value = rng.choice(
            [
                ("curp", curp),
                ("curp_beneficiario", curp.lower() if i % 7 == 0 else curp),
                ("observaciones", f"Beneficiario con CURP {curp} registrado en padrón"),
                ("datos", f"{rng.choice(_FIRST)} / {curp}"),
            ]
        )
        rows.append((column, value, "curp"))
    for _ in range(12):
        rows.append((rng.choice(["curp", "observaciones"]), _curp(rng, good_digit=False), "curp_probable"))
    for _ in range(30):
        rows.append((rng.choice(["folio", "folio_apoyo", "clave", "observaciones"]), _folio_like_curp(rng), ""))
    for _ in range(24):
        _, shown = _phone(rng)
        rows.append(("observaciones", rng.choice(_PHONE_SENTENCES).format(p=shown), "telefono"))
    for _ in range(6):
        _, shown = _phone(rng)
        rows.append(("telefono_contacto", shown, "telefono"))
    for _ in range(20):
        number = f"{rng.randint(2020, 2025)}{rng.randint(0, 999999):06d}"
        context = rng.choice(["folio", "expediente", "oficio", "contrato", "cuenta predial", "ticket"])
        rows.append(("observaciones", f"Atendido con {context} {number}", ""))
        rows.append(("folio", number, ""))
    for i in range(10):
        value = _nss(rng, leading_zero=True)
        rows.append(("nss", value.lstrip("0") if i % 2 else value, "nss"))
    for _ in range(5):
        rows.append(("numero_seguridad_social", _nss(rng, leading_zero=False), "nss"))
    for _ in range(12):
        street = rng.choice(_STREETS + _PUEBLA_STREETS).format(n=rng.randint(1, 4999))
        rows.append(("domicilio", street, "domicilio"))
    for _ in range(12):
        street = rng.choice(_STREETS + _PUEBLA_STREETS).format(n=rng.randint(1, 4999))
        rows.append(
            (rng.choice(["direccion", "observaciones"]), f"{street}, {rng.choice(_COLONIAS)}, Puebla", "domicilio")
        )
    for column, value in _PUBLIC_PLACES:
        rows.append((column, value, ""))
    for column, value in _NEGATIVE_TEXTS:
        if value:
            rows.append((column, value, ""))
    rows.extend(_HARD)
    for name in _FIRST[:6]:
        user = f"{name.lower()}.{rng.randint(10, 99)}"
        rows.append(
            ("correo_solicitante", f"{user}@{rng.choice(['gmail.com', 'hotmail.com', 'yahoo.com.mx'])}", "correo")
        )
    return rows


def write(path: Path = CORPUS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["columna", "valor", "esperado", "tipo"])
        writer.writerows(build())


def load(path: Path = CORPUS) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["columna"], r["valor"], r["esperado"], r["tipo"]) for r in csv.DictReader(handle)]


@dataclass
class Score:
    tp: Counter[str]
    fp: Counter[str]
    fn: Counter[str]
    mistakes: list[tuple[str, str, str, str]]  # column, value, expected, found

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def precision(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fp = self.fp[kind] if kind else sum(self.fp.values())
        return self._ratio(tp, tp + fp)

    def recall(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fn = self.fn[kind] if kind else sum(self.fn.values())
        return self._ratio(tp, tp + fn)


def evaluate(rows: list[Row] | None = None, *, columnar: bool = False, tipo: str | None = None) -> Score:
    """``columnar``: scan each cell as the columnar pass does (Arrow prefilters, columnar.py);
    ``tipo``: score only the cells of that type ("" text, "integer" numeric cells)."""
    from pueblaabierto.data.personal import AllowList, ColumnPolicy, scan_text

    allow = AllowList()
    score = Score(Counter(), Counter(), Counter(), [])
    for column, value, expected, cell_type in rows if rows is not None else load():
        if tipo is not None and cell_type != tipo:
            continue
        field_type = cell_type or "string"
        view = None
        if columnar:
            from pueblaabierto.data.columnar import ColumnView, _strings

            view = ColumnView(_strings([value]), field_type)
        found = {hit.kind for hit in scan_text(value, ColumnPolicy.for_column(column), allow, field_type, view)}
        if expected and expected in found:
            score.tp[expected] += 1
        elif expected:
            score.fn[expected] += 1
        for kind in found - {expected}:
            score.fp[kind] += 1
        if found != ({expected} if expected else set()):
            score.mistakes.append((column, value, expected, ",".join(sorted(found))))
    return score


if __name__ == "__main__":
    write()
    print(f"Corpus escrito en {CORPUS}")
