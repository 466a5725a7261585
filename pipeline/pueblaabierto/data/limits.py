"""Declared maximums of what the validator accepts: the one place the CLI and the portal read.

Every limit is checked BEFORE the expensive work it protects: a file's size before it is
opened, a zip's declared uncompressed size and ratio before any member is inflated (zip
bombs: an XLSX of 2.8 MB can inflate to 1.1 GB), the number of columns before the rows
are read, the rows while they stream. The portal will expose these values as config
options (``ckanext.pueblaabierto.validation.*``); ``Limits.from_mapping`` turns such a
mapping into a ``Limits`` so both sides share the names and defaults declared here.

``memory_budget_mb`` is the peak resident memory a validation run must stay under whatever
the input (benchmarks/validate/MEMORY.md records the measured peaks against it); the other
limits are chosen so that the largest file they admit fits in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # A data file as delivered (CSV, XLSX, GeoJSON, zipped SHP...).
    max_file_mb: int = 512
    # The FORM.317 workbook: a few sheets of a few rows; anything bigger is pasted data.
    max_form_mb: int = 20
    # Everything inside a zip container (XLSX, ODS, SHP zip, KMZ), as declared by the zip.
    max_uncompressed_mb: int = 1024
    # Uncompressed / compressed size of a container; real XLSX stay under 20-30.
    max_compression_ratio: int = 100
    # Data rows and columns of one table.
    max_rows: int = 2_000_000
    max_columns: int = 500
    # Rows of any one sheet of the FORM.317 read into memory; the official sheets have
    # tens of rows, so the rest of a pasted sheet is never read.
    max_form_sheet_rows: int = 5_000
    # Formats that are read whole into memory (ODS through odfpy's DOM, GeoJSON/KML/SHP
    # through geopandas) cost ~8-10x their size: this keeps them inside the budget.
    max_in_memory_mb: int = 60
    # ODS through odfpy costs far more: ~25 MB of memory per MB of content.xml on top of a
    # ~180 MB base (measured, benchmarks/validate/MEMORY.md, 2026-12-03), so its uncompressed
    # size has its own, lower cap; larger tables go as CSV, which streams.
    max_ods_mb: int = 12
    # Peak resident memory of a validation run.
    memory_budget_mb: int = 600

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_form_bytes(self) -> int:
        return self.max_form_mb * MB

    @property
    def max_in_memory_bytes(self) -> int:
        return self.max_in_memory_mb * MB

    @property
    def max_ods_bytes(self) -> int:
        return self.max_ods_mb * MB

    @property
    def max_uncompressed_bytes(self) -> int:
        return self.max_uncompressed_mb * MB

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Limits:
        """Limits from a config mapping (keys as the field names; unknown keys ignored,
        missing ones keep their default)."""
        known = {f.name: f.type for f in dataclasses.fields(cls)}
        given = {key: int(value) for key, value in values.items() if key in known and value not in (None, "")}
        return cls(**given)


DEFAULT_LIMITS = Limits()
