"""Non-tabular, non-spatial formats (JSON, XML, RSS, RDF, PX): readable and well-formed only.

Their content has no common structure to validate further; what breaks publication is a
file that does not parse (truncated export, wrong encoding, HTML error page saved as
.json), so that is what is checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from pueblaabierto.findings import Finding

_XML = {"XML", "RSS", "RDF"}


def check_wellformed(path: Path, *, formato: str, display_name: str) -> list[Finding]:
    formato = formato.strip().upper()
    suffix = path.suffix.lower()
    try:
        if formato == "JSON" or suffix in (".json", ".jsonld"):
            with path.open("rb") as handle:
                json.load(handle)
        elif formato in _XML or suffix in (".xml", ".rss", ".rdf"):
            # Streaming parse: constant memory; expat (>= 2.4) refuses entity-expansion bombs.
            for _ in iterparse(path, events=("end",)):  # noqa: S314
                pass
        elif formato == "PX" or suffix == ".px":
            return _check_px(path, display_name)
        else:
            path.read_bytes()[:1]  # at least readable
    except UnicodeDecodeError as exc:
        return [_finding("codificacion-no-utf8", display_name, f"no está en UTF-8 ({exc.reason})", _UTF8)]
    except (json.JSONDecodeError, ValueError) as exc:
        where = f"línea {exc.lineno}, columna {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        return [_finding("archivo-mal-formado", display_name, f"no es JSON válido ({where})", _RESAVE, row=_line(exc))]
    except ParseError as exc:
        line, column = exc.position
        return [
            _finding(
                "archivo-mal-formado",
                display_name,
                f"no es XML válido (línea {line}, columna {column})",
                _RESAVE,
                row=line,
            )
        ]
    except OSError as exc:
        return [_finding("archivo-ilegible", display_name, f"no se pudo leer ({exc.strerror or exc})", _RESAVE)]
    return []


def _check_px(path: Path, display_name: str) -> list[Finding]:
    """PC-Axis: a text file of KEYWORD=value; entries whose DATA= keyword holds the cube."""
    text = path.read_bytes().decode("latin-1")  # PX declares its own CODEPAGE; keywords are ASCII
    if "DATA=" not in text.upper() or "STUB=" not in text.upper() and "HEADING=" not in text.upper():
        return [
            _finding(
                "archivo-mal-formado",
                display_name,
                "no es un archivo PC-Axis (faltan DATA=, STUB= o HEADING=)",
                _RESAVE,
            )
        ]
    return []


_UTF8 = "Guarde el archivo con codificación UTF-8."
_RESAVE = (
    "Exporte el archivo de nuevo desde el sistema de origen y ábralo para comprobar que está completo; "
    "si el problema sigue, consulte al Enlace Técnico."
)


def _line(exc: Exception) -> int | None:
    return getattr(exc, "lineno", None)


def _finding(code: str, display_name: str, problem: str, suggestion: str, row: int | None = None) -> Finding:
    place = f" (línea {row})" if row else ""
    return Finding(
        code=code,
        message=f"«{display_name}» {problem}{place if row and 'línea' not in problem else ''}.",
        suggestion=suggestion,
        file=display_name,
        row=row,
    )
