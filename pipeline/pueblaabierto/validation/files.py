"""Checks that the files the workbook names were delivered and are what it says they are."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits
from pueblaabierto.errors import UnusableInput
from pueblaabierto.findings import Finding
from pueblaabierto.schemas import vocabularies
from pueblaabierto.validation.metadata import at
from pueblaabierto.validation.suggest import closest_name
from pueblaabierto.workbook.model import Recurso, Row, Submission

# Resources published as a link, not as a delivered file.
REMOTE_PREFIXES = ("http://", "https://", "ftp://")


@dataclass
class FileCheck:
    findings: list[Finding] = field(default_factory=list)
    # Resources whose file was found and matches its Formato: ready for the data checks.
    resources: list[tuple[Recurso, Path]] = field(default_factory=list)


def check_files(submission: Submission, data_dir: Path) -> FileCheck:
    result = FileCheck()
    for dependencia in submission.dependencias:
        if dependencia.image_url:
            result.findings += _check_logo(dependencia, data_dir)
    for recurso in submission.recursos:
        if not recurso.nombre_archivo or recurso.nombre_archivo.lower().startswith(REMOTE_PREFIXES):
            continue
        path, findings = locate(recurso, "nombre_archivo", recurso.nombre_archivo, data_dir, what="archivo de datos")
        result.findings += findings
        if path is None:
            continue
        mismatch = list(_extension(recurso, path))
        result.findings += mismatch
        if not mismatch:
            result.resources.append((recurso, path))
    return result


def locate(record: Row, key: str, name: str, data_dir: Path, *, what: str) -> tuple[Path | None, list[Finding]]:
    """Find ``name`` in ``data_dir``, forgiving case; report near misses by name."""
    candidate = (data_dir / name).resolve()
    if data_dir.resolve() not in candidate.parents:
        return None, [
            at(
                record,
                key,
                "archivo-no-encontrado",
                f"«{name}» apunta fuera de la carpeta de entrega.",
                "Escriba solo el nombre del archivo y póngalo en la misma carpeta que el formato.",
            )
        ]
    if candidate.is_file():
        return candidate, []
    folder = candidate.parent
    try:
        siblings = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    except OSError:  # an unreadable folder only costs us the near-miss suggestion
        siblings = []
    same_but_case = [s for s in siblings if s.lower() == candidate.name.lower()]
    if same_but_case:
        actual = same_but_case[0]
        return folder / actual, [
            at(
                record,
                key,
                "archivo-nombre-distinto",
                f"El {what} se llama «{actual}», no «{name}» (cambian mayúsculas y minúsculas).",
                f"Escriba el nombre exactamente como el archivo: «{actual}». El portal distingue mayúsculas.",
                warning=True,
            )
        ]
    near = closest_name(candidate.name, siblings)
    hint = f"¿Quiso decir «{near}»? " if near else ""
    return None, [
        at(
            record,
            key,
            "archivo-no-encontrado",
            f"No se encontró el {what} «{name}» en la carpeta «{data_dir}».",
            f"{hint}Entregue el archivo junto con el formato y escriba su nombre exacto, con extensión.",
        )
    ]


def _extension(recurso: Recurso, path: Path) -> Iterator[Finding]:
    term = vocabularies.load().get("formatos", recurso.format or "")
    if term is None:
        return  # an invalid Formato is reported by the vocabulary check
    accepted = [e.lower() for e in term.extra.get("extensiones", [])]
    if accepted and path.suffix.lower() not in accepted:
        yield at(
            recurso,
            "format",
            "extension-no-coincide",
            f"El archivo «{path.name}» tiene extensión {path.suffix or '(ninguna)'}, pero el Formato dice {term.value} "
            f"(se espera {' o '.join(accepted)}).",
            "Corrija el Formato para que corresponda al archivo, o entregue el archivo en el formato indicado.",
        )


# Signatures of the image types a logo may come in, for when Pillow cannot decide (SVG).
_SVG_MARKERS = (b"<svg", b"<?xml")


def _check_logo(record: Row, data_dir: Path) -> list[Finding]:
    name = record.raw.get("image_url")
    path, findings = locate(record, "image_url", str(name), data_dir, what="logotipo")
    if path is None or is_image(path):
        return findings
    return [
        *findings,
        at(
            record,
            "image_url",
            "logo-no-imagen",
            f"El logotipo «{path.name}» no es una imagen que se pueda abrir.",
            "Entregue el logo oficial como imagen PNG, JPG o SVG (exportada, no renombrada).",
        ),
    ]


def is_image(path: Path) -> bool:
    """Whether the bytes of ``path`` are really an image, whatever its extension says."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.verify()
    except Exception:  # Pillow raises many types for damaged or foreign files
        return _is_svg(path)
    return True


def _is_svg(path: Path) -> bool:
    try:
        head = path.read_bytes()[:512].lstrip().lower()
    except OSError:
        return False
    return head.startswith(_SVG_MARKERS) and b"<svg" in head


_FORM_CONTENT = {".xlsx": ("xlsx", "ole"), ".ods": ("ods",)}


def check_form_file(workbook: Path, limits: Limits = DEFAULT_LIMITS) -> list[Finding]:
    """Judge the FORM.317 workbook by its bytes before any reader opens it.

    Raises UnusableInput (exit 2, nothing else is checked) for a workbook that is too
    big, a zip bomb, has macros, or is another kind of file renamed .xlsx/.ods; returns
    the findings about formula cells (a DDE formula is an error, see data/formulas.py)."""
    from pueblaabierto.data.content import inspect_container, sniff, too_big

    if not workbook.is_file():
        return []  # the reader says it is missing, in its own words
    name = workbook.name
    try:
        refusal = too_big(workbook, name, limits.max_form_bytes)
        content = sniff(workbook)
    except OSError:
        return []  # the reader reports the unreadable file
    expected = _FORM_CONTENT.get(workbook.suffix.lower())
    if refusal is None and expected and content.kind not in expected and content.kind != "empty":
        raise UnusableInput(
            "formato-no-admitido",
            f"El formulario «{name}» es en realidad {content.label}, no un libro {workbook.suffix.lower()} "
            "(se revisó su contenido, no su nombre).",
            "Descargue una plantilla nueva con: pueblaabierto plantilla FORMATO.xlsx, llénela y guárdela como "
            "«Libro de Excel (.xlsx)».",
            file=name,
        )
    refusal = refusal or inspect_container(workbook, content, name, limits)
    if refusal is not None:
        raise UnusableInput(
            refusal.code, refusal.message.replace("«", "El formulario «", 1), refusal.suggestion, file=name
        )
    if content.kind != "xlsx":
        return []
    from pueblaabierto.data.formulas import check_formulas
    from pueblaabierto.data.headers import xlsx_sheets

    try:
        sheets = xlsx_sheets(workbook)
    except Exception:  # noqa: BLE001 - a damaged workbook is reported by the reader
        return []
    # Only what is dangerous: ordinary formulas and error values of the form are its own business.
    return [f for f in check_formulas(workbook, name, sheets) if f.code == "formula-peligrosa"]
