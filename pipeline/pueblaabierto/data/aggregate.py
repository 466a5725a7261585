"""One finding per (problem, column) instead of one per cell.

A 100k-row file with a bad column must give the enlace one actionable line ("columna
monto, 98,512 filas, p. ej. filas 2, 3, 5...") rather than 98,512 lines. The collector
keeps counts, the first rows and a few samples, in constant memory per column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pueblaabierto.findings import Finding, Severity

MAX_ROWS = 1000  # rows kept in Finding.rows (for reports/exports)
SHOWN_ROWS = 10  # rows written in the message
MAX_SAMPLES = 3


@dataclass
class _Bucket:
    count: int = 0
    rows: list[int] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)


# Builds the Spanish message from (column, rows text, count, samples text).
MessageFn = Callable[[str | None, str, int, str], str]


@dataclass(frozen=True)
class Rule:
    """How one aggregated problem is reported."""

    code: str
    message: MessageFn
    suggestion: str
    severity: Severity = Severity.ERROR


class FindingCollector:
    """Accumulates cell/row problems and turns them into aggregated findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._buckets: dict[tuple[str, str | None], _Bucket] = {}
        self._rules: dict[str, Rule] = {}
        self._order: list[tuple[str, str | None]] = []

    def add(self, rule: Rule, column: str | None, row: int, sample: str | None = None) -> None:
        key = (rule.code, column)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket()
            self._rules[rule.code] = rule
            self._order.append(key)
        bucket.count += 1
        if len(bucket.rows) < MAX_ROWS and (not bucket.rows or bucket.rows[-1] != row):
            bucket.rows.append(row)
        if sample is not None and len(bucket.samples) < MAX_SAMPLES and sample not in bucket.samples:
            bucket.samples.append(sample)

    def count(self, code: str, column: str | None = None) -> int:
        bucket = self._buckets.get((code, column))
        return bucket.count if bucket else 0

    def rows(self, code: str, column: str | None = None) -> list[int]:
        bucket = self._buckets.get((code, column))
        return list(bucket.rows) if bucket else []

    def discard(self, code: str, column: str | None = None) -> None:
        """Drop a bucket (e.g. mixed-type candidates that turned out to be a text column)."""
        if self._buckets.pop((code, column), None) is not None:
            self._order.remove((code, column))

    def findings(self) -> list[Finding]:
        result = []
        for code, column in self._order:
            bucket = self._buckets[(code, column)]
            rule = self._rules[code]
            samples = ", ".join(f"«{s}»" for s in bucket.samples)
            result.append(
                Finding(
                    code=code,
                    message=rule.message(column, rows_text(bucket.rows, bucket.count), bucket.count, samples),
                    severity=rule.severity,
                    suggestion=rule.suggestion,
                    file=self.file,
                    column=column,
                    row=bucket.rows[0] if bucket.rows else None,
                    rows=tuple(bucket.rows),
                    sample=", ".join(bucket.samples) or None,
                    count=bucket.count,
                )
            )
        return result


def rows_text(rows: list[int], count: int) -> str:
    """'fila 7' / 'filas 2, 5 y 9' / 'filas 2, 3, ... (y 1,234 más)', as people read it."""
    if not rows:
        return ""
    shown = rows[:SHOWN_ROWS]
    if len(rows) == 1 and count <= 1:
        return f"fila {rows[0]}"
    listed = ", ".join(str(r) for r in shown)
    rest = count - len(shown)
    if rest > 0:
        return f"filas {listed} (y {rest:,} más)"
    if len(shown) > 1:
        listed = ", ".join(str(r) for r in shown[:-1]) + f" y {shown[-1]}"
    return f"filas {listed}"
