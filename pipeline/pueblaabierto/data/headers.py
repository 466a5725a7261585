"""Header checks that Frictionless does not do: the data dictionary and merged cells.

* Every column must be described in the Diccionario de Datos and every term there must
  be a column (names compared with ``fold``: case, accents, "_" vs " " do not matter).
* Spreadsheets must not merge cells (national guide); merged header cells are the usual
  way a two-row "grouped" header is drawn, and they break every tool that reads the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from pueblaabierto.findings import Finding, Severity
from pueblaabierto.schemas.vocabularies import fold


def check_dictionary(
    labels: Sequence[str], terms: dict[str, str], display_name: str, *, header_row: int = 1
) -> list[Finding]:
    findings: list[Finding] = []
    if not terms:
        # A dataset without any dictionary rows is reported once by the metadata checks
        # (dataset-sin-diccionario); one finding per column here would only repeat it.
        return findings
    folded_terms = {fold(term): term for term in terms}
    folded_labels = {fold(label): label for label in labels if str(label).strip()}
    for position, label in enumerate(labels, start=1):
        if str(label).strip() and fold(label) not in folded_terms:
            findings.append(
                Finding(
                    code="columna-sin-diccionario",
                    message=(
                        f'La columna "{label}" (columna {position}) de «{display_name}» no está descrita en el '
                        "Diccionario de Datos del conjunto."
                    ),
                    suggestion=(
                        f"Agregue en la pestaña «Diccionario de Datos» una fila con el Término «{label}» y su "
                        "Descripción, o corrija el nombre de la columna para que coincida con el Término."
                    ),
                    file=display_name,
                    column=str(label),
                    row=header_row,
                )
            )
    for key, term in folded_terms.items():
        if key not in folded_labels:
            findings.append(
                Finding(
                    code="termino-sin-columna",
                    message=(
                        f"El Término «{term}» del Diccionario de Datos no es una columna de «{display_name}» "
                        f"(no aparece en la fila {header_row}, la del encabezado)."
                    ),
                    suggestion=(
                        "Corrija el Término para que sea igual al nombre de la columna del archivo, o quítelo del "
                        "Diccionario de Datos si la columna ya no existe."
                    ),
                    file=display_name,
                    column=term,
                )
            )
    return findings


# --- merged cells (xlsx) ----------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def xlsx_sheets(path: Path) -> list[tuple[str, str]]:
    """(sheet name, part path inside the zip), in workbook order. Reads two small XML
    parts instead of loading the workbook (openpyxl's merged_cells needs a full load)."""
    # Two tiny parts of the user's file; expat (>= 2.4) refuses entity-expansion bombs.
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS)}
    sheets = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        sheets.append((sheet.get("name", ""), part))
    return sheets


def check_xlsx_layout(path: Path, display_name: str, header_rows: int = 1, first_row: int = 1) -> list[Finding]:
    """Merged cells of the first sheet (the one validated) and extra sheets. Merges that
    start above ``first_row`` belong to a title block, reported on its own."""
    try:
        sheets = xlsx_sheets(path)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []  # unreadable workbooks are reported by the Frictionless pass
    if not sheets:
        return []
    findings: list[Finding] = []
    name, part = sheets[0]
    header: list[str] = []
    body: list[str] = []
    first_body_row = None
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        tail = b""
        # mergeCells sit after the sheet data: stream the part instead of parsing it.
        while block := stream.read(1 << 20):
            data = tail + block
            for match in _MERGE.finditer(data):
                start_col, start_row = match.group(1).decode(), int(match.group(2))
                end = f"{match.group(3).decode()}{match.group(4).decode()}" if match.group(3) else ""
                ref = f"{start_col}{start_row}" + (f":{end}" if end else "")
                if start_row < first_row:
                    continue
                if start_row <= header_rows:
                    header.append(ref)
                else:
                    body.append(ref)
                    first_body_row = first_body_row or start_row
            tail = data[-200:]
    header, body = list(dict.fromkeys(header)), list(dict.fromkeys(body))
    if header:
        findings.append(
            Finding(
                code="celdas-combinadas-encabezado",
                message=(
                    f"El encabezado de «{display_name}» (hoja «{name}») tiene celdas combinadas: "
                    f"{', '.join(header[:10])}."
                ),
                suggestion=(
                    "Separe las celdas combinadas (Inicio > Combinar y centrar > Separar celdas) y escriba un nombre "
                    "en cada columna de la fila 1; si agrupaban columnas, incluya el grupo en cada nombre "
                    "(por ejemplo «ubicacion_latitud», «ubicacion_longitud»)."
                ),
                file=display_name,
                row=1,
            )
        )
    if body:
        findings.append(
            Finding(
                code="celdas-combinadas",
                message=(
                    f"«{display_name}» (hoja «{name}») tiene {len(body)} rango(s) de celdas combinadas en los datos: "
                    f"{', '.join(body[:10])}."
                ),
                suggestion=(
                    "Separe las celdas combinadas y repita el valor en cada fila: en datos abiertos cada fila "
                    "debe estar completa por sí misma."
                ),
                file=display_name,
                row=first_body_row,
            )
        )
    if len(sheets) > 1:
        others = ", ".join(f"«{n}»" for n, _ in sheets[1:6])
        findings.append(
            Finding(
                code="varias-hojas",
                message=(
                    f"«{display_name}» tiene {len(sheets)} hojas; solo se valida y publica la primera («{name}»). "
                    f"Las demás ({others}) se ignoran."
                ),
                suggestion=(
                    "Envíe una tabla por archivo: guarde cada hoja como un archivo aparte (de preferencia CSV UTF-8) "
                    "y regístrelo como otro Recurso."
                ),
                severity=Severity.WARNING,
                file=display_name,
            )
        )
    return findings
