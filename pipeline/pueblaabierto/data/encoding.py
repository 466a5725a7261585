"""Is a text data file UTF-8? If not, which encoding is it, and where is the first bad byte?

The national guide requires UTF-8. Frictionless guesses the encoding from the first few
kilobytes only, so a Latin-1 "ñ" on row 500,000 would either be read as garbage or stop
the validation half-way. One incremental decode of the whole file (C speed, constant
memory) finds the first offending row; charset detection then names the real encoding so
the rest of the checks can still read the file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from pueblaabierto.findings import Finding, Severity

BLOCK = 1 << 20
UTF8_FIX = "Guarde el archivo como CSV UTF-8 (en Excel: Guardar como > CSV UTF-8)."


@dataclass(frozen=True)
class EncodingResult:
    encoding: str  # what to read the file with
    finding: Finding | None  # codificacion-no-utf8, when it is not UTF-8


def check_utf8(path: Path, display_name: str) -> EncodingResult:
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    with path.open("rb") as handle:
        first = handle.read(BLOCK)
        bom = first.startswith(codecs.BOM_UTF8)
        # Rows end in "\n" (Windows "\r\n", Unix "\n") or, in files from classic Mac OS and
        # some old exporters, in a lone "\r": count what the file uses.
        eol = b"\r" if b"\n" not in first and b"\r" in first else b"\n"
        block = first
        while block:
            try:
                decoder.decode(block, final=False)
            except UnicodeDecodeError as exc:
                row = newlines + block.count(eol, 0, exc.start) + 1
                return _not_utf8(first, block[max(0, exc.start - 40) : exc.start + 40], row, display_name)
            newlines += block.count(eol)
            block = handle.read(BLOCK)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _not_utf8(first, b"", newlines + 1, display_name)
    return EncodingResult("utf-8-sig" if bom else "utf-8", None)


def _not_utf8(sample: bytes, context: bytes, row: int, display_name: str) -> EncodingResult:
    best = from_bytes(sample + context).best()
    guessed = (best.encoding if best else None) or "cp1252"
    if guessed.startswith(("utf_16", "utf_32")):
        encoding, label = guessed, guessed.upper().replace("_", "-")
    else:
        # Any 8-bit guess on Mexican data is in practice what Excel writes on Spanish
        # Windows ("CSV (delimitado por comas)"): Windows-1252, a superset of Latin-1's
        # printable characters. Detectors often name a sibling code page on short samples.
        encoding, label = "cp1252", "Windows-1252 / Latin-1 (ANSI)"
        try:
            (sample + context).decode("cp1252")
        except UnicodeDecodeError:
            encoding = "latin-1"
    snippet = context.decode(encoding, errors="replace").strip().splitlines()
    shown = max(snippet, key=len)[:60] if snippet else ""
    if encoding.startswith(("utf_16", "utf_32")):
        # Every character is two or four bytes: the whole file, not one row, is in another encoding.
        message = (
            f"«{display_name}» está guardado en {label} (como el «Texto Unicode» de Excel o Export-Csv de "
            "PowerShell), no en UTF-8: todo el archivo se verá ilegible en el portal y en otros programas."
        )
    else:
        message = (
            f"«{display_name}» no está guardado en UTF-8 (parece {label}); el primer carácter no válido está "
            f"en la fila {row}" + (f": «{shown}»." if shown else ".") + " Los acentos y la ñ se verán mal en el portal."
        )
    finding = Finding(
        code="codificacion-no-utf8",
        message=message,
        suggestion=UTF8_FIX,
        file=display_name,
        row=row,
    )
    return EncodingResult(encoding, finding)


def check_line_ends(path: Path, display_name: str) -> Finding | None:
    """A warning for rows ended by a lone "\r" (classic Mac OS, Excel's «CSV (Macintosh)»):
    the validator reads them, but many programs and loaders see the whole file as one line."""
    with path.open("rb") as handle:
        first = handle.read(BLOCK)
    if b"\n" in first or b"\r" not in first.rstrip(b"\r"):
        return None
    return Finding(
        code="fin-de-linea-mac",
        severity=Severity.WARNING,
        message=(
            f"«{display_name}» separa las filas solo con «CR» (formato de Mac clásico, «CSV (Macintosh)» de Excel): "
            "muchos programas lo leerán como una sola fila."
        ),
        suggestion=UTF8_FIX + " Ese formato usa los saltos de línea de Windows.",
        file=display_name,
    )
