"""Precision and recall of the personal-data scan on the labelled corpus, as a floor.

The figures are recorded in benchmarks/validate/PERSONAL.md (benchmarks/validate/personal.py);
a change to the scanner that lowers them below these floors must say why."""

from __future__ import annotations

from tests.pipeline.data.personal_corpus import CORPUS, build, evaluate, load

PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.97


def test_committed_corpus_is_the_generated_one():
    assert load() == [tuple(row) for row in build()], f"regenerate {CORPUS.name}"


def test_precision_and_recall_floor():
    score = evaluate()
    assert score.precision() >= PRECISION_FLOOR, score.mistakes
    assert score.recall() >= RECALL_FLOOR, score.mistakes


def test_curp_shaped_folios_are_never_flagged_and_probable_curps_are():
    score = evaluate()
    assert score.fp["curp"] == 0 and score.fp["curp_probable"] == 0
    assert score.recall("curp_probable") == 1.0 and score.recall("curp") == 1.0


def test_each_kind_of_the_issue_is_found():
    score = evaluate()
    for kind in ("telefono", "domicilio", "nss"):
        assert score.recall(kind) >= 0.9, (kind, score.mistakes)
