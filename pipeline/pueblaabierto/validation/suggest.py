"""Near-miss suggestions for values typed by hand instead of chosen from a list."""

from __future__ import annotations

import difflib

from pueblaabierto.schemas import vocabularies
from pueblaabierto.schemas.vocabularies import Term, fold

# Vocabularies the form shows by value (lower-case frecuencias, upper-case formatos);
# the others are shown by label.
SHOWN_BY_VALUE = {"frecuencias", "formatos"}


def shown(vocabulary: str, term: Term) -> str:
    """How a term is written in the workbook's drop-down list."""
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
    terms = getattr(vocabularies.load(), vocabulary)
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


def closest_name(name: str, candidates: list[str]) -> str | None:
    """The most similar file name in a folder, compared without case or accents."""
    folded = {fold(candidate): candidate for candidate in candidates}
    matches = difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.75)
    return folded[matches[0]] if matches else None
