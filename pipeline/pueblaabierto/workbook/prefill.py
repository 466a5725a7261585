"""Write a FORM.317 workbook pre-filled with what the portal holds: the «Actualización» form.

An enlace who must update a published dataset downloads it from the portal, changes what
changed and delivers it again; ``pueblaabierto validar`` finds nothing to fix in it and
``pueblaabierto publicar`` with the same files writes nothing (same FORM.317 IDs, same values).

A pure function of CKAN dicts (``organization_show`` and ``package_show`` as the portal returns
them), so the portal's download and any command line use the same writer. The workbook is the
template itself (pueblaabierto.workbook.template: sheets, drop-downs, input help, Instructivo)
with rows added. Which CKAN key goes to which sheet and column comes from the registry
(schemas/dataset.yaml, schemas/dependencia.yaml through pueblaabierto.workbook.spec), the
reverse of what publish/mapping.py does; nothing here lists fields.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from pueblaabierto.publish.mapping import DERIVED_KEY, flatten
from pueblaabierto.schemas import rules
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.template import DATE_FORMAT, build_template, dropdown_text

__all__ = ["prefill", "prefilled_bytes", "write_prefilled"]

Record = dict[str, Any]

# `publicar` stores a logo as «logo-<first 16 hex of its SHA-256>.<ext>» (publish/mapping.py,
# OrgSpec.logo_upload_name); CKAN puts a timestamp before it. The workbook names that file, so
# delivering the same logo again is recognised as unchanged.
_LOGO_NAME = re.compile(r"logo-[0-9a-f]{16}\.[A-Za-z0-9]+$")

NOTE_CELL = "A3"


def prefill(organization: Record, datasets: Iterable[Record]) -> Workbook:
    """The FORM.317 of ``organization`` and ``datasets`` (package_show dicts with resources).

    One Dependencia row, one Dataset row per dataset, its Recurso rows (GeoJSON copies that
    ``publicar`` derives from a SHP or KML are left out: it makes them again) and its
    Diccionario de Datos rows.
    """
    workbook = build_template()
    org = flatten(organization)
    org.setdefault("image_url", "")
    org["image_url"] = logo_file_name(org.get("image_url"))
    rows: dict[str, list[Record]] = {sheet.key: [] for sheet in spec.DATA_SHEETS}
    rows[spec.DEPENDENCIA.key].append(org)
    for package in datasets:
        pkg = flatten(package)
        if "tag_string" not in pkg:
            pkg["tag_string"] = ", ".join(_tag_names(pkg.get("tags")))
        parents = {spec.DEPENDENCIA.key: org, spec.DATASET.key: pkg}
        rows[spec.DATASET.key].append(_related(pkg, spec.DATASET, parents))
        for resource in pkg.get("resources") or []:
            if resource.get(DERIVED_KEY):
                continue
            record = dict(resource)
            record["nombre_archivo"] = record.get("nombre_archivo") or _url_file_name(record.get("url"))
            rows[spec.RECURSO.key].append(_related(record, spec.RECURSO, parents))
        for entry in _entries(pkg.get("diccionario")):
            rows[spec.DICCIONARIO.key].append(_related(entry, spec.DICCIONARIO, parents))
    for sheet in spec.DATA_SHEETS:
        _write_rows(workbook[sheet.name], sheet, rows[sheet.key])
    title = organization.get("title") or organization.get("name") or ""
    workbook[spec.INSTRUCTIVO_NAME][NOTE_CELL] = (
        f"Formato de actualización prellenado con los datos del portal de «{title}». Cambie solo lo que deba "
        "actualizarse y entréguelo con el logotipo y los archivos de datos (los mismos si no cambiaron)."
    )
    return workbook


def write_prefilled(path: Path, organization: Record, datasets: Iterable[Record]) -> Path:
    prefill(organization, datasets).save(path)
    return path


def prefilled_bytes(organization: Record, datasets: Iterable[Record]) -> bytes:
    """The pre-filled workbook as .xlsx bytes (what the portal sends)."""
    buffer = io.BytesIO()
    prefill(organization, datasets).save(buffer)
    return buffer.getvalue()


def logo_file_name(image_url: Any) -> str:
    """The logo's file name as the enlace delivers it, from the organization's ``image_url``."""
    text = str(image_url or "").strip()
    if not text:
        return ""
    name = _url_file_name(text)
    found = _LOGO_NAME.search(name)
    return found.group(0) if found else name


def _url_file_name(url: Any) -> str:
    text = str(url or "").strip()
    if not text:
        return ""
    parsed = urlparse(text)
    if parsed.scheme in ("http", "https") and not parsed.path.strip("/"):
        return text
    return PurePosixPath(parsed.path or text).name or text


def _tag_names(tags: Any) -> list[str]:
    return [str(t.get("name") if isinstance(t, dict) else t) for t in tags or [] if t]


def _entries(value: Any) -> list[Record]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [dict(entry) for entry in value or [] if isinstance(entry, dict)] if isinstance(value, list) else []


def _related(record: Record, sheet: spec.SheetSpec, parents: dict[str, Record]) -> Record:
    """``record`` plus its sheet's relation columns (the IDs it ``refers_to`` in its parents)."""
    out = dict(record)
    for field in sheet.fields:
        if field.level == "relation" and field.refers_to:
            parent_sheet, parent_key = field.refers_to.split(".", 1)
            out[field.key] = (parents.get(parent_sheet) or {}).get(parent_key)
    return out


def _write_rows(ws: Worksheet, sheet: spec.SheetSpec, records: list[Record]) -> None:
    for row, record in enumerate(records, start=2):
        for field in sheet.fields:
            value = cell_value(field, record.get(field.key))
            if value is None:
                continue
            cell = ws.cell(row=row, column=column_index_from_string(field.column or "A"), value=value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str) and value.startswith("="):
                # Metadata is text, never a formula Excel would run when the enlace opens the file.
                cell.data_type = "s"


def cell_value(field: spec.FieldSpec, value: Any) -> Any:
    """What an enlace would have typed in ``field``'s cell for the stored ``value`` (None: blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    # Control characters cannot be stored in a workbook (openpyxl refuses them): never typed anyway.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).strip()
    if not text:
        return None
    if field.kind is spec.Kind.DATE:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return text
    if field.kind is spec.Kind.ID:
        normalized = rules.normalize_id(text)
        return int(normalized) if normalized.isascii() and normalized.isdigit() else text
    if field.kind is spec.Kind.VOCABULARY and field.vocabulary:
        term = rules.vocabulary_term(field.vocabulary, text)
        return dropdown_text(field.vocabulary, term) if term is not None else text
    return text
