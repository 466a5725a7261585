"""Dates as a person in Puebla reads them, at the edges where time zones and week-years bite."""

from __future__ import annotations

import datetime

import pytest
from ckan.lib.helpers import helper_functions as h

from tests.plugin.metadata.conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.ckan_config("ckan.display_timezone", "America/Mexico_City"),
              pytest.mark.ckan_config("ckan.locale_default", "es"),
              pytest.mark.usefixtures("with_plugins", "with_request_context")]


@pytest.mark.parametrize(("stored", "shown"), [
    ("2024-01-15", "15 de enero de 2024"),
    ("2024-01-01", "1 de enero de 2024"),      # would be «31 de diciembre de 2023» shifted to UTC-6
    ("2024-12-31", "31 de diciembre de 2024"),
    ("2024-02-29", "29 de febrero de 2024"),
    ("2025-03-01", "1 de marzo de 2025"),
    (datetime.date(2023, 12, 31), "31 de diciembre de 2023"),
])
def test_date_only_values_are_shown_as_stored(stored, shown):
    assert h.render_datetime(stored) == shown


@pytest.mark.parametrize(("utc", "shown"), [
    ("2026-12-02T17:10:00", "2 de diciembre de 2026, 11:10"),
    # 03:30 UTC on 1 January is still New Year's Eve in Puebla (UTC-6).
    ("2025-01-01T03:30:00", "31 de diciembre de 2024, 21:30"),
    # 31 December 2024 belongs to ISO week 1 of 2025: the year must not jump ahead.
    ("2024-12-31T18:00:00", "31 de diciembre de 2024, 12:00"),
    ("2024-03-01T05:59:00", "29 de febrero de 2024, 23:59"),
])
def test_times_use_the_display_time_zone_in_mexican_style(utc, shown):
    assert h.render_datetime(utc, with_hours=True) == shown


def test_an_instant_without_hours_is_its_local_day():
    assert h.render_datetime("2025-01-01T03:30:00") == "31 de diciembre de 2024"


def test_explicit_formats_and_garbage_keep_ckan_behaviour():
    assert h.render_datetime("2024-01-15", date_format="%Y-%m-%d") == "2024-01-15"
    assert h.render_datetime("no es fecha") == ""
    assert h.render_datetime(None) == ""
