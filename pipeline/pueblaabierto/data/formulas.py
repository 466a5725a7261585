"""Formula and error cells of an XLSX, found in the sheet XML without loading the workbook.

Readers (openpyxl, Frictionless) hand over the last value Excel cached for a formula, so
a published file silently carries ``=HYPERLINK(...)`` or a DDE call such as
``=cmd|' /C calc'!A0`` that runs a program when a citizen opens the file, and ``#REF!``
cells look like text. The sheet part is streamed in blocks; only blocks that contain a
formula (``<f``) or an error cell (``t="e"``) are parsed with a regex, so a data sheet
without any costs one ``bytes.find`` per megabyte.

Severity: DDE and calls that reach outside the file (external workbooks, WEBSERVICE,
CALL/REGISTER) are errors, as are error values; HYPERLINK and ordinary formulas are
warnings (the cached value is what gets published, which is usually what was meant).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pueblaabierto.findings import Finding, Severity

_CELL = re.compile(rb'<c\s[^>]*?r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)", re.DOTALL)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_DDE = re.compile(r"^[=+\-@]?\s*'?[A-Za-z0-9_.]+'?\|", re.IGNORECASE)
_DANGEROUS = re.compile(r"\b(?:WEBSERVICE|FILTERXML|CALL|REGISTER(?:\.ID)?|EXEC|RTD)\s*\(|\[\d+\]", re.IGNORECASE)
_HYPERLINK = re.compile(r"\bHYPERLINK\s*\(", re.IGNORECASE)
MAX_SHOWN = 5


@dataclass
class _Kind:
    cells: list[str] = field(default_factory=list)
    count: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, cell: str, sample: str) -> None:
        self.count += 1
        if len(self.cells) < MAX_SHOWN:
            self.cells.append(cell)
        if sample and len(self.samples) < 2 and sample not in self.samples:
            self.samples.append(sample[:80])


def _cells(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, int, bytes, bytes]]:
    """(column letters, row, attributes, inner XML) of formula and error cells of one sheet part."""
    tail = b""
    with archive.open(part) as stream:
        while True:
            block = stream.read(1 << 20)
            data = tail + block
            if not block:
                usable = data
            else:
                # Keep the last (maybe cut) cell for the next block.
                cut = data.rfind(b"<c ")
                usable, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                if len(tail) > 1 << 22:  # a single cell cannot be this large: drop it
                    tail = b""
            if b"<f" in usable or b't="e"' in usable:
                for match in _CELL.finditer(usable):
                    inner = match.group(4) or b""
                    if b"<f" in inner or b't="e"' in match.group(3):
                        yield match.group(1).decode(), int(match.group(2)), match.group(3), inner
            if not block:
                return


def check_formulas(path: Path, display_name: str, sheets: list[tuple[str, str]] | None = None) -> list[Finding]:
    """Findings about formula/error cells of ``sheets`` ((name, part) pairs; default: the first sheet)."""
    from pueblaabierto.data.headers import xlsx_sheets

    try:
        sheets = sheets if sheets is not None else xlsx_sheets(path)[:1]
        kinds: dict[str, dict[str, _Kind]] = {}
        with zipfile.ZipFile(path) as archive:
            for sheet, part in sheets:
                per = kinds.setdefault(sheet, {})
                for column, row, attributes, inner in _cells(archive, part):
                    ref = f"{sheet}!{column}{row}"
                    formula_match = _FORMULA.search(inner)
                    formula = (
                        html.unescape((formula_match.group(1) or b"").decode("utf-8", "replace"))
                        if formula_match
                        else ""
                    )
                    if b't="e"' in attributes:
                        value = _VALUE.search(inner)
                        shown = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#¿?"
                        per.setdefault("error", _Kind()).add(ref, shown)
                    if formula_match is None:
                        continue
                    if _DDE.search(formula) or _DANGEROUS.search(formula):
                        per.setdefault("peligrosa", _Kind()).add(ref, "=" + formula)
                    elif _HYPERLINK.search(formula):
                        per.setdefault("hipervinculo", _Kind()).add(ref, "=" + formula)
                    else:
                        per.setdefault("formula", _Kind()).add(ref, "=" + formula if formula else "")
    except (KeyError, zipfile.BadZipFile, OSError):
        return []  # a damaged workbook is reported by its reader
    findings = []
    for per in kinds.values():
        for kind, found in per.items():
            findings.append(_finding(kind, found, display_name))
    return findings


def _finding(kind: str, found: _Kind, display_name: str) -> Finding:
    cells = ", ".join(found.cells) + (
        f" (y {found.count - len(found.cells):,} más)" if found.count > len(found.cells) else ""
    )
    samples = ", ".join(f"«{s}»" for s in found.samples)
    row = int(re.sub(r"^.*![A-Z]+", "", found.cells[0])) if found.cells else None
    if kind == "peligrosa":
        return Finding(
            code="formula-peligrosa",
            message=(
                f"«{display_name}» tiene {found.count:,} fórmula(s) que ejecutan programas o leen datos de fuera del "
                f"archivo (DDE, otros libros, servicios web) en {cells}: {samples}."
            ),
            suggestion=(
                "Borre esas fórmulas y escriba en su lugar el valor que deben mostrar (Copiar > Pegado especial > "
                "Valores). Quien abra un archivo así puede ejecutar un programa sin saberlo."
            ),
            file=display_name,
            row=row,
            count=found.count,
            sample=samples or None,
        )
    if kind == "error":
        return Finding(
            code="celda-con-error",
            message=f"«{display_name}» tiene {found.count:,} celda(s) con un error de fórmula en {cells}: {samples}.",
            suggestion=(
                "Corrija la fórmula (por ejemplo, una referencia #REF! a filas o una hoja borradas) o escriba el "
                "valor correcto; un error no es un dato."
            ),
            file=display_name,
            row=row,
            count=found.count,
            sample=samples or None,
        )
    if kind == "hipervinculo":
        return Finding(
            code="formula-hipervinculo",
            message=f"«{display_name}» tiene {found.count:,} fórmula(s) HIPERVINCULO en {cells}: {samples}.",
            suggestion="Escriba la dirección web como texto (https://...) en lugar de la fórmula.",
            severity=Severity.WARNING,
            file=display_name,
            row=row,
            count=found.count,
            sample=samples or None,
        )
    return Finding(
        code="formula-en-celda",
        message=(
            f"«{display_name}» tiene {found.count:,} celda(s) con fórmula en {cells}"
            + (f": {samples}" if samples else "")
            + ". Se publicará el último valor que Excel calculó."
        ),
        suggestion="Convierta las fórmulas en valores (Copiar > Pegado especial > Valores) antes de entregar.",
        severity=Severity.WARNING,
        file=display_name,
        row=row,
        count=found.count,
        sample=samples or None,
    )
