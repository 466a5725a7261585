"""Benchmark: `pueblaabierto validar` (all checks) vs plain `frictionless validate`.

Goal (issue 17, item 2): on the generated CSV of 1,000,000 rows x 10 columns, validating a
FORM.317 submission whose resource is that CSV — workbook, metadata and ALL data checks,
the personal-data scan included — takes at most 0.25x the wall time of `frictionless
validate` on the CSV alone, with peak memory <= 200 MB.

Two files, each measured against `frictionless validate` in the same run:

* ``bench``: generate.py, 1,000,000 rows x 10 clean columns (the goal's file);
* ``sac072``: generate_072.py, a real-shaped «072» citizen-requests export (17 columns,
  free text, accents, addresses, mixed date formats, a few personal-data cells), written
  by a separate generator with another structure. It has findings, so validity is not
  required there; the time to the full report is what is measured.

Run from the repository root:

    .venv/bin/python benchmarks/validate/run.py                  # both files, best of 3 each
    .venv/bin/python benchmarks/validate/run.py --files bench --rows 100000 --runs 1

Each command runs in its own process under /usr/bin/time (wall, user+system CPU, peak
RSS); runs alternate between the two commands so load drifts affect both alike, and the
best of the runs (the least disturbed by the other users of a shared machine) is kept for
each side and each measure. The load average before and after is recorded. Results are
appended to benchmarks/validate/RESULTS.md. Files go to benchmarks/.work/ (git-ignored).
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / "benchmarks" / ".work"
RESULTS = HERE / "RESULTS.md"
BIN = Path(sys.executable).parent
GOAL_RATIO = 0.25
GOAL_MB = 200

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "dataset_forms"))

from generate import generate  # noqa: E402


@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu: float  # user + system seconds
    peak_mb: float
    exit_code: int


def measure(command: list[str], cwd: Path, *, must_be_valid: bool) -> Measure:
    """Wall time, CPU time and peak RSS of a command via GNU time. On the clean file the
    command must report it valid (otherwise we would be timing an early exit); on the
    072 file it must finish its report (exit code 0 or 1, no traceback)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", stats.name, *command],
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
        )
        seconds, user, system, kilobytes = Path(stats.name).read_text().split()[-4:]
    output = completed.stdout
    valid = completed.returncode == 0 and "INVALID" not in output and '"valid": false' not in output
    finished = completed.returncode in (0, 1) and "Traceback" not in completed.stderr
    if (must_be_valid and not valid) or not finished:
        raise SystemExit(f"{' '.join(command)} did not validate the file:\n{output[-3000:]}{completed.stderr[-2000:]}")
    return Measure(float(seconds), float(user) + float(system), int(kilobytes) / 1024, completed.returncode)


def submission(csv_path: Path, terms: dict[str, str]) -> Path:
    """A valid FORM.317 workbook whose only resource is the benchmark CSV."""
    import generar_ejemplos as forms

    example = forms.base()
    example.files = {"logo.png": forms.logo("BENCH")}
    example.recursos[0][0] = csv_path.name
    example.diccionario = forms.dictionary(1, list(terms.items()))
    folder = csv_path.parent
    example_dir = folder / "submission"
    example.write(example_dir)
    target = example_dir / csv_path.name
    try:
        os.link(csv_path, target)  # same bytes, no copy (the validator refuses symlinks out of the folder)
    except OSError:
        shutil.copyfile(csv_path, target)
    return example_dir / example.form_name


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    ram = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {ram:.1f} GiB RAM, {platform.system()} {platform.release()}"


def versions() -> str:
    import frictionless
    import pandas
    import pyarrow

    return (
        f"Python {platform.python_version()}, frictionless {frictionless.__version__}, "
        f"pyarrow {pyarrow.__version__}, pandas {pandas.__version__}, pueblaabierto @ {commit() or 'unknown'}"
    )


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, check=False
    ).stdout.strip()


def run_file(name: str, csv_path: Path, terms: dict[str, str], runs: int, *, must_be_valid: bool) -> list[str]:
    workbook = submission(csv_path, terms)
    # (command, working directory): Frictionless only reads paths under its working directory.
    commands = {
        "frictionless validate": ([str(BIN / "frictionless"), "validate", csv_path.name], csv_path.parent),
        "pueblaabierto validar": ([str(BIN / "pueblaabierto"), "validar", str(workbook), "--json"], REPO),
    }
    load_before = os.getloadavg()
    results: dict[str, list[Measure]] = {command: [] for command in commands}
    for run in range(runs):
        for command, (argv, cwd) in commands.items():  # interleaved, so drift affects both alike
            result = measure(argv, cwd, must_be_valid=must_be_valid)
            results[command].append(result)
            print(
                f"{name} run {run + 1}: {command}: {result.seconds:.2f} s wall, {result.cpu:.2f} s CPU, "
                f"{result.peak_mb:.0f} MB",
                flush=True,
            )
    load_after = os.getloadavg()
    base, ours = results["frictionless validate"], results["pueblaabierto validar"]
    wall_ratio = min(m.seconds for m in ours) / min(m.seconds for m in base)
    cpu_ratio = min(m.cpu for m in ours) / min(m.cpu for m in base)
    peak = max(m.peak_mb for m in ours)
    with csv_path.open(encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    lines = [
        f"## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — {name}: {csv_path.name}",
        "",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        f"- File: {csv_path.stat().st_size / 2**20:.0f} MB CSV, {rows:,} lines of data ({name}); best of {runs} "
        "run(s) per side, each in its own process, runs alternated",
        f"- Load average (1 min) before/after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} cores "
        "(a machine shared with other work: wall times stretch with the load, CPU times much less)",
        "",
        "| command | best wall (s) | best CPU (s) | runs: wall / CPU (s) | peak RSS (MB) | exit |",
        "|---|---|---|---|---|---|",
    ]
    for command, measures in results.items():
        runs_text = ", ".join(f"{m.seconds:.1f} / {m.cpu:.1f}" for m in measures)
        lines.append(
            f"| `{command}` | {min(m.seconds for m in measures):.2f} | {min(m.cpu for m in measures):.2f} | "
            f"{runs_text} | {max(m.peak_mb for m in measures):.0f} | {measures[-1].exit_code} |"
        )
    verdict = "met" if wall_ratio <= GOAL_RATIO and peak <= GOAL_MB else "NOT met"
    lines += [
        "",
        f"Ratio pueblaabierto / frictionless: wall **{wall_ratio:.2f}**, CPU **{cpu_ratio:.2f}** "
        f"(goal <= {GOAL_RATIO} on the 1M file); peak {peak:.0f} MB (goal <= {GOAL_MB} MB)"
        + (f": goal **{verdict}**." if name == "bench" else "."),
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows of the clean file (generate.py).")
    parser.add_argument("--rows-072", type=int, default=300_000, help="Rows of the 072 export (generate_072.py).")
    parser.add_argument("--files", default="bench,sac072", help="Which files: bench, sac072 or both.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="Do not append to RESULTS.md.")
    args = parser.parse_args()

    import generate_072
    from generate import TERMS

    lines: list[str] = []
    for name in args.files.split(","):
        if name == "bench":
            csv_path = WORK / f"bench_{args.rows}.csv"
            if not csv_path.exists():
                print(f"Generando {csv_path} ...", flush=True)
                generate(csv_path, args.rows)
            lines += run_file(name, csv_path, TERMS, args.runs, must_be_valid=True)
        else:
            csv_path = WORK / f"sac072_{args.rows_072}.csv"
            if not csv_path.exists():
                print(f"Generando {csv_path} ...", flush=True)
                generate_072.generate(csv_path, args.rows_072)
            lines += run_file(name, csv_path, generate_072.TERMS, args.runs, must_be_valid=False)
    text = "\n".join(lines)
    print("\n" + text)
    if not args.no_record:
        header = ""
        if not RESULTS.exists():
            header = "# Validation benchmark results\n\nAppended by `benchmarks/validate/run.py`.\n\n"
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(header + text + "\n")


if __name__ == "__main__":
    main()
