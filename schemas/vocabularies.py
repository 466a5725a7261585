"""The FORM.317 vocabularies (schemas/vocabularios.yaml), loaded once for portal and pipeline."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Term:
    value: str
    label: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Vocabularies:
    temas: tuple[Term, ...]
    frecuencias: tuple[Term, ...]
    tipos_visualizacion: tuple[Term, ...]
    formatos: tuple[Term, ...]
    licencias: tuple[dict[str, Any], ...]
    licencia_predeterminada: str

    def values(self, name: str) -> list[str]:
        return [term.value for term in getattr(self, name)]

    def label(self, name: str, value: str) -> str:
        for term in getattr(self, name):
            if term.value == value:
                return term.label
        return value

    def get(self, name: str, value: str) -> Term | None:
        for term in getattr(self, name):
            if term.value == value:
                return term
        return None


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: how people's spellings are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().replace("_", " ").split())


def _terms(items: list[dict[str, Any]]) -> tuple[Term, ...]:
    return tuple(
        Term(
            value=str(item["value"]),
            label=str(item["label"]),
            extra={k: v for k, v in item.items() if k not in ("value", "label")},
        )
        for item in items
    )


@functools.cache
def load() -> Vocabularies:
    text = resources.files("pueblaabierto.schemas").joinpath("vocabularios.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Vocabularies(
        temas=_terms(raw["temas"]),
        frecuencias=_terms(raw["frecuencias"]),
        tipos_visualizacion=_terms(raw["tipos_visualizacion"]),
        formatos=_terms(raw["formatos"]),
        licencias=tuple(raw["licencias"]),
        licencia_predeterminada=raw["licencia_predeterminada"],
    )


# Vocabularies the form shows by value (lower-case frecuencias, upper-case formatos);
# the others are shown by label.
SHOWN_BY_VALUE = {"frecuencias", "formatos"}


def shown(vocabulary: str, term: Term) -> str:
    """How a term is written in the workbook's drop-down list (and in messages)."""
    return term.value if vocabulary in SHOWN_BY_VALUE else term.label


def closest_term(vocabulary: str, text: str) -> Term | None:
    """The term an enlace most likely meant by ``text``, or None if nothing is close.

    Containment first ("Infraestructura" -> "Infraestructura y Servicios Públicos",
    "irregular" -> "irregularmente"), then difflib over folded spellings
    ("Mensualmente" -> "mensual").
    """
    wanted = fold(text)
    if not wanted:
        return None
    terms = getattr(load(), vocabulary)
    spellings: dict[str, Term] = {}
    for term in terms:
        spellings.setdefault(fold(term.label), term)
        spellings.setdefault(fold(term.value).replace("-", " "), term)
    contained = [s for s in spellings if len(wanted) >= 3 and (wanted in s or s in wanted)]
    if contained:
        best = max(contained, key=lambda s: difflib.SequenceMatcher(None, wanted, s).ratio())
        return spellings[best]
    matches = difflib.get_close_matches(wanted, list(spellings), n=1, cutoff=0.6)
    return spellings[matches[0]] if matches else None
