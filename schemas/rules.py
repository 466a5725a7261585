"""Every FORM.317 field rule, once, for the CLI and the portal (no CKAN, no workbook imports).

A rule is a pure function of a value that returns ``None`` (fine) or a ``Problem``: a stable
code (the same as the CLI finding's and the registry's) and the parameters of its message.
The Spanish wording lives once in schemas/messages.py; ``pueblaabierto validar`` renders a
problem as a cell finding and the portal (ckanext .../schema/validators.py) as a field error.
The registry (dataset.yaml, dependencia.yaml) names the rules of each field by their
validator names; ``VALUE_RULES`` and the portal's validators map those names to the
functions here.

Besides the field rules: date parsing, the period a dataset covers, freshness and the
dictionary's resource names, which both halves need too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pueblaabierto.schemas import vocabularies
from pueblaabierto.schemas.vocabularies import Term

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
# Public webmail providers: an address there is personal, not institutional.
WEBMAIL = {
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail",
    "icloud", "me", "aol", "protonmail", "proton", "prodigy", "zoho", "gmx",
}


@dataclass(frozen=True)
class Problem:
    """What a rule found: a stable code (messages.py has its Spanish text) and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    warning: bool = False


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def required(value: Any) -> Problem | None:
    """``pa_obligatorio``: a value must be there."""
    return Problem("celda-requerida") if blank(value) else None


def whole_number(value: Any) -> Problem | None:
    """``pa_numerico``: FORM.317 IDs are whole numbers written with the digits 0-9.

    ``str.isdigit`` alone accepts «²» or «٣», which ``int()`` then refuses: ASCII only.
    """
    text = _text(value)
    if text and not (text.isascii() and text.isdigit()):
        return Problem("id-no-numerico", {"valor": text})
    return None


def normalize_id(value: Any) -> str:
    """An ID as stored: without leading zeros, so "012" and "12" are the same ID; else as written."""
    text = _text(value)
    # The same ID is often a number in one sheet and text ("12.0") in another.
    if text.endswith(".0") and text[:-2].isascii() and text[:-2].isdigit():
        text = text[:-2]
    return str(int(text)) if text.isascii() and text.isdigit() else text


def vocabulary_term(vocabulary: str, value: Any) -> Term | None:
    """The term of list ``vocabulary`` that ``value`` names, by value or label, any case or accents.

    A leading dot is ignored: people write the format as the file extension («.csv»).
    """
    wanted = vocabularies.fold(_text(value)).lstrip(".").strip()
    if not wanted:
        return None
    for term in getattr(vocabularies.load(), vocabulary):
        if wanted in (vocabularies.fold(term.value), vocabularies.fold(term.label)):
            return term
    return None


def vocabulary_value(vocabulary: str, value: Any) -> Problem | None:
    """``pa_vocabulario(x)``: one value of a vocabularios.yaml list; suggests the nearest one."""
    if blank(value) or vocabulary_term(vocabulary, value) is not None:
        return None
    terms = getattr(vocabularies.load(), vocabulary)
    near = vocabularies.closest_term(vocabulary, _text(value))
    return Problem("vocabulario-invalido", {
        "valor": _text(value),
        "sugerencia": vocabularies.shown(vocabulary, near) if near is not None else "",
        "lista": ", ".join(vocabularies.shown(vocabulary, term) for term in terms),
    })


def person_name(value: Any) -> Problem | None:
    """``pa_nombre_persona``: the form asks for the full name: a name and a surname, no digits or addresses."""
    name = " ".join(_text(value).split())
    if name and (len(name.split()) < 2 or any(ch.isdigit() or ch == "@" for ch in name)):
        return Problem("nombre-incompleto", {"valor": name})
    return None


def institutional_email(value: Any) -> Problem | None:
    """``pa_correo_institucional``: a valid address, not personal webmail (it is published)."""
    address = _text(value)
    if not address:
        return None
    problem = email_problem(address)
    return Problem(f"correo-{problem}", {"valor": address}) if problem else None


def date_value(value: Any, today: date) -> Problem | None:
    """``pa_fecha``: an ISO 8601 date (or a date) of data already produced."""
    if blank(value):
        return None
    parsed = parse_date(value)
    if parsed is None:
        return Problem("fecha-invalida", {"valor": _text(value)})
    if parsed > today:
        return Problem("fecha-futura", {"valor": parsed.isoformat(), "hoy": today.isoformat()})
    return None


def end_not_before_start(start: Any, end: Any) -> Problem | None:
    """``pa_fecha_fin_posterior``: the final date is not earlier than the initial one."""
    first, last = parse_date(start), parse_date(end)
    if first and last and last < first:
        return Problem("fechas-invertidas", {"inicio": first.isoformat(), "fin": last.isoformat()})
    return None


# The form recommends "no más de 12-15 palabras".
TITLE_MAX_WORDS = 15


def title_length(value: Any) -> Problem | None:
    """Advice, not a refusal: a title longer than the form recommends."""
    words = len(_text(value).split())
    if words > TITLE_MAX_WORDS:
        return Problem("titulo-largo", {"palabras": words, "maximo": TITLE_MAX_WORDS}, warning=True)
    return None


# Validator name in the registry -> the rule, for the rules that look at one value. The
# others (uniqueness in the portal's database, the dictionary's resource names, the derived
# period, the licence register) need the portal's state and live in its validators.
VALUE_RULES = {
    "pa_obligatorio": required,
    "pa_numerico": whole_number,
    "pa_nombre_persona": person_name,
    "pa_correo_institucional": institutional_email,
}


def email_problem(address: str) -> str | None:
    """What is wrong with the responsable's e-mail: ``"invalido"``, ``"no-institucional"`` or None.

    The form asks for the official's institutional address, and it is published on the dataset
    page, so personal webmail is refused (the same verdict in the workbook and in the portal).
    """
    address = address.strip()
    if not EMAIL.match(address):
        return "invalido"
    if address.rsplit("@", 1)[1].lower().split(".")[0] in WEBMAIL:
        return "no-institucional"
    return None


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime or an ISO 8601 string ("2024-01-31", "2024-01-31T00:00:00").

    Returns None for anything else: callers decide whether that is an error.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def period_covered(ranges: Iterable[tuple[Any, Any]]) -> tuple[date | None, date | None]:
    """The dataset's period from its resources' (start, end) dates: earliest start, latest end.

    Unparseable or empty dates are skipped, so one bad resource does not hide the others.
    """
    starts: list[date] = []
    ends: list[date] = []
    for start, end in ranges:
        if (parsed := parse_date(start)) is not None:
            starts.append(parsed)
        if (parsed := parse_date(end)) is not None:
            ends.append(parsed)
    return (min(starts) if starts else None, max(ends) if ends else None)


@dataclass(frozen=True)
class Freshness:
    """Whether a dataset is up to date for its frecuencia.

    state: "actualizado", "desactualizado" or "sin-datos" (no cut-off date or unknown frecuencia);
    limit: the last day on which the data still count as up to date (None if never stale).
    """

    state: str
    limit: date | None = None
    days_late: int = 0

    @property
    def up_to_date(self) -> bool:
        return self.state == "actualizado"


def freshness(cut_off: Any, frecuencia: str | None, today: date | None = None) -> Freshness:
    """Freshness rule: stale once today is past the cut-off date plus the frecuencia's vigencia_dias.

    "irregularmente" (vigencia_dias null) is never stale: the dependencia publishes when it has data.
    """
    today = today or date.today()
    end = parse_date(cut_off)
    term = vocabularies.load().get("frecuencias", frecuencia or "")
    if end is None or term is None:
        return Freshness("sin-datos")
    days = term.extra.get("vigencia_dias")
    if days is None:
        return Freshness("actualizado")
    limit = date.fromordinal(end.toordinal() + int(days))
    if today <= limit:
        return Freshness("actualizado", limit)
    return Freshness("desactualizado", limit, (today - limit).days)


def resource_named(value: Any, names: Iterable[str]) -> str | None:
    """The resource name a dictionary entry's ``recurso`` refers to, spelled as the resource is.

    People retype names by hand ("obras  2024", "Obras 2024 " or without accents), so the
    comparison folds case, accents and spacing; None when no resource has that name.
    """
    wanted = vocabularies.fold(str(value or ""))
    if not wanted:
        return None
    for name in names:
        if name and vocabularies.fold(name) == wanted:
            return name
    return None
