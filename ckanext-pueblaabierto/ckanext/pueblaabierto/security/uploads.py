"""Refuse an upload whose content does not match its declared format (magic bytes).

The portal serves uploads back from its own origin; headers.py keeps active types from
running, and this check keeps a file from passing for another kind: an HTML page declared
as JSON or CSV, a script declared as an image, an executable as an Excel workbook. It runs
on resource uploads (``upload``) and on organization, group and user images
(``image_upload``), for every caller, sysadmins included.
"""

from __future__ import annotations

import os
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ..translate import _

HEAD_BYTES = 4096
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
IMAGES = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPG": (b"\xff\xd8\xff",),
    "JPEG": (b"\xff\xd8\xff",),
    "GIF": (b"GIF87a", b"GIF89a"),
    "WEBP": (b"RIFF",),
}
BINARY = {
    **IMAGES,
    "XLSX": ZIP, "DOCX": ZIP, "PPTX": ZIP, "ODS": ZIP, "ODT": ZIP, "ZIP": ZIP, "KMZ": ZIP,
    "SHP": (*ZIP, b"\x00\x00\x27\x0a"),
    "XLS": OLE, "DOC": OLE,
    "PDF": (b"%PDF-",),
}
# Text formats, and what their first non-blank character may be ("" = anything but markup).
TEXT = {"CSV": "", "TSV": "", "TXT": "", "JSON": "{[", "GEOJSON": "{", "XML": "<", "KML": "<", "GML": "<",
        "RDF": "<", "GPX": "<"}
# Starts of an HTML/SVG/script document: never acceptable in a format that is not markup.
MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<?xml", b"<!--")
ACTIVE_ROOTS = (b"<html", b"<svg", b"<!doctype html", b"<script", b"<body", b"<iframe")
ACTIVE_MARKUP = (b"<html", b"<script", b"<svg", b"<iframe", b"<body", b"<!doctype html", b"javascript:")


def _root(text: bytes) -> bytes:
    """The document from its root element: without XML prolog, comments or DOCTYPE (but HTML's)."""
    return re.sub(rb"^(\s*(<\?xml[^>]*\?>|<!--.*?-->|<!doctype (?!html)[^>]*>))*\s*", b"", text, flags=re.S)


def _declared(data_dict: dict[str, Any], upload: Any) -> str:
    declared = str(data_dict.get("format") or "").strip().upper().lstrip(".")
    if declared:
        return declared
    filename = getattr(upload, "filename", "") or ""
    return os.path.splitext(filename)[1].upper().lstrip(".")


def _head(upload: Any) -> bytes | None:
    stream = getattr(upload, "stream", None) or upload
    if not hasattr(stream, "read") or not hasattr(stream, "seek"):
        return None
    position = stream.tell() if hasattr(stream, "tell") else 0
    head = stream.read(HEAD_BYTES)
    stream.seek(position)
    return head if isinstance(head, bytes) else None


def mismatch(declared: str, head: bytes) -> str | None:
    """A Spanish reason when ``head`` is not a ``declared`` file; None when it fits."""
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if declared in BINARY:
        if not head.startswith(BINARY[declared]):
            return _("El contenido del archivo no corresponde al formato {format} declarado.").format(format=declared)
        if declared == "WEBP" and head[8:12] != b"WEBP":
            return _("El contenido del archivo no corresponde al formato {format} declarado.").format(format=declared)
        return None
    if declared in TEXT:
        if b"\x00" in head:
            return _("El archivo declarado como {format} contiene datos binarios, no texto.").format(format=declared)
        allowed = TEXT[declared]
        if not allowed and lowered.startswith(MARKUP):
            return _("El archivo declarado como {format} es en realidad una página HTML o XML.").format(
                format=declared)
        if allowed and lowered and chr(lowered[0]) not in allowed:
            return _("El contenido del archivo no corresponde al formato {format} declarado.").format(format=declared)
        if allowed == "<" and _root(lowered).startswith(ACTIVE_ROOTS):
            return _("El archivo declarado como {format} contiene HTML, SVG o código ejecutable.").format(
                format=declared)
        return None
    # Other declared formats are kept (and served as attachments, headers.py), unless they
    # are an HTML page or script pretending to be something else.
    if declared not in ("HTML", "HTM", "SVG", "JS") and any(marker in lowered[:512] for marker in ACTIVE_MARKUP):
        return _("El archivo declarado como {format} es en realidad una página HTML, SVG o código ejecutable.").format(
            format=declared or _("(sin formato)"))
    return None


def check_upload(data_dict: dict[str, Any], field: str, image: bool = False) -> None:
    upload = data_dict.get(field)
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", None):
        return
    head = _head(upload)
    if head is None:
        return
    if image:
        if not any(head.startswith(sig) for sigs in IMAGES.values() for sig in sigs):
            raise tk.ValidationError(
                {field: [_("La imagen debe ser PNG, JPEG, GIF o WebP; el archivo «{name}» no lo es.").format(
                    name=upload.filename)]}
            )
        return
    reason = mismatch(_declared(data_dict, upload), head)
    if reason:
        raise tk.ValidationError(
            {field: [_("{reason} Archivo: «{name}». Corrija el formato declarado o suba el archivo correcto.").format(
                reason=reason, name=upload.filename)]}
        )


def _upload_guard(name: str, field: str, image: bool) -> Any:
    @tk.chained_action
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        check_upload(data_dict, field, image=image)
        return up_func(context, data_dict)

    guarded.__name__ = name
    return guarded


def get_actions() -> dict[str, Any]:
    actions = {name: _upload_guard(name, "upload", False) for name in ("resource_create", "resource_update")}
    for name in ("organization_create", "organization_update", "group_create", "group_update", "user_create",
                 "user_update"):
        actions[name] = _upload_guard(name, "image_upload", True)
    return actions
