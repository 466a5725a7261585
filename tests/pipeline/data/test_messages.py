"""Every Frictionless error type we can meet is worded in Spanish; unknown ones still say where."""

from __future__ import annotations

import pytest
from frictionless import errors as ferrors
from pueblaabierto.data import messages

FILE_LEVEL = [
    ferrors.BlankLabelError(note="", labels=["a", ""], row_numbers=[1], label="", field_name="field2", field_number=2),
    ferrors.DuplicateLabelError(
        note='at position "1"', labels=["a", "a"], row_numbers=[1], label="a", field_name="a2", field_number=2
    ),
    ferrors.IncorrectLabelError(note="", labels=["b"], row_numbers=[1], label="b", field_name="a", field_number=1),
    ferrors.BlankHeaderError(note="", labels=[], row_numbers=[1]),
    ferrors.EncodingError(note="'utf-8' codec can't decode byte 0xf1"),
    ferrors.SourceError(note="the source is empty"),
    ferrors.SchemeError(note="scheme 'ftp' is not supported"),
    ferrors.FormatError(note="cannot read xlsx"),
    ferrors.CompressionError(note="bad zip"),
]


@pytest.mark.parametrize("error", FILE_LEVEL, ids=lambda e: e.type)
def test_file_level_errors_are_spanish_with_place_and_fix(error):
    finding = messages.translate(error, "obras.csv")
    assert not finding.code.startswith("frictionless-")
    assert "obras.csv" in finding.message
    assert finding.suggestion and finding.file == "obras.csv"
    assert not any(word in finding.message for word in ("position", "the source", "Label"))
    if error.type != "duplicate-label":  # the one note worded in Spanish
        assert error.note not in finding.message or not error.note, "Frictionless' notes are English"


def test_empty_source_is_an_empty_file(tmp_path):
    from pueblaabierto.data import validate_resource_file

    path = tmp_path / "vacio.csv"
    path.write_text("", encoding="utf-8")
    findings = validate_resource_file(path, formato="CSV", terms={"a": ""}, display_name="vacio.csv")
    assert [f.code for f in findings] == ["archivo-vacio"]


@pytest.mark.parametrize(
    "error_type",
    ["type-error", "constraint-error", "blank-row", "duplicate-row", "extra-cell", "missing-cell", "unique-error"],
)
def test_row_level_types_have_spanish_rules(error_type):
    rule = messages.cell_rule(error_type)
    assert not rule.code.startswith("frictionless-")
    text = rule.message("monto", "filas 2 y 3", 2, "«x»")
    assert "filas 2 y 3" in text and rule.suggestion


def test_unknown_types_fall_back_but_say_where():
    rule = messages.cell_rule("sequential-value")
    assert rule.code == "frictionless-sequential-value"
    assert 'columna "folio", fila 7' in rule.message("folio", "fila 7", 1, "")
    error = ferrors.TableDimensionsError(note="filas esperadas 10")
    finding = messages.translate(error, "obras.csv")
    assert finding.code == "frictionless-table-dimensions" and "obras.csv" in finding.message
