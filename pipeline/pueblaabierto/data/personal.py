"""Personal data in the cells of a data file (CURP, RFC, INE, NSS, CLABE, phones, e-mail).

Mexican data-protection law treats these identifiers as confidential, so a match is an
ERROR that the enlace de seguridad must resolve before publication.

Speed: the scanner works on a whole column chunk at once (values joined by "\\n") with
ONE precompiled regex, so the per-cell cost is paid in C; Python only runs for the rare
candidates, which are then confirmed by check digits / shape rules (checkdigits.py).

False positives (documented choices):

* CURP, RFC (13 chars, persona física), INE and formatted phones ("222 123 4567",
  "+52 ...", "(222) 123-4567") are distinctive: reported in any column.
* Bare digit runs are ambiguous. An 11-digit run is an NSS only if its Luhn check
  passes, an 18-digit run a CLABE only if its check digit passes; in columns whose name
  says they hold identifiers of records (folio, id, clave, expediente, cuenta, contrato,
  monto...) such runs are skipped unless the name also says NSS/CLABE, because 1 in 10
  random folios passes either check.
* A bare 10-digit run is reported as a phone only in a column whose name suggests a
  phone (tel, cel, móvil, whatsapp, contacto) or when the cell itself says so
  ("Tel. 2221234567"). Municipal folios are very often 10 digits (e.g. 2024000123)
  and look exactly like a phone; flagging every folio would bury the real findings.
* E-mail addresses are personal unless their domain is institutional (by default
  pueblacapital.gob.mx and any *.gob.mx) or they are on the allow list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pueblaabierto.data import checkdigits
from pueblaabierto.schemas.vocabularies import fold

DEFAULT_DOMAINS: tuple[str, ...] = ("pueblacapital.gob.mx", "gob.mx")


class AllowList:
    """Values the enlace declared public although they look like personal data.

    ``values`` is free text, one value each, as written in ``permitidos.txt``:
    an identifier (an agency's RFC, an office phone), an e-mail address, or a domain
    written ``@dominio.mx`` / ``*.dominio.mx``. Institutional domains (``domains``)
    are allowed for e-mail; by default the municipality's and any ``*.gob.mx``.
    """

    def __init__(
        self,
        values: Iterable[str] = (),
        *,
        domains: Iterable[str] = DEFAULT_DOMAINS,
        addresses: Iterable[str] = (),
    ) -> None:
        self.domains: set[str] = {d.lower().lstrip("*.@") for d in domains}
        self.addresses: set[str] = {a.strip().lower() for a in addresses}
        self.identifiers: set[str] = set()
        for raw in values:
            value = raw.strip()
            if not value:
                continue
            if value.startswith(("@", "*.")):
                self.domains.add(value.lower().lstrip("*.@"))
            elif "@" in value:
                self.addresses.add(value.lower())
            else:
                self.identifiers.add(_normalize(value))

    def allows(self, kind: str, value: str) -> bool:
        if kind == "correo":
            return self.allows_email(value)
        normalized = _normalize(value)
        if kind == "telefono":
            normalized = checkdigits.phone_digits(value) or normalized
        return normalized in self.identifiers

    def allows_email(self, address: str) -> bool:
        address = address.lower()
        if address in self.addresses:
            return True
        domain = address.rsplit("@", 1)[-1]
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


def _normalize(value: str) -> str:
    """Identifiers compare without case or separators; phones by their 10 digits."""
    compact = re.sub(r"[\s().-]", "", value).upper()
    return checkdigits.phone_digits(compact) or compact


# --- what each kind is called, and how it is masked ------------------------------------


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # Spanish, for messages
    short: str = ""  # Spanish, the identifier's name alone (a reviewer's checklist, a heading)


KINDS: dict[str, Kind] = {
    "curp": Kind("datos-personales-curp", "CURP (Clave Única de Registro de Población)", "CURP"),
    "curp_probable": Kind(
        "datos-personales-curp-probable",
        "CURP probables (tienen la estructura de una CURP, pero el dígito verificador no coincide: CURP mal "
        "capturadas)",
        "CURP probable (mal capturada)",
    ),
    "rfc": Kind("datos-personales-rfc", "RFC de persona física", "RFC de persona física"),
    "ine": Kind("datos-personales-ine", "clave de elector del INE", "Clave de elector (INE)"),
    "nss": Kind("datos-personales-nss", "número de seguridad social (IMSS)", "NSS (número de seguridad social)"),
    "clabe": Kind("datos-personales-clabe", "CLABE interbancaria", "CLABE interbancaria"),
    "telefono": Kind("datos-personales-telefono", "número de teléfono", "Teléfono"),
    "correo": Kind("datos-personales-correo", "correo electrónico personal", "Correo electrónico personal"),
    "domicilio": Kind(
        "datos-personales-domicilio", "domicilio(s) particular(es) (calle, número y colonia)", "Domicilio particular"
    ),
}


def mask(kind: str, value: str) -> str:
    """Enough to find the value in the file, not enough to reuse it."""
    if kind in ("curp", "curp_probable") and len(value) == 18:
        return value[:6] + "****" + value[10:13] + "***" + value[16:]
    if kind == "rfc":
        return value[:6] + "****" + "*" * (len(value) - 10)
    if kind == "ine" and len(value) == 18:
        return value[:4] + "*" * 12 + value[16:]
    if kind == "correo" and "@" in value:
        local, domain = value.rsplit("@", 1)
        return local[:1] + "***@" + domain
    if kind == "telefono":
        digits = checkdigits.phone_digits(value) or value
        return "*" * (len(digits) - 4) + digits[-4:]
    if kind == "clabe":
        return value[:3] + "*" * 11 + value[-4:]
    if kind == "domicilio":
        return re.sub(r"\d", "*", value)[:60]
    keep = max(1, len(value) // 6)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


# --- column-name hints ------------------------------------------------------------------

_PHONE_HINT = re.compile(r"\b(tel\w*|cel|celular(es)?|movil(es)?|whats\w*|contacto\w*|fax)\b")
_NSS_HINT = re.compile(r"\b(nss|imss|seguridad social|seguro social|afiliacion)\b")
_CLABE_HINT = re.compile(r"\b(clabe|cuenta bancaria|interbancaria)\b")
_RECORD_ID_HINT = re.compile(
    r"\b(folio|folios|id|clave|cve|expediente|cuenta|contrato|registro|codigo|num|numero|no|"
    r"monto|importe|total|presupuesto|catastral|predial|licencia|permiso|orden|ticket|oficio)\b"
)


# Whose address a column holds: a person's (always personal data, the Instructivo lists
# the domicilio) or a public place's (an office, a market, a public work: never).
_PRIVATE_ADDRESS_HINT = re.compile(
    r"\b(domicilio\w*|particular|beneficiari\w*|solicitante\w*|ciudadan\w*|propietari\w*|contribuyente\w*|"
    r"habitante\w*|vecin\w*|quejos\w*|denunciante\w*|victima\w*|paciente\w*|alumn\w*|trabajador\w*)\b"
)
_PUBLIC_PLACE_HINT = re.compile(
    r"\b(ubicacion|sede|oficina\w*|mercado\w*|obra\w*|plantel\w*|escuela\w*|establecimiento\w*|negocio\w*|"
    r"modulo\w*|parque\w*|unidad\w*|dependencia\w*|instalacion\w*|inmueble\w*|punto\w*|sitio\w*|lugar\w*|"
    r"comercio\w*|empresa\w*|proveedor\w*|razon social)\b"
)


@dataclass(frozen=True)
class ColumnPolicy:
    """What bare digit runs and addresses may mean in one column, decided once from its name."""

    phone10: bool  # bare 10-digit runs are phones
    nss: bool  # 11-digit Luhn-valid runs are NSS
    clabe: bool  # 18-digit runs with a valid check digit are CLABE
    nss_named: bool = False  # the name says NSS: numbers that lost leading zeros are padded
    address: str = "neutral"  # "private", "public" or "neutral"

    @classmethod
    def for_column(cls, name: str) -> ColumnPolicy:
        folded = fold(name).replace("/", " ").replace("-", " ").replace(".", " ").replace("_", " ")
        record_id = bool(_RECORD_ID_HINT.search(folded))
        nss_named = bool(_NSS_HINT.search(folded))
        if _PRIVATE_ADDRESS_HINT.search(folded):
            address = "private"
        elif _PUBLIC_PLACE_HINT.search(folded):
            address = "public"
        else:
            address = "neutral"
        return cls(
            phone10=bool(_PHONE_HINT.search(folded)),
            nss=nss_named or not record_id,
            clabe=bool(_CLABE_HINT.search(folded)) or not record_id,
            nss_named=nss_named,
            address=address,
        )

    @property
    def numeric_identifiers(self) -> bool:
        """Whether a column of numbers may hold identifiers (phones, NSS stored as numbers)."""
        return self.phone10 or self.nss_named


# --- the scanner ------------------------------------------------------------------------

_A = "A-Za-z"
_AN = "A-Za-z0-9"
_BASE = (
    rf"(?P<curp>(?<![{_AN}])[{_A}]{{4}}\d{{6}}[HMXhmx][{_A}]{{5}}[{_AN}]\d(?![{_AN}]))"
    rf"|(?P<ine>(?<![{_AN}])[{_A}]{{6}}\d{{8}}[HMhm][{_AN}]{{3}}(?![{_AN}]))"
    rf"|(?P<rfc>(?<![{_AN}Ññ&])[{_A}Ññ&]{{4}}\d{{6}}[{_AN}]{{3}}(?![{_AN}]))"
    r"|(?P<correo>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    # Phones written as phones: +52 prefix, parentheses or separators between groups.
    r"|(?P<telefono>(?<![\d.,$/])(?:\+52[ .-]?(?:1[ .-]?)?\d{2,3}[ .-]?|\(\d{2,3}\)[ .-]?|\d{2,3}[ .-])"
    r"\d{3,4}[ .-]?\d{4}(?!\d|[.,]\d))"
    # Written in pairs, as many people dictate them: "22 21 23 45 67".
    r"|(?<![\d.,$/])(?P<telefono_pares>\d{2}(?:[ .-]\d{2}){4})(?!\d|[.,]\d)"
    # "Tel. 2221234567", "cel: 222 123 4567" inside free text.
    r"|(?:(?i:\b(?:tel|cel|whats|m[oó]vil)[a-zéó]*\.?)[ :.]{0,3}(?P<telefono_kw>(?:\+?52[ .-]?)?\d{10})(?!\d))"
    # Bare 11 (NSS) or 18 (CLABE) digit runs, not part of a decimal number.
    r"|(?<![\d.,$-])(?P<digits>\d{11}|\d{18})(?!\d|[.,]\d)"
)
_PHONE10 = r"|(?<![\d.,$-])(?P<telefono10>(?:\+?52)?[2-9]\d{9})(?!\d|[.,]\d)"
_SCAN = re.compile(_BASE)
_SCAN_PHONE = re.compile(_BASE + _PHONE10)
# Columns named NSS: 9-10 digit runs are NSS that lost their leading zeros as numbers.
_SCAN_NSS = re.compile(_BASE.replace(r"(?P<digits>\d{11}|\d{18})", r"(?P<digits>\d{18}|\d{9,11})"))


@dataclass(frozen=True)
class Hit:
    kind: str
    value: str
    line: int  # 0-based index of the value in the chunk


# Every identifier above has 4+ consecutive digits (CURP/RFC/INE 6, phones at least one
# 4-digit group) except e-mail ("@"). Scanning for this trigger is a fast character
# scan; the full pattern then only runs on the few lines that contain a trigger.
# Written as "a digit or @, then (if a digit) 3 more digits": a pattern that starts with
# a character set lets the regex engine skip ahead in C, 4x faster than "\d{4}|@".
_TRIGGER = re.compile(r"[0-9@](?:(?<=@)|\d{3}|\d[ .-]\d\d[ .-]\d\d)")
# Typed integer columns: only whole values can be identifiers.
_INTEGER_CANDIDATES = {
    (False, False): None,
    (True, False): re.compile(r"^\d{11}$", re.MULTILINE),
    (False, True): re.compile(r"^\d{18}$", re.MULTILINE),
    (True, True): re.compile(r"^\d{11}(?:\d{7})?$", re.MULTILINE),
}
_NOT_SCANNED_TYPES = frozenset({"number", "date", "datetime", "time", "year", "yearmonth", "boolean", "duration"})


def scan_text(
    text: str,
    policy: ColumnPolicy,
    allow: AllowList,
    field_type: str = "string",
    view: Callable[[str], tuple[str, list[int] | None]] | None = None,
) -> list[Hit]:
    """Personal data in ``text`` (a column chunk, one value per line).

    ``field_type`` is the column's inferred type: numbers, dates, booleans cannot hold
    identifiers (every value parsed as such), integers only as whole digit runs.
    ``view``: the chunk's lines prefiltered by kind (cells.View, columnar.py); each scan
    then reads only the lines that can hold what it looks for."""
    if field_type in _NOT_SCANNED_TYPES and not policy.numeric_identifiers:
        return []
    if field_type in ("integer", *_NOT_SCANNED_TYPES) and not policy.phone10:
        if policy.nss_named:
            # NSS stored as numbers lose their leading zeros (01234567890 -> 1234567890).
            return _in_view(text, view, "digit", lambda part: _scan_lines(part, _NSS_NUMBER, policy, allow))
        candidates = _INTEGER_CANDIDATES[(policy.nss, policy.clabe)]
        if not candidates:
            return []
        return _in_view(text, view, "digit", lambda part: _scan_lines(part, candidates, policy, allow))
    # Outside phone columns the view can narrow the trigger lines to those that can hold a
    # finding ("personal", columnar.py); a phone column calls libphonenumber on each.
    kind = "trigger" if policy.phone10 else "personal"
    hits = _in_view(text, view, kind, lambda part: _scan_lines(part, _TRIGGER, policy, allow))
    if policy.address != "public":
        # Outside columns named for a person's address a finding needs a colonia word too
        # ("address_settlement", columnar.py).
        kind = "address" if policy.address == "private" else "address_settlement"
        hits += _in_view(text, view, kind, lambda part: _scan_addresses(part, policy, allow))
    return hits


def _in_view(
    text: str,
    view: Callable[[str], tuple[str, list[int] | None]] | None,
    kind: str,
    scan: Callable[[str], list[Hit]],
) -> list[Hit]:
    if view is None:
        return scan(text)
    part, positions = view(kind)
    hits = scan(part)
    if positions is None:
        return hits
    return [Hit(hit.kind, hit.value, positions[hit.line]) for hit in hits]


_NSS_NUMBER = re.compile(r"^\d{9,11}$", re.MULTILINE)


def _scan_lines(text: str, trigger: re.Pattern[str], policy: ColumnPolicy, allow: AllowList) -> list[Hit]:
    pattern = _SCAN_PHONE if policy.phone10 else (_SCAN_NSS if policy.nss_named else _SCAN)
    hits: list[Hit] = []
    line = 0
    last = 0
    end = -1
    for found in trigger.finditer(text):
        if found.start() < end:
            continue  # this line was already scanned
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        if end < 0:
            end = len(text)
        line += text.count("\n", last, start)
        last = start
        phone_found = False
        for match in pattern.finditer(text, start, end):
            kind, value = _classify(match, policy)
            if kind is not None and not allow.allows(kind, value):
                hits.append(Hit(kind, value, line))
                phone_found = phone_found or kind == "telefono"
        if not phone_found and (policy.phone10 or _FREE_TEXT.match(text, start, end)):
            for value in free_text_phones(text[start:end]):
                if not allow.allows("telefono", value):
                    hits.append(Hit("telefono", value, line))
    return hits


# A line of free text with ten digits in a row, maybe separated by spaces, dots, dashes or
# parentheses: only those lines pay for libphonenumber (amounts "1,234,567.89" do not).
_FREE_TEXT = re.compile(r"(?=[^\n]*[A-Za-zÁÉÍÓÚáéíóúñÑ]{3})[^\n]*?(?<!\d)\d(?:[ .()\-]{0,3}\d){9}")
# Words that say the number next to them is a record, not a phone.
_RECORD_WORD = re.compile(
    r"(?i:\b(?:folio|expediente|exp|oficio|contrato|cuenta|clave|cve|ticket|orden|predial|catastral|licencia|"
    r"permiso|registro|acta|id|referencia|ref)\b[^\d\n]{0,15})$"
)


def free_text_phones(line: str) -> list[str]:
    """Mexican phone numbers written anywhere in a sentence ("llamar al 222 123 4567 por
    la tarde"), found by Google's libphonenumber (the ``phonenumbers`` port) with region
    MX and its VALID leniency: the number must fit the Mexican numbering plan (real area
    codes and lengths), which rules out most folios, amounts and dates. A number right
    after «folio», «expediente», «oficio»... is a record number and is skipped.

    libphonenumber (~100 µs a line in Python) runs only on lines that can hold what it
    would report (``could_hold_phone``); the others, e.g. folios «SAC-2024-0000123», are
    answered without it, with the same result."""
    if not could_hold_phone(line):
        return []
    return _libphonenumber_phones(line)


# --- which lines libphonenumber can find a reportable phone in -------------------------
#
# free_text_phones reports a match only if its national number has 10 digits and passes
# checkdigits.phone_digits, and Leniency.VALID requires phonenumbers.is_valid_number. Such
# a number is one of two kinds:
#
# * a Mexican number (country code 52, given or implied by region MX): its 10 national
#   digits are consecutive digits of the candidate, which libphonenumber's matcher builds
#   from digit blocks separated by at most 4 punctuation characters (a leading "52", "1"
#   or IDD prefix is stripped, an extension is cut at the end), and they match one of
#   the MX number types of libphonenumber's own metadata (read below, so a metadata update
#   is followed): _phone_window finds such windows, separators being any 0-4 characters
#   other than ASCII letters and digits (a superset of the matcher's punctuation);
# * another country's number: only with a "+" (or fullwidth "＋") or MX's international
#   prefix 00/09 at the start of a digit run, followed by a country code (never 0) and
#   the 10 national digits: 11 digits or more.
#
# Lines where the digits may not be literal are always given to libphonenumber: a
# non-ASCII decimal digit (normalised by libphonenumber), an "x" or an extension word near
# a digit (letters of a candidate become digits when it has three: vanity numbers).
_GAP = r"[^0-9A-Za-z\n]{0,4}"
_FULL_MATCHER = re.compile(
    rf"[+＋]|(?![0-9])\d|(?<![0-9])0{_GAP}[09]{_GAP}[1-9](?:{_GAP}[0-9]){{10}}|[0-9]{{21}}"
    r"|(?i:\d[^\w\n]*(?:x|ｘ|e?xt|ｅ?ｘｔ|int|ｉｎｔ|anexo|доб))|[(\[（［][^\w\n]*[xXｘＸ]"
)
_WINDOW = re.compile(r"(?=([0-9](?:[^0-9A-Za-z\n]{0,4}[0-9]){9}))")
_NOT_DIGIT = re.compile(r"[^0-9]")


def mx_valid_patterns() -> list[str]:
    """The national-number patterns of every MX number type in libphonenumber's metadata:
    phonenumbers.is_valid_number accepts an MX number only if one matches it whole."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region("MX")
    kinds = (
        "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip",
        "pager", "uan", "voicemail",
    )  # fmt: skip
    return [
        desc.national_number_pattern
        for desc in (getattr(metadata, kind, None) for kind in kinds)
        if desc is not None and desc.national_number_pattern
    ]


@functools.cache
def _mx_valid() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in mx_valid_patterns()))


def could_hold_phone(line: str) -> bool:
    """False only when libphonenumber (free_text_phones' matcher) cannot report a phone in
    ``line``; see the notes above. Proven equal on the corpus and on generated lines
    (tests/pipeline/data/test_personal.py)."""
    if _FULL_MATCHER.search(line):
        return True
    valid = _mx_valid()
    for window in _WINDOW.finditer(line):
        digits = _NOT_DIGIT.sub("", window.group(1))
        if digits[0] not in "01" and valid.fullmatch(digits):
            return True
    return False


def _libphonenumber_phones(line: str) -> list[str]:
    import phonenumbers

    found = []
    for match in phonenumbers.PhoneNumberMatcher(line, "MX", leniency=phonenumbers.Leniency.VALID):
        if _RECORD_WORD.search(line[: match.start]):
            continue
        national = str(match.number.national_number)
        if len(national) == 10 and checkdigits.phone_digits(national):
            found.append(match.raw_string)
    return found


# --- private addresses ------------------------------------------------------------------

_STREET = (
    r"(?:calle|c\.|av(?:enida)?\.?|avda\.?|blvd\.?|boulevard|bulevar|privada|priv\.|cerrada|cda\.|callej[oó]n|"
    r"andador|prolongaci[oó]n|prol\.|circuito|cto\.|retorno|diagonal|calzada|camino)"
)
_ADDRESS_TRIGGER = re.compile(
    rf"(?i:\b(?:{_STREET}|col\.|colonia|fracc?\.|fraccionamiento|barrio|u\.?\s?h\.|infonavit|"
    r"\d{1,3}\s+(?:norte|sur|oriente|poniente|ote\.?|pte\.?)\b))"
)
_NUMBER = r"(?:#\s*|no\.?\s*|n[uú]m\.?\s*|n[uú]mero\s*)?\d{1,5}(?:\s?[A-Za-z]\b|-[A-Za-z0-9]+)?"
_SETTLEMENT = (
    r"(?:col\.|colonia|fracc?\.|fraccionamiento|barrio|u\.?\s?h\.|unidad habitacional|infonavit|residencial|"
    r"junta auxiliar|san|santa|la|el|los|las)"
)
# Street (named, or Puebla's "14 Sur") + house number, then a colonia within the same value.
_FULL_ADDRESS = re.compile(
    rf"(?i:(?:\b{_STREET}\s+[^\n,#]{{1,50}}?|\b\d{{1,3}}\s+(?:norte|sur|oriente|poniente|ote\.?|pte\.?)\s+)"
    rf"{_NUMBER}\b[^\n]{{0,40}}?\b(?:col\.|colonia|fracc?\.|fraccionamiento|barrio|u\.?\s?h\.|"
    r"unidad habitacional|infonavit|residencial|junta auxiliar)[^\n]*)"
)
# In a column named for a person's address, street + number is enough.
_STREET_AND_NUMBER = re.compile(
    rf"(?i:(?:\b{_STREET}\s+[^\n,#]{{1,50}}?|\b\d{{1,3}}\s+(?:norte|sur|oriente|poniente|ote\.?|pte\.?)\s+)"
    rf"{_NUMBER}\b[^\n]*)"
)


# Lines with a digit (a house number): the only ones the address patterns are tried on, so
# their case-insensitive alternations never run over a whole column chunk.
_LINE_WITH_DIGIT = re.compile(r"^[^\n\d]*\d[^\n]*", re.MULTILINE)


def _scan_addresses(text: str, policy: ColumnPolicy, allow: AllowList) -> list[Hit]:
    pattern = _STREET_AND_NUMBER if policy.address == "private" else _FULL_ADDRESS
    hits = []
    line = last = 0
    for candidate in _LINE_WITH_DIGIT.finditer(text):
        line += text.count("\n", last, candidate.start())
        last = candidate.start()
        value = candidate.group()
        if not _ADDRESS_TRIGGER.search(value):
            continue
        match = pattern.search(value)
        if match and not allow.allows("domicilio", match.group().strip()):
            hits.append(Hit("domicilio", match.group().strip(), line))
    return hits


def _classify(match: re.Match[str], policy: ColumnPolicy) -> tuple[str | None, str]:
    group = match.lastgroup
    value = match.group(group) if group else ""
    if group == "curp":
        value = value.upper()
        if checkdigits.is_curp(value):
            return "curp", value
        return ("curp_probable" if checkdigits.curp_structure(value) else None), value
    if group == "ine":
        value = value.upper()
        return ("ine" if checkdigits.is_clave_elector(value) else None), value
    if group == "rfc":
        value = value.upper()
        return ("rfc" if checkdigits.is_rfc_persona_fisica(value) else None), value
    if group == "correo":
        return "correo", value
    if group == "telefono":
        # "19.04356712" is a coordinate, not "19 0435 6712": one dot alone is a decimal point.
        if value.count(".") == 1 or checkdigits.phone_digits(value) is None:
            return None, value
        return "telefono", value
    if group in ("telefono_kw", "telefono10", "telefono_pares"):
        return ("telefono" if checkdigits.phone_digits(value) else None), value
    if group == "digits":
        if len(value) == 11 and policy.nss and checkdigits.is_nss(value):
            return "nss", value
        if policy.nss_named and len(value) in (9, 10) and checkdigits.is_nss(value.zfill(11)):
            return "nss", value
        if len(value) == 18 and policy.clabe and checkdigits.is_clabe(value):
            return "clabe", value
    return None, value
