"""Check digits of Mexican identifiers against known valid and invalid values."""

from __future__ import annotations

import pytest
from pueblaabierto.data import checkdigits as cd
from stdnum.mx import curp as stdnum_curp

VALID_CURPS = ["BOXW310820HNERXN09", "HEGG560427MVZRRL04", "PEPJ800101HPLRRN03"]


def test_reference_curp_is_valid():
    assert cd.is_curp("BOXW310820HNERXN09")
    assert cd.curp_check_digit("BOXW310820HNERXN0") == "9"


@pytest.mark.parametrize("curp", VALID_CURPS)
def test_curp_check_digit_agrees_with_python_stdnum(curp):
    computed = curp[:17] + cd.curp_check_digit(curp[:17])
    assert cd.is_curp(computed)
    assert stdnum_curp.is_valid(computed)


@pytest.mark.parametrize(
    "value",
    [
        "BOXW310820HNERXN08",  # wrong check digit
        "BOXW311320HNERXN09",  # month 13
        "BOXW310820HZZRXN09",  # unknown state ZZ
        "BOXW310820XNERXN09",  # sex must be H or M
        "BOXW310820HNERXN0",  # 17 characters
    ],
)
def test_invalid_curps_are_rejected(value):
    assert not cd.is_curp(value)


def test_clabe_reference_and_altered_digit():
    assert cd.is_clabe("032180000118359719")
    assert cd.clabe_check_digit("03218000011835971") == "9"
    assert not cd.is_clabe("032180000118359718")
    assert not cd.is_clabe("03218000011835971")


def test_nss_uses_luhn():
    first10 = "1234567890"
    valid = first10 + str((10 - _luhn_sum(first10 + "0")) % 10)
    assert cd.is_nss(valid)
    assert not cd.is_nss(first10 + str((int(valid[-1]) + 1) % 10))
    assert not cd.is_nss("123456789")


def _luhn_sum(number: str) -> int:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10


def test_rfc_persona_fisica_needs_shape_and_date_not_check_digit():
    assert cd.is_rfc_persona_fisica("BOXW310820AB1")
    assert cd.is_rfc_persona_fisica("GODE561231GR8")
    assert not cd.is_rfc_persona_fisica("BOXW311320AB1")  # month 13
    assert not cd.is_rfc_persona_fisica("MPU850101AB1")  # 12 chars: persona moral, public


def test_clave_de_elector_shape():
    assert cd.is_clave_elector("GMVLMR80070501M100")
    assert not cd.is_clave_elector("GMVLMR80070540M100")  # state 40
    assert not cd.is_clave_elector("GMVLMR80130501M100")  # month 13


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("222 123 4567", "2221234567"),
        ("+52 (222) 123-4567", "2221234567"),
        ("52 1 222 123 4567", "2221234567"),
        ("0221234567", None),  # Mexican numbers do not start with 0/1
        ("12345", None),
    ],
)
def test_phone_digits(value, digits):
    assert cd.phone_digits(value) == digits
