"""Peak memory of `pueblaabierto validar` on inputs built to cost memory, against the declared budget.

Run from the repository root:  .venv/bin/python benchmarks/validate/memory.py [--rows 250000]

Cases (each validated in its own process; peak RSS from getrusage of the child):

* ``form-pasted-sheet``: a valid FORM.317 (the obra-publica example) with an extra sheet of
  N pasted rows x 8 columns (the issue's 9 MB workbook at 250,000 rows). Reference: the same
  workbook loaded with openpyxl's normal mode, as the reader did before (904 MB reported).
* ``zip-bomb``: an XLSX data file that declares 1.1 GB uncompressed in 1.1 MB: refused
  before parsing.
* ``csv``: the 1,000,000-row benchmark CSV of run.py (generate.py), validated by
  ``validate_resource_file`` (the columnar pass), against the 200 MB goal of issue 17; and
  the same for a 3,000,000-row file (the peak must not grow with the file).

``--cases csv`` runs only the CSV cases (the pasted-sheet reference takes minutes).

Appends the results to benchmarks/validate/MEMORY.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "dataset_forms" / "ejemplos" / "obra-publica"
sys.path.insert(0, str(ROOT / "pipeline"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import append_record  # noqa: E402
from pueblaabierto.data.limits import DEFAULT_LIMITS  # noqa: E402


def pasted_form(folder: Path, rows: int) -> Path:
    from openpyxl import load_workbook

    shutil.copytree(EXAMPLE, folder, dirs_exist_ok=True)
    path = folder / "FORM.317.xlsx"
    book = load_workbook(path)
    sheet = book.create_sheet("Hoja pegada")
    sheet.append(["folio", "fecha", "colonia", "concepto", "monto", "avance", "responsable", "observaciones"])
    for i in range(rows):
        sheet.append(
            [
                f"OP-{i:07d}",
                dt.date(2024, 1 + i % 12, 1 + i % 28),
                f"Colonia {i % 480}",
                f"Concepto de obra número {i} en la junta auxiliar {i % 17}",
                (i * 7919) % 1_000_000 / 100,
                i % 101,
                f"Responsable {i % 350}",
                "Sin observaciones" if i % 3 else f"Revisar partida {i}",
            ]
        )
    book.save(path)
    return path


def bomb(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder, dirs_exist_ok=True)
    path = folder / "obras_publicas_2024.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a"])
    book.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/relleno.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(1100):
                member.write(block)
    return path


def measure(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter and return (seconds, its own peak RSS MB)."""
    wrapper = (
        "import time, sys; t = time.perf_counter()\n"
        + code
        # VmHWM, not getrusage: ru_maxrss survives exec and would carry this (parent) process' peak.
        + "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]"
        + "\nprint(time.perf_counter() - t, int(hwm) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True, text=True)
    seconds, peak = out.stdout.strip().splitlines()[-1].split()
    return float(seconds), float(peak)


def validate_code(path: Path) -> str:
    return (
        f"sys.path.insert(0, {str(ROOT / 'pipeline')!r})\n"
        "from pueblaabierto.validation import validate_submission\n"
        "from pueblaabierto.errors import UnusableInput\n"
        "try:\n"
        f"    r = validate_submission(__import__('pathlib').Path({str(path)!r}))\n"
        "    print(sorted({f.code for f in r.findings}), file=sys.stderr)\n"
        "except UnusableInput as e:\n"
        "    print(e.code, file=sys.stderr)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--cases", default="form,bomb,csv", help="Which cases: form, bomb, csv.")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    budget = DEFAULT_LIMITS.memory_budget_mb
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    lines = [
        f"\n## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — memory (budget {budget} MB)\n",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; pueblaabierto @ {commit.strip()}",
        "",
        "| case | input | wall time (s) | peak RSS (MB) | within budget |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if "csv" in cases:
            lines += csv_cases()
        if "form" in cases:
            lines += form_cases(Path(tmp), args.rows, budget)
        if "bomb" in cases:
            lines += bomb_case(Path(tmp), budget)
    text = "\n".join(lines) + "\n"
    print(text)
    append_record(
        Path(__file__).with_name("MEMORY.md"),
        "# Peak memory of the validator\n\nAppended by `benchmarks/validate/memory.py`; the budget is "
        "`memory_budget_mb` of `pipeline/pueblaabierto/data/limits.py`.\n",
        text,
    )


CSV_GOAL_MB = 200


def csv_cases() -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks" / "validate"))
    from generate import generate

    lines = []
    for rows in (1_000_000, 3_000_000):
        path = ROOT / "benchmarks" / ".work" / f"bench_{rows}.csv"
        if not path.exists():
            generate(path, rows)
        seconds, peak = measure(
            f"sys.path.insert(0, {str(ROOT / 'pipeline')!r})\n"
            f"sys.path.insert(0, {str(ROOT / 'benchmarks' / 'validate')!r})\n"
            "from generate import TERMS\n"
            "from pueblaabierto.data import validate_resource_file\n"
            f"f = validate_resource_file(__import__('pathlib').Path({str(path)!r}), formato='CSV', terms=TERMS, "
            "display_name='bench.csv')\n"
            "print([x.code for x in f], file=sys.stderr)"
        )
        lines.append(
            f"| CSV de run.py, `validate_resource_file` (vía columnar) | {rows:,} filas x 10, "
            f"{path.stat().st_size / 2**20:.0f} MB | {seconds:.1f} | {peak:.0f} | "
            f"{'sí' if peak <= CSV_GOAL_MB else 'NO'} (meta {CSV_GOAL_MB} MB) |"
        )
    return lines


def form_cases(tmp: Path, rows: int, budget: int) -> list[str]:
    lines = []
    if True:
        form = pasted_form(tmp / "pegada", rows)
        size = form.stat().st_size / 2**20
        seconds, peak = measure(validate_code(form))
        lines.append(
            f"| FORM.317 + hoja pegada, `validate_submission` | {rows:,} filas, {size:.1f} MB | {seconds:.1f} "
            f"| {peak:.0f} | {'sí' if peak <= budget else 'NO'} |"
        )
        seconds, peak = measure(f"from openpyxl import load_workbook\nload_workbook({str(form)!r}, data_only=True)")
        lines.append(
            f"| referencia: openpyxl modo normal (lector anterior) | {rows:,} filas, {size:.1f} MB "
            f"| {seconds:.1f} | {peak:.0f} | {'sí' if peak <= budget else 'NO'} |"
        )
    return lines


def bomb_case(tmp: Path, budget: int) -> list[str]:
    lines = []
    if True:
        path = bomb(tmp / "bomba")
        size = path.stat().st_size / 2**20
        seconds, peak = measure(
            f"sys.path.insert(0, {str(ROOT / 'pipeline')!r})\n"
            "from pueblaabierto.data import validate_resource_file\n"
            f"f = validate_resource_file(__import__('pathlib').Path({str(path)!r}), formato='XLSX', terms={{}}, "
            "display_name='b.xlsx')\n"
            "print([x.code for x in f], file=sys.stderr)"
        )
        lines.append(
            f"| bomba zip como recurso (rechazada) | {size:.1f} MB -> 1,100 MB declarados | {seconds:.1f} | {peak:.0f} "
            f"| {'sí' if peak <= budget else 'NO'} |"
        )
    return lines


if __name__ == "__main__":
    main()
