"""What a file really is, judged by its bytes, and whether its container is safe to open.

A file's name says nothing: a PDF renamed «.csv» used to be read as a Windows-1252 CSV
with a column called «%PDF-1.4», and an XLSX with macros passed because it was named
«.xlsx». ``sniff`` reads the first bytes (and, for zip containers, the member names in the
central directory, never their contents) to name the real type; ``inspect_container``
refuses, before any parser runs, what must never be opened:

* zip bombs: the uncompressed size declared by the zip's central directory, in total and
  as a ratio to the compressed size, against ``Limits``. Python's ``zipfile`` never
  inflates a member past its declared size, so a lying directory cannot get round it;
* macros in any Office file: ``vbaProject.bin`` in OOXML (whatever the extension: an
  .xlsm renamed .xlsx keeps it), the ``_VBA_PROJECT`` stream of an OLE2 .xls, and
  ``Basic/`` or ``Scripts/`` in an ODF document;
* encrypted zip members (they cannot be checked).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pueblaabierto.data.limits import DEFAULT_LIMITS, MB, Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_VBA_OLE = "_VBA_PROJECT".encode("utf-16-le")


@dataclass(frozen=True)
class Content:
    kind: str  # see _LABELS
    members: tuple[str, ...] = ()  # zip member names, when a zip container

    @property
    def label(self) -> str:
        return _LABELS.get(self.kind, "un archivo binario")


_LABELS = {
    "empty": "un archivo vacío",
    "pdf": "un documento PDF",
    "html": "una página web (HTML)",
    "png": "una imagen PNG",
    "jpeg": "una imagen JPEG",
    "gif": "una imagen GIF",
    "tiff": "una imagen TIFF",
    "webp": "una imagen WebP",
    "bmp": "una imagen BMP",
    "xlsx": "un libro de Excel (.xlsx)",
    "docx": "un documento de Word (.docx)",
    "pptx": "una presentación de PowerPoint (.pptx)",
    "ooxml": "un documento de Office (OOXML)",
    "ods": "una hoja de cálculo de LibreOffice (.ods)",
    "odt": "un documento de texto de LibreOffice (.odt)",
    "odf": "un documento de LibreOffice (ODF)",
    "kmz": "un archivo KMZ",
    "shp-zip": "un Shapefile comprimido en .zip",
    "zip": "un archivo comprimido .zip",
    "ole": "un archivo de Office 97-2003 (.xls/.doc) o protegido con contraseña",
    "rar": "un archivo comprimido RAR",
    "7z": "un archivo comprimido 7-Zip",
    "gzip": "un archivo comprimido gzip",
    "shp": "la parte .shp de un Shapefile (sin sus otros archivos)",
    "dbf": "una tabla DBF (parte de un Shapefile)",
    "json": "un archivo JSON",
    "xml": "un archivo XML",
    "kml": "un archivo KML",
    "text": "un archivo de texto",
    "binary": "un archivo binario",
}

_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (OLE_MAGIC, "ole"),
    (_SHP_MAGIC, "shp"),
)
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.text": "odt",
}
_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def sniff(path: Path) -> Content:
    """The real type of ``path`` from its bytes."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        return Content("empty")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return Content(kind)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Content("webp")
    if head[:2] == b"BM" and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return Content("bmp")
    if head[0] in (0x03, 0x83, 0x8B, 0xF5, 0x30) and len(head) > 32 and head[29:32] in (b"\x00\x00\x00",):
        return Content("dbf")
    return Content(_sniff_text(head))


def _sniff_text(head: bytes) -> str:
    if head.count(b"\x00") > len(head) // 10 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if _HTML.match(text):
        return "html"
    lowered = text[:2048].lower()
    if text.startswith(b"<"):
        return "kml" if b"<kml" in lowered else "xml"
    if text.startswith((b"{", b"[")):
        return "json"
    return "text"


def _sniff_zip(path: Path) -> Content:
    try:
        with zipfile.ZipFile(path) as archive:
            names = tuple(archive.namelist())
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError, RuntimeError):
        return Content("zip")
    lowered = [n.lower() for n in names]
    if "[content_types].xml" in lowered:
        if any(n.startswith("xl/") for n in lowered):
            return Content("xlsx", names)
        if any(n.startswith("word/") for n in lowered):
            return Content("docx", names)
        if any(n.startswith("ppt/") for n in lowered):
            return Content("pptx", names)
        return Content("ooxml", names)
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return Content(_ODF_MIMETYPES.get(mimetype, "odf"), names)
    if any(n.endswith(".shp") for n in lowered):
        return Content("shp-zip", names)
    if any(n.endswith(".kml") for n in lowered):
        return Content("kmz", names)
    return Content("zip", names)


# What content each Formato may hold (the formats of schemas/vocabularios.yaml).
EXPECTED: dict[str, frozenset[str]] = {
    "CSV": frozenset({"text"}),
    "XLSX": frozenset({"xlsx"}),
    "XLS": frozenset({"ole"}),
    "ODS": frozenset({"ods"}),
    "JSON": frozenset({"json"}),
    "GEOJSON": frozenset({"json"}),
    "KML": frozenset({"kml", "xml", "kmz"}),
    "SHP": frozenset({"shp-zip"}),
    "XML": frozenset({"xml", "kml"}),
    "RSS": frozenset({"xml"}),
    "RDF": frozenset({"xml", "text", "json"}),
    "PX": frozenset({"text"}),
}


@dataclass(frozen=True)
class Refusal:
    """Why a file must not be opened: code, Spanish message and fix."""

    code: str
    message: str
    suggestion: str


MACRO_FIX = (
    "Abra el archivo en Excel o LibreOffice, elimine las macros y guárdelo como «Libro de Excel (.xlsx)» "
    "(no .xlsm); para datos, de preferencia como CSV UTF-8. Un archivo con macros puede ejecutar código en la "
    "computadora de quien lo abre: no se publica ni se procesa."
)


def inspect_container(path: Path, content: Content, name: str, limits: Limits = DEFAULT_LIMITS) -> Refusal | None:
    """A reason to refuse ``path`` before parsing it, or None when it is safe to open."""
    if content.kind == "ole":
        return _ole_macros(path, name)
    if not content.members and content.kind != "zip":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # the format's reader reports the damaged file
    lowered = [info.filename.lower() for info in infos]
    if any(n.endswith("vbaproject.bin") for n in lowered) or any(
        n.startswith(("basic/", "scripts/")) and not n.endswith("/") for n in lowered
    ):
        return Refusal(
            "archivo-con-macros",
            f"«{name}» contiene macros (código VBA o Basic), aunque su nombre no lo indique.",
            MACRO_FIX,
        )
    if any(info.flag_bits & 0x1 for info in infos):
        return Refusal(
            "archivo-protegido",
            f"«{name}» tiene partes cifradas con contraseña: no se puede revisar.",
            "Quite la contraseña y vuelva a guardar el archivo.",
        )
    total = sum(info.file_size for info in infos)
    packed = max(sum(info.compress_size for info in infos), 1)
    if total > limits.max_uncompressed_bytes or total / packed > limits.max_compression_ratio:
        return Refusal(
            "archivo-demasiado-comprimido",
            f"«{name}» se descomprime a {total / MB:,.0f} MB desde {packed / MB:,.1f} MB (razón {total / packed:,.0f} "
            f"a 1); el máximo es {limits.max_uncompressed_mb:,} MB y una razón de {limits.max_compression_ratio} a 1. "
            "Un archivo así suele estar inflado a propósito (bomba zip) o tener hojas enormes vacías o repetidas.",
            "Elimine las hojas, filas y columnas vacías o que no sean datos y guarde de nuevo; si los datos son "
            "realmente tan grandes, divídalos en varios Recursos o entréguelos como CSV.",
        )
    return None


def _ole_macros(path: Path, name: str) -> Refusal | None:
    """An OLE2 file (.xls/.doc) with a VBA project stream: its name in the directory is UTF-16."""
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(MB):
            if _VBA_OLE in tail + block:
                return Refusal(
                    "archivo-con-macros",
                    f"«{name}» contiene macros (código VBA), aunque su nombre no lo indique.",
                    MACRO_FIX,
                )
            tail = block[-len(_VBA_OLE) :]
    return None


def too_big(path: Path, name: str, max_bytes: int) -> Refusal | None:
    size = path.stat().st_size
    if size <= max_bytes:
        return None
    return Refusal(
        "archivo-demasiado-grande",
        f"«{name}» pesa {size / MB:,.1f} MB; el máximo que se revisa es {max_bytes / MB:,.0f} MB.",
        "Divida los datos en varios Recursos (por ejemplo, uno por año) o entréguelos como CSV UTF-8, que pesa menos.",
    )
