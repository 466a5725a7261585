"""The municipality's account naming convention, as a pure function.

Manual de Procedimientos de la Dirección de Gobierno Electrónico: first letter of the first
name + first surname; on collision add the first letter of the second surname; accents
removed and "ñ" replaced by "n". CKAN user names are lower case ``[a-z0-9_-]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable


class NamingError(ValueError):
    """No free name follows the convention; the message is Spanish."""


def _plain(text: str) -> str:
    # NFD splits "á" into "a" + combining accent; "ñ" becomes "n" + tilde the same way.
    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", ascii_only)


def candidates(first_names: str, first_surname: str, second_surname: str = "") -> list[str]:
    """The names the convention allows, in order of preference."""
    first = _plain(first_names.split()[0]) if first_names.split() else ""
    # Compound surnames ("de la Rosa") are written together, as the convention joins words.
    surname = _plain(first_surname)
    if not first or not surname:
        raise NamingError("Se necesitan el primer nombre y el primer apellido.")
    base = first[0] + surname
    result = [base]
    second = _plain(second_surname)
    if second:
        result.append(base + second[0])
    return result


def account_name(
    first_names: str, first_surname: str, second_surname: str = "", *, taken: Callable[[str], bool]
) -> str:
    """The first free name by the convention; ``taken(name)`` says whether it is in use.

    When both the plain name and the one with the second surname's initial are taken, a
    number is appended (``jperezg2``) so creating the account never fails on a homonym; the
    convention does not cover that case and the auditors can see it in the account list.
    """
    options = candidates(first_names, first_surname, second_surname)
    for name in options:
        if not taken(name):
            return name
    last = options[-1]
    for number in range(2, 100):
        if not taken(f"{last}{number}"):
            return f"{last}{number}"
    raise NamingError(f"No hay un nombre de cuenta libre para {first_names} {first_surname}.")
