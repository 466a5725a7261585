"""Where the table really starts, found the way a person finds it.

Agencies deliver tables as they print them: a title block (agency, programme, year)
over the header, a group row over the column names, blank lines in between. Taking row 1
as the header turned the title into a «column» and every real name into a bad value (one
delivery gave 24 findings for 5 real problems). ``detect_layout`` looks at the first rows
and picks the header row:

1. the row that names the most Diccionario de Datos terms (2 at least);
2. otherwise the first row of texts only (no numbers, no dates) that is about as wide as
   the table and has a non-blank row under it.

Rows above it are a title block (one finding, ``titulo-sobre-la-tabla``) or, when the row
right above holds several texts over the same columns, a group row: then the header spans
two rows (``varias-filas-encabezado``). Either way the table is validated from the real
header down, and the rows above are reported once instead of cascading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pueblaabierto.findings import Finding
from pueblaabierto.schemas.vocabularies import fold

SCAN_ROWS = 30

_NUMERIC_OR_DATE = re.compile(
    r"[-+$]?\s*[\d.,]+\s*%?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T][\d:.]+)?|\d+(?:[.,]\d+)?\s+\w+.*"
)


@dataclass
class Layout:
    header_row: int = 1  # 1-based row of the column names
    title_rows: list[int] = field(default_factory=list)
    group_row: int | None = None  # the row above the names when the header spans two rows
    findings: list[Finding] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return self.header_row != 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_label(text: str) -> bool:
    return bool(text) and not _NUMERIC_OR_DATE.fullmatch(text)


def detect_layout(rows: Iterable[list[Any]], terms: Iterable[str], display_name: str) -> Layout:
    """The layout of a table from its first rows (cells as read, row 1 first)."""
    grid = [[_text(c) for c in row] for row in rows][:SCAN_ROWS]
    layout = Layout()
    if not grid:
        return layout
    folded_terms = {fold(t) for t in terms}
    filled = [[c for c in row if c] for row in grid]
    width = max((len(f) for f in filled), default=0)
    if width < 2:
        return layout

    def named(index: int) -> int:
        return len({fold(c) for c in filled[index]} & folded_terms)

    header = None
    best = max(range(len(grid)), key=lambda i: (named(i), -i))
    if named(best) >= 2:
        header = best
    elif len(filled[0]) >= 0.6 * width:
        # Row 1 is as wide as the table: it is the header even if some names look like
        # numbers (years as columns); a title block is narrower than the table.
        return layout
    else:
        for index, cells in enumerate(filled):
            below = filled[index + 1] if index + 1 < len(filled) else []
            if (
                len(cells) >= max(2, 0.6 * width)
                and all(_is_label(c) for c in cells)
                and len(set(cells)) >= 0.8 * len(cells)
                and len(below) >= 0.5 * len(cells)
            ):
                header = index
                break
    if header is None or header == 0:
        return layout
    layout.header_row = header + 1
    above = [i for i in range(header) if filled[i]]
    names = filled[header]
    if above and above[-1] == header - 1 and _is_group_row(grid[header - 1], grid[header]):
        layout.group_row = header
        above = above[:-1]
        layout.findings.append(
            Finding(
                code="varias-filas-encabezado",
                message=(
                    f"El encabezado de «{display_name}» ocupa dos filas: la fila {header} agrupa columnas "
                    f"(«{' | '.join(filled[header - 1][:4])}») y la fila {header + 1} tiene los nombres "
                    f"(«{' | '.join(names[:6])}»). Se revisaron los datos tomando la fila {header + 1} como "
                    "encabezado."
                ),
                suggestion=(
                    "Deje una sola fila de encabezado (la fila 1) con un nombre por columna, igual al Término del "
                    "Diccionario de Datos; si el grupo importa, inclúyalo en cada nombre (por ejemplo "
                    "«ubicacion_latitud») y elimine la fila de grupo."
                ),
                file=display_name,
                row=header + 1,
            )
        )
    if not above and layout.group_row is None:
        layout.findings.append(
            Finding(
                code="encabezado-no-en-fila-1",
                message=(
                    f"La tabla de «{display_name}» no empieza en la fila 1: "
                    + ("la fila 1 está vacía" if header == 1 else f"las filas 1 a {header} están vacías")
                    + f" y el encabezado está en la fila {header + 1}. Se revisaron los datos a partir de esa fila."
                ),
                suggestion=f"Borre las filas vacías de arriba (1 a {header}) para que la fila 1 sea el encabezado.",
                file=display_name,
                row=1,
            )
        )
    if above:
        layout.title_rows = [i + 1 for i in above]
        title = " / ".join(" ".join(filled[i]) for i in above[:3])[:120]
        rows_text = f"fila {above[0] + 1}" if len(above) == 1 else f"filas {above[0] + 1} a {above[-1] + 1}"
        layout.findings.append(
            Finding(
                code="titulo-sobre-la-tabla",
                message=(
                    f"«{display_name}» tiene un título encima de la tabla ({rows_text}: «{title}»); el encabezado "
                    f"está en la fila {header + 1}. Se revisaron los datos a partir de esa fila."
                ),
                suggestion=(
                    f"Borre las filas 1 a {header} para que la fila 1 sea el encabezado con el nombre de cada "
                    "columna. El título y las notas van en el Nombre y la Descripción del Recurso en el FORM.317, "
                    "no en el archivo de datos."
                ),
                file=display_name,
                row=above[0] + 1,
            )
        )
    return layout


def _is_group_row(group: list[str], names: list[str]) -> bool:
    """Several texts over the columns of the names row, leaving gaps (merged-looking)."""
    texts = [(i, c) for i, c in enumerate(group) if c]
    if len(texts) < 2 and not (texts and texts[0][0] > 0):
        return False
    if not all(_is_label(c) for _, c in texts):
        return False
    named = [i for i, c in enumerate(names) if c]
    gaps = sum(1 for i in named if i >= len(group) or not group[i])
    return gaps > 0 and all(i < len(names) for i, _ in texts)
