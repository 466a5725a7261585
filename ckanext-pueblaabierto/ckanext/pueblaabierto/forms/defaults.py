"""What a resource's «Nombre del archivo» and «Formato» default to, from the chosen file or URL.

The formats and their extensions come from the registry (schemas/vocabularios.yaml
``formatos[].extensiones``); an extension two formats share (.json, .xml) decides nothing.
"""

from __future__ import annotations

import functools
import os
from typing import Any
from urllib.parse import unquote, urlparse

from pueblaabierto.schemas import vocabularies


@functools.cache
def format_by_extension() -> dict[str, str]:
    """``{".csv": "CSV", ...}`` for the extensions exactly one format of the registry claims."""
    claims: dict[str, set[str]] = {}
    for term in vocabularies.load().formatos:
        for extension in term.extra.get("extensiones") or ():
            claims.setdefault(str(extension).lower(), set()).add(term.value)
    return {ext: next(iter(values)) for ext, values in claims.items() if len(values) == 1}


def file_name_of(url: Any = "", filename: Any = "") -> str:
    """The chosen file's name without folders, else the last part of the URL's path."""
    if filename:
        return os.path.basename(str(filename).replace("\\", "/")).strip()
    url = str(url or "").strip()
    if not url:
        return ""
    path = urlparse(url).path if "://" in url else url
    return unquote(path.rstrip("/").rsplit("/", 1)[-1]).strip()


def format_of(file_name: str) -> str:
    extension = os.path.splitext(file_name)[1].lower()
    return format_by_extension().get(extension, "") if extension else ""


def fill_resource(data_dict: dict[str, Any], filename: str = "") -> None:
    """Set «Nombre del archivo» and «Formato» where the person left them empty."""
    name = file_name_of(data_dict.get("url"), filename)
    if not name:
        return
    if not str(data_dict.get("nombre_archivo") or "").strip():
        data_dict["nombre_archivo"] = name
    if not str(data_dict.get("format") or "").strip():
        guessed = format_of(name)
        if guessed:
            data_dict["format"] = guessed
