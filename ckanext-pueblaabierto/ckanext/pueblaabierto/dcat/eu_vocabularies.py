"""The EU authority tables and IANA media types for our FORM.317 values (eu_vocabularies.yaml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

AUTHORITY = "http://publications.europa.eu/resource/authority"
IANA = "https://www.iana.org/assignments/media-types"
LICENCE_TYPE = "http://purl.org/adms/licencetype"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype"


@dataclass(frozen=True)
class Concept:
    """A concept of an authority table: its IRI, its scheme's IRI and a label."""

    iri: str
    scheme: str
    label: str
    code: str


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("eu_vocabularies.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def scheme(name: str) -> str:
    return _data()["schemes"][name]


def _concept(table: str, prefix: str, entry: dict[str, Any] | None) -> Concept | None:
    if not entry or not entry.get("code"):
        return None
    return Concept(iri=f"{prefix}/{entry['code']}", scheme=scheme(table), label=entry["label"], code=entry["code"])


def frequency(frecuencia: str) -> Concept | None:
    """``mensual`` -> <.../authority/frequency/MONTHLY>."""
    return _concept("frequency", f"{AUTHORITY}/frequency", _data()["frequency"].get(frecuencia or ""))


def frecuencia_of(iri: str) -> str | None:
    """The FORM.317 frecuencia of a frequency IRI (for parsing our catalogue back)."""
    for value, entry in _data()["frequency"].items():
        if iri == f"{AUTHORITY}/frequency/{entry['code']}":
            return value
    return None


def _format_entry(formato: str) -> dict[str, Any]:
    return _data()["formats"].get((formato or "").strip().upper().lstrip("."), {}) or {}


def file_type(formato: str) -> Concept | None:
    """``CSV`` -> <.../authority/file-type/CSV>; None where the table has no such format."""
    entry = _format_entry(formato)
    code = entry.get("file_type")
    return _concept("file_type", f"{AUTHORITY}/file-type", {"code": code, "label": code} if code else None)


def formato_of(iri: str, known: list[str]) -> str | None:
    """The Formato of a file-type IRI, preferring the values FORM.317 accepts (``known``)."""
    candidates = [name for name, entry in _data()["formats"].items()
                  if entry.get("file_type") and iri == f"{AUTHORITY}/file-type/{entry['file_type']}"]
    preferred = [name for name in candidates if name in known]
    return (preferred or candidates or [None])[0]


def media_type(formato: str) -> str | None:
    """``CSV`` -> ``text/csv`` (the IANA registered type), or None."""
    return _format_entry(formato).get("media_type")


def media_type_iri(formato: str) -> str | None:
    kind = media_type(formato)
    return f"{IANA}/{kind}" if kind else None


def language() -> Concept:
    entry = _data()["language"]
    return Concept(iri=f"{AUTHORITY}/language/{entry['code']}", scheme=scheme("language"), label=entry["label"],
                   code=entry["code"])


def data_theme(tema: str) -> Concept | None:
    return _concept("data_theme", f"{AUTHORITY}/data-theme", _data()["data_theme"].get(tema or ""))


def licence_type(license_id: str) -> Concept | None:
    return _concept("licence_type", LICENCE_TYPE, _data()["licence_type"].get(license_id or ""))


def publisher_type() -> Concept:
    entry = _data()["publisher_type"]
    return Concept(iri=f"{PUBLISHER_TYPE}/{entry['code']}", scheme=scheme("publisher_type"), label=entry["label"],
                   code=entry["code"])


def country() -> Concept:
    entry = _data()["country"]
    return Concept(iri=f"{AUTHORITY}/country/{entry['code']}", scheme=scheme("country"), label=entry["label"],
                   code=entry["code"])
