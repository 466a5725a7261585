"""Near-miss suggestions for file names typed by hand (vocabulary ones: schemas/vocabularies.py)."""

from __future__ import annotations

import difflib

from pueblaabierto.schemas.vocabularies import closest_term, fold, shown

__all__ = ["closest_name", "closest_term", "shown"]


def closest_name(name: str, candidates: list[str]) -> str | None:
    """The most similar file name in a folder, compared without case or accents."""
    folded = {fold(candidate): candidate for candidate in candidates}
    matches = difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.75)
    return folded[matches[0]] if matches else None
