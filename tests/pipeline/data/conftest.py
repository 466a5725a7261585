"""Helpers for the data-file checks' tests: write small files in tmp_path and validate them."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from pueblaabierto.data import validate_resource_file
from pueblaabierto.findings import Finding


def write_csv(path: Path, rows: Iterable[Sequence[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def terms_for(header: Sequence[str]) -> dict[str, str]:
    return {name: f"Descripción de {name}" for name in header}


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str, column: str | None = None) -> Finding:
    matches = [f for f in findings if f.code == code and (column is None or f.column == column)]
    assert len(matches) == 1, f"expected one {code} ({column}), got {[(f.code, f.column) for f in findings]}"
    return matches[0]


@pytest.fixture
def check_csv(tmp_path: Path) -> Callable[..., list[Finding]]:
    """Write rows (header first) as CSV and validate them with a dictionary = the header."""

    def run(rows: list[Sequence[Any]], *, terms: dict[str, str] | None = None, name: str = "datos.csv", **kw: Any):
        path = write_csv(tmp_path / name, rows)
        return validate_resource_file(
            path, formato="CSV", terms=terms if terms is not None else terms_for(rows[0]), display_name=name, **kw
        )

    return run
