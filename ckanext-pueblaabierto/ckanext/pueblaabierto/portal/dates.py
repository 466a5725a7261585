"""Dates as people in Mexico read them: «15 de enero de 2024», «2 de diciembre de 2026, 11:10».

CKAN's ``render_datetime`` treats every value as a UTC instant and shifts it to
``ckan.display_timezone``, so a date-only value such as ``periodo_inicio = 2024-01-15`` (midnight
UTC) showed as «14 de enero» in Mexico City. Date-only values are calendar days, not instants:
they are shown as stored. Times use the display time zone with CKAN's own conversion, and a
format without the week-based year (CKAN's ``YYYY`` shows 31/12/2024 as 2025).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from babel.dates import format_date, format_time
from ckan.lib.helpers import _datestamp_to_datetime

DATE_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def _locale() -> str:
    try:
        return str(tk.h.lang() or "es")
    except RuntimeError:  # outside a request (CLI, tests without a request context)
        return tk.config.get("ckan.locale_default") or "es"


def as_calendar_date(value: Any) -> datetime.date | None:
    """The calendar day of a date-only value (``date`` or ``YYYY-MM-DD``), else None."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = DATE_ONLY.match(value)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def long_date(day: datetime.date, locale: str | None = None) -> str:
    return format_date(day, "long", locale=locale or _locale())


def long_datetime(moment: datetime.datetime, *, seconds: bool = False, locale: str | None = None) -> str:
    locale = locale or _locale()
    clock = format_time(moment, "HH:mm:ss" if seconds else "HH:mm", locale=locale)
    return f"{long_date(moment.date(), locale)}, {clock}"


@tk.chained_helper
def render_datetime(next_helper: Callable[..., str], datetime_: Any, date_format: str | None = None,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    day = as_calendar_date(datetime_)
    if date_format:  # an explicit strftime format (e.g. ISO for machines)
        if day is not None:
            return datetime.datetime.combine(day, datetime.time()).strftime(date_format)
        return next_helper(datetime_, date_format=date_format, with_hours=with_hours, with_seconds=with_seconds)
    if day is not None:
        return long_date(day)
    moment = _datestamp_to_datetime(datetime_)  # aware, in ckan.display_timezone
    if moment is None:
        return ""
    if with_hours or with_seconds:
        return long_datetime(moment, seconds=with_seconds)
    return long_date(moment.date())
