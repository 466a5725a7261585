"""Check digits and shape rules of Mexican personal identifiers.

Kept apart from the scanner so they can be tested against known values and reused
(e.g. by the metadata checks). The rules and their sources are in this package's README.md
(«Personal identifiers: where the rules come from»).
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import luhn

_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
_CURP_VALUE = {char: index for index, char in enumerate(_CURP_ALPHABET)}
_CURP_RE = re.compile(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d")
# Two-letter state codes of the CURP, plus NE (nacido en el extranjero).
CURP_STATES = frozenset(
    "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE".split()
)
_RFC_FISICA_RE = re.compile(r"[A-ZÑ&]{4}\d{6}[0-9A-Z]{3}")
_INE_RE = re.compile(r"[A-Z]{6}\d{8}[HM][0-9A-Z]{3}")
_CLABE_WEIGHTS = (3, 7, 1) * 6


def valid_yymmdd(text: str) -> bool:
    """A plausible YYMMDD date (any year): filters out folios that merely look like ids."""
    if len(text) != 6 or not text.isdigit():
        return False
    month, day = int(text[2:4]), int(text[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def curp_check_digit(first17: str) -> str:
    """The 18th character of a CURP, computed from the first 17."""
    total = sum(_CURP_VALUE.get(char, 0) * (18 - index) for index, char in enumerate(first17[:17]))
    return str((10 - total % 10) % 10)


_VOWELS = frozenset("AEIOUX")  # X stands for a missing vowel
_CONSONANTS = frozenset("BCDFGHJKLMNPQRSTVWXYZ")  # Ñ is written X


def curp_structure(value: str) -> bool:
    """Everything RENAPO's rules say about a CURP except its check digit: first internal
    vowel of the surname (position 2), a real birth date (position 17 is a digit for
    births up to 1999 and a letter from 2000), sex, a state code (NE: born abroad) and
    the first internal consonants of surnames and name (positions 14-16).

    Program folios written in the same shape (4 letters, 6 digits...) fail at least one
    of these rules; a real CURP with a typo in its last character does not."""
    value = value.upper()
    if len(value) != 18 or _CURP_RE.fullmatch(value) is None:
        return False
    if value[1] not in _VOWELS or value[10] not in "HMX" or value[11:13] not in CURP_STATES:
        return False
    if any(char not in _CONSONANTS for char in value[13:16]):
        return False
    century = 1900 if value[16].isdigit() else 2000
    try:
        date(century + int(value[4:6]), int(value[6:8]), int(value[8:10]))
    except ValueError:
        return False
    return True


def is_curp(value: str) -> bool:
    """Structure (``curp_structure``) and check digit of a CURP."""
    value = value.upper()
    return curp_structure(value) and curp_check_digit(value) == value[17]


def is_rfc_persona_fisica(value: str) -> bool:
    """13-character RFC of a natural person; the check digit is not required (≈1.5% of
    real RFCs fail it), so shape plus a valid date is the rule."""
    value = value.upper()
    return len(value) == 13 and _RFC_FISICA_RE.fullmatch(value) is not None and valid_yymmdd(value[4:10])


def is_clave_elector(value: str) -> bool:
    """INE voter key: 6 letters, YYMMDD, 2-digit state (01-32), H/M, 3 characters.
    There is no public check algorithm, so this is a shape match."""
    value = value.upper()
    return (
        len(value) == 18
        and _INE_RE.fullmatch(value) is not None
        and valid_yymmdd(value[6:12])
        and 1 <= int(value[12:14]) <= 32
    )


def clabe_check_digit(first17: str) -> str:
    """The 18th digit of a CLABE: weights 3,7,1 over the first 17 digits, each product mod 10."""
    total = sum((int(digit) * weight) % 10 for digit, weight in zip(first17[:17], _CLABE_WEIGHTS[:17], strict=False))
    return str((10 - total % 10) % 10)


def is_clabe(value: str) -> bool:
    return len(value) == 18 and value.isdigit() and clabe_check_digit(value) == value[17]


def is_nss(value: str) -> bool:
    """IMSS social security number: 11 digits whose Luhn checksum is valid."""
    return len(value) == 11 and value.isdigit() and luhn.is_valid(value)


def phone_digits(value: str) -> str | None:
    """The 10 national digits of a Mexican phone number written in any usual way
    (+52, spaces, dashes, dots, parentheses), or None if it cannot be one.

    Numbers starting with 0 or 1 are not Mexican subscriber numbers (area codes start
    at 2), which also rules out many folios."""
    digits = "".join(char for char in value if char.isdigit())
    if len(digits) == 12 and digits.startswith("52"):
        digits = digits[2:]
    elif len(digits) == 13 and digits.startswith("521"):  # old mobile prefix
        digits = digits[3:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    return digits
