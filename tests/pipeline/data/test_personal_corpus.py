"""Precision and recall of the personal-data scan on the labelled corpus, as a floor.

The figures are recorded in benchmarks/validate/PERSONAL.md (benchmarks/validate/personal.py);
a change to the scanner that lowers them below these floors must say why."""

from __future__ import annotations

import pytest

from tests.pipeline.data.personal_corpus import CORPUS, build, evaluate, load

PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.97


def test_committed_corpus_is_the_generated_one():
    assert load() == [tuple(row) for row in build()], f"regenerate {CORPUS.name}"


@pytest.mark.parametrize("columnar", [False, True], ids=["filas", "columnar"])
def test_precision_and_recall_floor(columnar):
    """The floor holds on both paths: the row path and the columnar (pyarrow) prefilters."""
    score = evaluate(columnar=columnar)
    assert score.precision() >= PRECISION_FLOOR, score.mistakes
    assert score.recall() >= RECALL_FLOOR, score.mistakes


@pytest.mark.parametrize("columnar", [False, True], ids=["filas", "columnar"])
def test_nss_stored_as_numbers_are_found_without_their_leading_zero(columnar):
    score = evaluate(columnar=columnar, tipo="integer")
    assert score.tp["nss"] == 16 and score.fn["nss"] == 0, score.mistakes
    assert sum(score.fp.values()) == 0, score.mistakes  # record numbers and amounts are not NSS


def test_nss_typed_as_numbers_in_a_real_xlsx_is_reported(tmp_path):
    from openpyxl import Workbook
    from pueblaabierto.data import validate_resource_file

    nss = [row[1] for row in build() if row[3] == "integer" and row[2] == "nss"][:3]
    book = Workbook()
    book.active.append(["trabajador", "nss"])
    for i, value in enumerate(nss):
        book.active.append([f"Persona {i}", int(value)])  # a number cell, as Excel keeps it
    path = tmp_path / "plantilla.xlsx"
    book.save(path)
    findings = validate_resource_file(path, formato="XLSX", terms={"trabajador": "t", "nss": "n"},
                                      display_name="plantilla.xlsx")
    assert [(f.code, f.column) for f in findings if f.column == "nss"] == [("datos-personales-nss", "nss")], findings


def test_curp_shaped_folios_are_never_flagged_and_probable_curps_are():
    score = evaluate()
    assert score.fp["curp"] == 0 and score.fp["curp_probable"] == 0
    assert score.recall("curp_probable") == 1.0 and score.recall("curp") == 1.0


def test_each_kind_of_the_issue_is_found():
    score = evaluate()
    for kind in ("telefono", "domicilio", "nss"):
        assert score.recall(kind) >= 0.9, (kind, score.mistakes)
