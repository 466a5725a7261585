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

from pueblaabierto.findings import Finding

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
        block = first
        while block:
            try:
                decoder.decode(block, final=False)
            except UnicodeDecodeError as exc:
                row = newlines + block.count(b"\n", 0, exc.start) + 1
                return _not_utf8(first, block[max(0, exc.start - 40) : exc.start + 40], row, display_name)
            newlines += block.count(b"\n")
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
    finding = Finding(
        code="codificacion-no-utf8",
        message=(
            f"«{display_name}» no está guardado en UTF-8 (parece {label}); el primer carácter no válido está "
            f"en la fila {row}" + (f": «{shown}»." if shown else ".") + " Los acentos y la ñ se verán mal en el portal."
        ),
        suggestion=UTF8_FIX,
        file=display_name,
        row=row,
    )
    return EncodingResult(encoding, finding)
