"""Benchmark: `pueblaabierto validar` (all checks) vs plain `frictionless validate`.

Goal (issue 5): on a generated CSV of 1,000,000 rows x 10 columns, validating a FORM.317
submission whose resource is that CSV — workbook, metadata and ALL data checks, the
personal-data scan included — takes no longer than `frictionless validate` on the CSV
alone (ratio <= 1.0), with peak memory <= 400 MB.

Run from the repository root:

    .venv/bin/python benchmarks/validate/run.py             # 1,000,000 rows, 3 runs each
    .venv/bin/python benchmarks/validate/run.py --rows 100000 --runs 1

Each command runs in its own process under /usr/bin/time (wall time, peak RSS); the
median of the runs is reported and appended to benchmarks/validate/RESULTS.md with the
date, the machine and the versions. Files go to benchmarks/.work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
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
GOAL_RATIO = 1.0
GOAL_MB = 400

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "dataset_forms"))

from generate import COLUMNS, generate  # noqa: E402


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float
    exit_code: int


def measure(command: list[str], cwd: Path) -> Measure:
    """Wall time and peak RSS of a command via GNU time; the command must report the
    file valid, otherwise we would be timing an early exit."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *command],
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
        )
        seconds, kilobytes = Path(stats.name).read_text().split()[-2:]
    output = completed.stdout
    valid = completed.returncode == 0 and "INVALID" not in output and '"valid": false' not in output
    if not valid:
        raise SystemExit(f"{' '.join(command)} did not validate the file:\n{output[-3000:]}{completed.stderr[-2000:]}")
    return Measure(float(seconds), int(kilobytes) / 1024, completed.returncode)


def submission(csv_path: Path) -> Path:
    """A valid FORM.317 workbook whose only resource is the benchmark CSV."""
    import generar_ejemplos as forms
    from generate import TERMS

    example = forms.base()
    example.files = {"logo.png": forms.logo("BENCH")}
    example.recursos[0][0] = csv_path.name
    example.diccionario = forms.dictionary(1, list(TERMS.items()))
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

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, check=False
    ).stdout.strip()
    return (
        f"Python {platform.python_version()}, frictionless {frictionless.__version__}, "
        f"pandas {pandas.__version__}, pueblaabierto @ {commit or 'unknown'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="Do not append to RESULTS.md.")
    args = parser.parse_args()

    csv_path = WORK / f"bench_{args.rows}.csv"
    if not csv_path.exists():
        print(f"Generando {csv_path} ...", flush=True)
        generate(csv_path, args.rows)
    workbook = submission(csv_path)

    # (command, working directory): Frictionless only reads paths under its working directory.
    commands = {
        "frictionless validate": ([str(BIN / "frictionless"), "validate", csv_path.name], csv_path.parent),
        "pueblaabierto validar": ([str(BIN / "pueblaabierto"), "validar", str(workbook), "--json"], REPO),
    }
    load_before = os.getloadavg()
    results: dict[str, list[Measure]] = {name: [] for name in commands}
    for run in range(args.runs):
        for name, (command, cwd) in commands.items():  # interleaved, so drift affects both alike
            result = measure(command, cwd)
            results[name].append(result)
            print(f"run {run + 1}: {name}: {result.seconds:.2f} s, {result.peak_mb:.0f} MB", flush=True)

    base = statistics.median(m.seconds for m in results["frictionless validate"])
    ours = statistics.median(m.seconds for m in results["pueblaabierto validar"])
    peak = max(m.peak_mb for m in results["pueblaabierto validar"])
    ratio = ours / base
    # Runs are interleaved, so each pair saw similar machine load: their ratios are
    # steadier than the ratio of medians on a shared machine.
    pairs = [
        o.seconds / f.seconds
        for f, o in zip(results["frictionless validate"], results["pueblaabierto validar"], strict=True)
    ]
    load_after = os.getloadavg()
    verdict = "met" if ratio <= GOAL_RATIO and peak <= GOAL_MB else "NOT met"
    lines = [
        f"## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — {args.rows:,} rows x {len(COLUMNS)} columns",
        "",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        f"- File: {csv_path.stat().st_size / 2**20:.0f} MB CSV; median of {args.runs} run(s), each in its own process",
        f"- Load average (1 min) before/after: {load_before[0]:.1f} / {load_after[0]:.1f} "
        f"on {os.cpu_count()} cores (a shared machine makes single timings noisy)",
        "",
        "| command | median wall time (s) | runs (s) | peak RSS (MB) |",
        "|---|---|---|---|",
    ]
    for name, measures in results.items():
        runs = ", ".join(f"{m.seconds:.2f}" for m in measures)
        lines.append(
            f"| `{name}` | {statistics.median(m.seconds for m in measures):.2f} | {runs} | "
            f"{max(m.peak_mb for m in measures):.0f} |"
        )
    lines += [
        "",
        f"Per-run ratios: {', '.join(f'{r:.2f}' for r in pairs)}.",
        "",
        f"Ratio pueblaabierto / frictionless = **{ratio:.2f}** (goal <= {GOAL_RATIO}), peak {peak:.0f} MB "
        f"(goal <= {GOAL_MB} MB): goal **{verdict}**.",
        "",
    ]
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
