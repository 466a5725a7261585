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

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pueblaabierto.schemas import vocabularies
from pueblaabierto.schemas.vocabularies import Term

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


def date_value(value: Any, today: date, *, end_of_period: bool = False) -> Problem | None:
    """``pa_fecha``: a date (as ``parse_date`` reads it) of data already produced."""
    if blank(value):
        return None
    parsed = parse_date(value, end_of_period=end_of_period)
    if parsed is None:
        return Problem("fecha-invalida", {"valor": _text(value)})
    if parsed > today:
        return Problem("fecha-futura", {"valor": parsed.isoformat(), "hoy": today.isoformat()})
    return None


def end_not_before_start(start: Any, end: Any) -> Problem | None:
    """``pa_fecha_fin_posterior``: the final date is not earlier than the initial one."""
    first, last = parse_date(start), parse_date(end, end_of_period=True)
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


# How enlaces write dates in a FORM.317 cell or a portal field: ISO (also with a time), day-first
# as in Mexico («31/01/2024», «31-1-24»), a month («2024-01», «enero 2024», «ene. de 2024») or a
# year alone («2024»). Matched on folded text (lower case, no accents).
_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$"
)
# «31/01/2024», «31-1-24», «15.01.2024», «15-ene-2024», «15/Ene./2024».
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2}|[a-z]+)\.?[-/.](\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_SPELLED = re.compile(r"^(?:(\d{1,2}) (?:de )?)?([a-z]+)\.? (?:de |del )?(\d{4})$")

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("enero", "ene"),
            ("febrero", "feb"),
            ("marzo", "mar"),
            ("abril", "abr"),
            ("mayo", "may"),
            ("junio", "jun"),
            ("julio", "jul"),
            ("agosto", "ago"),
            ("septiembre", "setiembre", "sep", "sept"),
            ("octubre", "oct"),
            ("noviembre", "nov"),
            ("diciembre", "dic"),
        ),
        start=1,
    )
    for name in names
}

# Excel serials that are plausible submission dates (1954..2119): a bare number outside
# this range is more likely a typo than a date. Day 0 of Excel's (1900) system, past its
# 1900 leap-year bug, which does not reach these serials.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_EXCEL_EPOCH = date(1899, 12, 30)

# Fields whose month or year alone means its last day: "Fecha final del periodo o fecha de corte".
PERIOD_END_KEYS = frozenset({"fecha_fin"})


def parse_date(value: Any, *, end_of_period: bool = False) -> date | None:
    """A date as a FORM.317 cell or a portal field holds it; None when the value is not a date.

    The one date reader of both halves: ``validar`` reads cells with it and the portal's
    ``pa_fecha`` fields too (and stores the result as ISO «AAAA-MM-DD»), so «31/01/2024»
    gets the same verdict in a workbook and in ``resource_create``. Accepts a date or
    datetime, an Excel serial, ISO 8601 text (with or without a time), day-first numeric
    dates (as written in Mexico) and months by number or name. A month or a year alone
    («enero 2024», «2024») stands for a period: its first day, or its last day when
    ``end_of_period`` (see ``PERIOD_END_KEYS``). Impossible dates («31/02/2024») are None.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            if _SERIAL_MIN <= value <= _SERIAL_MAX:
                return date.fromordinal(_EXCEL_EPOCH.toordinal() + int(value))
            if float(value).is_integer() and 1900 <= value <= 2200:
                return _period(int(value), None, end_of_period)
            return None
        text = vocabularies.fold(str(value)).strip().rstrip(".")
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            month = int(match[2]) if match[2].isdigit() else MONTHS.get(match[2])
            return date(_full_year(match[3]), month, int(match[1])) if month else None
        if match := _YEAR_MONTH.match(text):
            return _period(int(match[1]), int(match[2]), end_of_period)
        if match := _YEAR.match(text):
            return _period(int(match[1]), None, end_of_period)
        if (match := _SPELLED.match(text)) and match[2] in MONTHS:
            month, year = MONTHS[match[2]], int(match[3])
            return date(year, month, int(match[1])) if match[1] else _period(year, month, end_of_period)
    except ValueError:  # 31/02/2024, month 13, a float NaN
        return None
    return None



def parse_day(value: Any) -> date | None:
    """One calendar day written as ``parse_date`` reads it; None for a month or year alone.

    For dates that name a day (the oficio's), where «enero 2024» is not an answer.
    """
    first = parse_date(value)
    return first if first is not None and first == parse_date(value, end_of_period=True) else None

def _full_year(text: str) -> int:
    # Two-digit years as POSIX and Python read them: 00-68 are 2000-2068, 69-99 are 1969-1999.
    year = int(text)
    if len(text) > 2:
        return year
    return year + (2000 if year < 69 else 1900)


def _period(year: int, month: int | None, end: bool) -> date:
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)


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
