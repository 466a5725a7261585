"""Personal data in data files: every kind found, masked, per column; folios and amounts not."""

from __future__ import annotations

import pytest
from pueblaabierto.data.personal import AllowList, ColumnPolicy, mask, scan_text
from pueblaabierto.findings import Severity

from .conftest import codes, only

CURP = "BOXW310820HNERXN09"
CLABE = "032180000118359719"
NSS = "12345678903"  # Luhn-valid
NSS_BAD = "12345678904"
RFC = "BOXW310820AB1"
INE = "GMVLMR80070501M100"


def scan(values: list[str], column: str = "dato", allow: AllowList | None = None, field_type: str = "string"):
    hits = scan_text("\n".join(values), ColumnPolicy.for_column(column), allow or AllowList(), field_type)
    return [(h.kind, h.value, h.line) for h in hits]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (CURP, "curp"),
        (CURP.lower(), "curp"),
        (RFC, "rfc"),
        (INE, "ine"),
        (NSS, "nss"),
        (CLABE, "clabe"),
        ("222 123 4567", "telefono"),
        ("+52 222 123 4567", "telefono"),
        ("(222) 123-4567", "telefono"),
        ("Reportó: Tel. 2221234567", "telefono"),
        ("juan.perez@gmail.com", "correo"),
        (f"Solicitante con CURP {CURP} y correo x@hotmail.com", "curp"),
    ],
)
def test_each_kind_is_found(value, kind):
    found = scan(["nada", value])
    assert (kind, found[0][2]) == (found[0][0], 1)
    assert found[0][0] == kind


@pytest.mark.parametrize(
    "value",
    [
        "PROG240115HPLXXX01",  # a programme folio in CURP shape: no vowel, no state, no consonants
        "BECA240231MPLRRR05",  # February 31st is no birth date
        NSS_BAD,  # 11 digits failing Luhn: a folio, not an NSS
        "032180000118359718",  # 18 digits failing the CLABE check
        "19.04356712",  # a coordinate
        "-98.2063451",
        "1234567.89",  # an amount
        "2024-01-31",
        "2221234567",  # bare 10 digits in a neutral column: could be a folio
        "MPU850101AB1",  # RFC of a legal entity (12 chars) is public
        "atencion@pueblacapital.gob.mx",
        "contacto@sep.gob.mx",
        "Calle 5 de Mayo 1234, Centro",
    ],
)
def test_lookalikes_are_not_reported(value):
    assert scan([value]) == []


def test_folio_columns_do_not_report_digit_runs_but_named_columns_do():
    assert scan([NSS, CLABE, "2221234567"], column="folio") == []
    assert [k for k, _, _ in scan([NSS], column="nss_trabajador")] == ["nss"]
    assert [k for k, _, _ in scan([CLABE], column="Cuenta CLABE")] == ["clabe"]
    assert [k for k, _, _ in scan(["2221234567"], column="Teléfono")] == ["telefono"]
    # A CURP is a CURP wherever it is.
    assert [k for k, _, _ in scan([CURP], column="folio")] == ["curp"]


def test_wrong_check_digit_is_a_probable_curp():
    assert [k for k, _, _ in scan(["BOXW310820HNERXN08"])] == ["curp_probable"]


def test_typed_columns_numbers_and_dates_are_not_scanned_integers_only_whole():
    assert scan(["2221234567"], column="cantidad", field_type="number") == []
    # a phone column stored as numbers is still a phone column
    assert [k for k, _, _ in scan(["2221234567"], column="telefono", field_type="number")] == ["telefono"]
    assert [k for k, _, _ in scan([NSS], column="cantidad", field_type="integer")] == ["nss"]
    assert scan([NSS], column="folio", field_type="integer") == []


def test_lines_are_counted_correctly():
    values = ["", "x", CURP, "y", "", "z", CURP]
    assert [line for _, _, line in scan(values)] == [2, 6]


def test_allow_list_values_domains_and_addresses():
    allow = AllowList(["MPU850101AB1", "222 309 4300", "@dependencia.org.mx", "vecinos@gmail.com", RFC])
    assert scan(["2223094300", "+52 222 309 4300"], column="telefono", allow=allow) == []
    assert scan(["ana@dependencia.org.mx", "vecinos@gmail.com", RFC], allow=allow) == []
    assert [k for k, _, _ in scan(["otro@gmail.com"], allow=allow)] == ["correo"]


def test_default_allow_list_is_municipal_and_gob_mx():
    allow = AllowList()
    assert allow.allows_email("ana@pueblacapital.gob.mx")
    assert allow.allows_email("ana@salud.puebla.gob.mx")
    assert not allow.allows_email("ana@gob.mx.example.com")
    assert not allow.allows_email("ana@gmail.com")


def test_custom_domains_replace_defaults():
    allow = AllowList(domains=["pueblacapital.gob.mx"])
    assert allow.allows_email("a@pueblacapital.gob.mx")
    assert not allow.allows_email("a@sep.gob.mx")


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("curp", CURP, "BOXW31****HNE***09"),
        ("rfc", RFC, "BOXW31*******"),
        ("clabe", CLABE, "032***********9719"),
        ("telefono", "+52 222 123 4567", "******4567"),
        ("correo", "juan.perez@gmail.com", "j***@gmail.com"),
        ("nss", NSS, "1*********3"),
    ],
)
def test_masking(kind, value, masked):
    assert mask(kind, value) == masked
    assert value not in mask(kind, value) or kind == "correo"


def test_personal_findings_in_a_csv_are_errors_per_column_with_rows_and_masked_sample(check_csv):
    rows = [["folio", "nombre", "curp", "telefono", "correo", "clabe"]]
    for i in range(30):
        rows.append([f"2024{i:06d}", f"Persona {i}", CURP if i % 10 == 0 else "", "222 123 4567", "", ""])
    rows.append(["2024999999", "X", "", "", "alguien@yahoo.com.mx", CLABE])
    findings = check_csv(rows)
    curp = only(findings, "datos-personales-curp", "curp")
    assert curp.severity is Severity.ERROR
    assert curp.rows == (2, 12, 22) and curp.count == 3
    assert curp.sample == "BOXW31****HNE***09"
    assert CURP not in curp.message and "BOXW31****HNE***09" in curp.message
    assert "filas 2, 12 y 22" in curp.message and "curp" in curp.message
    assert only(findings, "datos-personales-telefono", "telefono").count == 30
    assert only(findings, "datos-personales-correo", "correo").rows == (32,)
    assert only(findings, "datos-personales-clabe", "clabe").rows == (32,)
    assert "permitidos.txt" in curp.suggestion
    assert "datos-personales-telefono" not in [f.code for f in findings if f.column == "folio"]


def test_allow_list_is_respected_by_validate_resource_file(check_csv):
    rows = [["dependencia", "telefono_oficina"], ["Tesorería", "222 309 4300"]]
    assert "datos-personales-telefono" in codes(check_csv(rows))
    assert "datos-personales-telefono" not in codes(check_csv(rows, allow=AllowList(["2223094300"])))


@pytest.mark.parametrize(
    ("column", "phone10", "nss"),
    [
        ("Número telefónico", True, False),
        ("Celular", True, True),
        ("Número de Seguridad Social", False, True),
        ("folio", False, False),
        ("observaciones", False, True),
    ],
)
def test_column_policies(column, phone10, nss):
    policy = ColumnPolicy.for_column(column)
    assert (policy.phone10, policy.nss) == (phone10, nss)


def test_nss_stored_as_numbers_in_xlsx_is_found(tmp_path):
    from openpyxl import Workbook
    from pueblaabierto.data import validate_resource_file

    book = Workbook()
    book.active.append(["beneficiario_id", "nss"])
    book.active.append([1, 1234567897])  # 01234567897 (Luhn-valid) lost its leading zero as a number
    book.active.append([2, 9876543210])
    path = tmp_path / "nss.xlsx"
    book.save(path)
    findings = validate_resource_file(
        path, formato="XLSX", terms={"beneficiario_id": "", "nss": ""}, display_name="nss.xlsx"
    )
    nss = [f for f in findings if f.code == "datos-personales-nss"]
    assert nss and nss[0].rows == (2,) and "1234567897" not in nss[0].message


def test_private_address_and_free_text_phone_in_a_csv(check_csv):
    rows = [
        ["folio", "domicilio", "observaciones"],
        ["2024000123", "Privada Las Flores #12", "Llamar al 22 21 23 45 67 por la tarde"],
        ["2024000124", "Domicilio conocido", "Atendido con expediente 2221234567"],
    ]
    findings = check_csv(rows)
    assert {(f.code, f.column, f.row) for f in findings} == {
        ("datos-personales-domicilio", "domicilio", 2),
        ("datos-personales-telefono", "observaciones", 2),
    }
    address = [f for f in findings if f.code == "datos-personales-domicilio"][0]
    assert address.sample == "Privada Las Flores #**"
