"""Benchmark: `pueblaabierto lote` publishing 100 generated submissions to a local portal.

Goal (issue 6): 100 FORM.317 submissions of mixed sizes, about 1,000,000 data rows in all,
published with one `lote` call to a CKAN of our own (embedded runtime, fresh databases):
total time and rows per second into the DataStore; then the identical re-run, whose time
must be at most 20% of the first (it validates again but uploads and writes nothing).

Run from the repository root (PostgreSQL/Redis of the embedded runtime are started):

    .venv/bin/python benchmarks/publish/run.py                 # 100 submissions, ~1M rows
    .venv/bin/python benchmarks/publish/run.py --scale 0.05    # quick check, ~50k rows

Results are appended to benchmarks/publish/RESULTS.md with the date and the machine.
Files go to benchmarks/.work/publish/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / "benchmarks" / ".work" / "publish"
RESULTS = HERE / "RESULTS.md"
GOAL_RERUN_RATIO = 0.20

sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "benchmarks" / "validate"))

from generate import TERMS, generate  # noqa: E402
from machine import append_record, describe, now  # noqa: E402

# (submissions, rows each): 100 submissions, 1,000,000 rows, from a 200k-row log to small lists.
MIX = [(1, 200_000), (4, 50_000), (15, 20_000), (30, 8_000), (50, 1_200)]
DEPENDENCIAS = 10


def sizes(scale: float) -> list[int]:
    return [max(10, int(rows * scale)) for count, rows in MIX for _ in range(count)]


def write_submission(folder: Path, index: int, rows: int) -> None:
    """A valid FORM.317 (one dataset, one CSV) in ``folder``, written from the official template."""
    from PIL import Image
    from pueblaabierto.workbook import spec
    from pueblaabierto.workbook.template import build_template

    folder.mkdir(parents=True, exist_ok=True)
    dep = 100 + index % DEPENDENCIAS
    csv_name = f"solicitudes_{index:03d}.csv"
    generate(folder / csv_name, rows, seed=index)
    sheets = {
        spec.DEPENDENCIA.name: [
            [
                dep,
                f"Dirección de Atención Ciudadana {dep}",
                "Atiende las solicitudes de servicios públicos de la ciudadanía.",
                "logo.png",
            ]
        ],
        spec.DATASET.name: [
            [
                index,
                f"Solicitudes de servicio {index:03d}",
                "Solicitudes ciudadanas de servicios públicos recibidas por el Centro de Atención 072.",
                "solicitudes, servicios",
                dep,
                "Gobierno Abierto",
                "mensual",
                "Pedro Juárez Soto",
                "pedro.juarez@pueblacapital.gob.mx",
            ]
        ],
        spec.RECURSO.name: [
            [csv_name, "Tabla", f"Solicitudes {index:03d}", date(2024, 1, 1), date(2024, 12, 31), index, "CSV"]
        ],
        spec.DICCIONARIO.name: [[index, term, description] for term, description in TERMS.items()],
    }
    workbook = build_template()
    for sheet, sheet_rows in sheets.items():
        for row_number, values in enumerate(sheet_rows, start=2):
            for column, value in enumerate(values, start=1):
                workbook[sheet].cell(row=row_number, column=column, value=value)
    workbook.save(folder / "FORM.317.xlsx")
    Image.new("RGB", (16, 16), "#7A1F3D").save(folder / "logo.png")


def start_portal() -> tuple[str, str, subprocess.Popen]:
    from ckanext.pueblaabierto.embedded import settings
    from ckanext.pueblaabierto.embedded.environment import DatabasePair, Embedded

    sys.path.insert(0, str(REPO))
    from tests.live_ckan import free_port

    env = Embedded()
    env.start_services()
    pair = DatabasePair(main="ckan_bench", datastore="datastore_bench")
    env.ensure_databases(pair, recreate=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = env.write_ini(env.paths.var / "bench.ini", pair, site_url=url, plugins=settings.PLUGINS, redis_db=4)
    env.init_ckan_database(config)
    account = env.ensure_sysadmin(config, password=secrets.token_urlsafe(16))  # nobody logs in
    server = env.serve(config, port, log_file=env.paths.logs / "bench-ckan.log")
    env.wait_until_up(url, server)
    return url, account["token"], server


def lote(folder: Path, url: str, token: str) -> tuple[float, dict]:
    environment = {**os.environ, "CKAN_URL": url, "CKAN_API_TOKEN": token}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pueblaabierto", "lote", str(folder), "--json"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"lote failed ({completed.returncode}):\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")
    return seconds, json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every submission's rows")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    rows = sizes(args.scale)
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"Generating {len(rows)} submissions, {sum(rows):,} rows in {WORK} ...", flush=True)
    for index, count in enumerate(rows, start=1):
        write_submission(WORK / f"{index:03d}", index, count)

    url, token, server = start_portal()
    try:
        print(f"Portal at {url}; first run ...", flush=True)
        first_s, first = lote(WORK, url, token)
        loaded = sum(d["filas_datastore"] for s in first["solicitudes"] for d in s["datasets"])
        print(f"  {first_s:.1f} s, {first['publicados']} published, {loaded:,} rows", flush=True)
        print("Identical re-run ...", flush=True)
        second_s, second = lote(WORK, url, token)
        writes = sum(s["escrituras"] for s in second["solicitudes"])
        print(f"  {second_s:.1f} s, {second['sin_cambios']} unchanged, {writes} writes", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = second_s / first_s
    ok = first["publicados"] == len(rows) and second["sin_cambios"] == len(rows) and writes == 0
    verdict = "cumple" if ok and ratio <= GOAL_RERUN_RATIO else "NO cumple"
    record = (
        f"\n## {now()} — {describe()}\n\n"
        f"| Medida | Valor |\n|---|---|\n"
        f"| Solicitudes | {len(rows)} (filas por solicitud: {min(rows):,}–{max(rows):,}) |\n"
        f"| Filas cargadas al DataStore | {loaded:,} |\n"
        f"| Primera publicación (validación + carga) | {first_s:.1f} s |\n"
        f"| Filas por segundo al DataStore (filas / tiempo total) | {loaded / first_s:,.0f} |\n"
        f"| Re-publicación idéntica | {second_s:.1f} s ({ratio:.0%} de la primera; meta ≤ 20 %) |\n"
        f"| Escrituras en la re-publicación | {writes} |\n"
        f"| Carga media del sistema al terminar (1/5/15 min) | {' / '.join(f'{x:.1f}' for x in os.getloadavg())} |\n"
        f"| Resultado | {verdict} |\n"
    )
    print(record)
    if not args.no_record:
        append_record(
            RESULTS,
            "# Benchmark: pueblaabierto lote (publicación al portal)\n\n"
            "Generado por `benchmarks/publish/run.py`; cada corrida agrega una sección.\n",
            record,
        )


if __name__ == "__main__":
    main()
