"""Dates as enlaces really write them: Excel date cells, ISO text, day-first text, month names."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from pueblaabierto.schemas.vocabularies import fold

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
# this range is more likely a typo than a date.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_SPELLED = re.compile(r"^(?:(\d{1,2}) (?:de )?)?([a-z]+)\.? (?:de |del )?(\d{4})$")


class DateError(ValueError):
    """Text that does not read as a date."""


def parse_date(value: object, *, end_of_period: bool = False) -> date:
    """Read a cell as a date.

    A month or a year alone ("enero 2024", "2024") stands for a period: its first day,
    or its last day when ``end_of_period`` (the form's "fecha final ... o fecha de corte").
    Day-first is assumed for numeric dates, as written in Mexico.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return from_excel(value).date()
        if float(value).is_integer() and 1900 <= value <= 2200:
            return _period(int(value), None, end_of_period)
        raise DateError(str(value))
    text = fold(str(value)).strip().rstrip(".")
    if not text:
        raise DateError(text)
    try:
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            year = int(match[3])
            if year < 100:
                year += 2000
            return date(year, int(match[2]), int(match[1]))
        if match := _YEAR_MONTH.match(text):
            return _period(int(match[1]), int(match[2]), end_of_period)
        if match := _YEAR.match(text):
            return _period(int(match[1]), None, end_of_period)
        if (match := _SPELLED.match(text)) and match[2] in MONTHS:
            month, year = MONTHS[match[2]], int(match[3])
            if match[1]:
                return date(year, month, int(match[1]))
            return _period(year, month, end_of_period)
    except ValueError as exc:  # e.g. 31/02/2024
        raise DateError(text) from exc
    raise DateError(text)


def _period(year: int, month: int | None, end: bool) -> date:
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
