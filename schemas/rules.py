"""Pure FORM.317 rules shared by the portal and the pipeline (no CKAN, no workbook imports).

The pipeline's validation package (pueblaabierto.validation) owns the title and near-miss
rules; the portal imports those. What lives here is what both sides need: the responsable's
e-mail rule, date parsing, the period a dataset covers, and freshness.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pueblaabierto.schemas import vocabularies

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
# Public webmail providers: an address there is personal, not institutional.
WEBMAIL = {
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail",
    "icloud", "me", "aol", "protonmail", "proton", "prodigy", "zoho", "gmx",
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
