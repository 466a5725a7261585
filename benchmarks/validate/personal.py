"""Precision and recall of the personal-data scan on the labelled corpus; appends to PERSONAL.md.

Run from the repository root:  .venv/bin/python benchmarks/validate/personal.py
The corpus and how it is scored: tests/pipeline/data/personal_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "pipeline"), str(ROOT / "benchmarks")]

from machine import append_record, describe  # noqa: E402

from tests.pipeline.data.personal_corpus import CORPUS, evaluate, load  # noqa: E402


def main() -> None:
    rows = load()
    score = evaluate(rows)
    columnar = evaluate(rows, columnar=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    kinds = sorted(set(score.tp) | set(score.fp) | set(score.fn))
    lines = [
        f"\n## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — pueblaabierto @ {commit.strip()}\n",
        f"Máquina: {describe()}.",
        f"Corpus: {CORPUS.relative_to(ROOT)} ({len(rows)} celdas, {sum(1 for r in rows if r[2])} con dato personal).",
        "",
        f"**Total: precisión {score.precision():.3f}, exhaustividad (recall) {score.recall():.3f}**",
        "",
        f"Por la vía columnar (prefiltros de Arrow, data/columnar.py): precisión {columnar.precision():.3f}, "
        f"exhaustividad {columnar.recall():.3f}"
        + (" — mismos aciertos y errores." if columnar.mistakes == score.mistakes else " — DIFIERE de las filas."),
        "",
        "| tipo | VP | FP | FN | precisión (filas) | recall (filas) | precisión (columnar) | recall (columnar) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in kinds:
        lines.append(
            f"| {kind} | {score.tp[kind]} | {score.fp[kind]} | {score.fn[kind]} | {score.precision(kind):.3f} "
            f"| {score.recall(kind):.3f} | {columnar.precision(kind):.3f} | {columnar.recall(kind):.3f} |"
        )
    numeric = evaluate(rows, tipo="integer")
    numeric_columnar = evaluate(rows, tipo="integer", columnar=True)
    lines += [
        "",
        f"Celdas numéricas (tipo integer: NSS escritos como número en XLSX, sin su cero inicial, entre folios, "
        f"montos y claves que no lo son; {sum(1 for r in rows if r[3] == 'integer')} celdas): filas precisión "
        f"{numeric.precision():.3f} / recall {numeric.recall():.3f}; columnar precisión "
        f"{numeric_columnar.precision():.3f} / recall {numeric_columnar.recall():.3f}.",
    ]
    if score.mistakes:
        lines += ["", "Errores:", ""]
        lines += [
            f"- `{c}`: «{v}» — esperado {e or '(nada)'}, encontrado {f or '(nada)'}" for c, v, e, f in score.mistakes
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    append_record(
        Path(__file__).with_name("PERSONAL.md"),
        "# Precision and recall of the personal-data scan\n\nAppended by `benchmarks/validate/personal.py`; "
        "the floors asserted are in `tests/pipeline/data/test_personal_corpus.py`.\n",
        text,
    )


if __name__ == "__main__":
    main()
