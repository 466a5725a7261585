"""Benchmark: Entregas, from the upload of a FORM.317 to the server's report, and to the DataStore.

Issue 10 (deliverable 8) and issue 17 (item 4): on a CKAN of our own (fresh databases, the
production set-up: gunicorn + jobs worker), an enlace de datos abiertos uploads through
``submission_create`` as the browser does (multipart):

* each example of dataset_forms/ejemplos/ (workbook, data files, logo), and
* a generated submission of 100,000 rows (``--filas`` changes it; issue 17 asks 1,000,000),

and the clock runs until ``submission_show`` has the report (upload → report). For the generated
one it goes on: «Crear borradores» (``submission_apply``), the server's validation of the draft and
its DataStore load (upload → DataStore). Beside each, in the same run, the reference: the same
files through ``pueblaabierto validar`` on this machine (what the portal's job runs, without
upload, queue or storage).

    .venv/bin/python benchmarks/entregas/run.py                 # examples + 100,000 rows
    .venv/bin/python benchmarks/entregas/run.py --filas 1000000 # issue 17's million rows

Results are appended to benchmarks/entregas/RESULTS.md with date, machine, commit and load.
A benchmark, never a timed test. Files go to benchmarks/.work/entregas/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / "benchmarks" / ".work" / "entregas"
RESULTS = HERE / "RESULTS.md"
EJEMPLOS = REPO / "dataset_forms" / "ejemplos"
EXAMPLES = ["obra-publica", "presupuesto-capitulos", "programa-anual", "solicitudes-072", "wifi-publico"]
GOAL_REPORT_S = 10.0  # issue 17 item 4: upload → report of 100,000 rows
GOAL_DATASTORE_S = 30.0  # issue 17 item 4: upload → DataStore of 1,000,000 rows
FINAL = {"con_errores", "valida", "aplicada", "fallo", "interrumpida"}

sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "benchmarks" / "validate"))  # generate.py, used by the publish benchmark

from machine import append_record, describe, now  # noqa: E402


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or "?"


class Portal:
    def __init__(self, url: str, admin_token: str) -> None:
        self.url = url
        self.admin = admin_token

    def action(self, action: str, token: str, files: list[tuple[str, Any]] | None = None, **data: Any) -> Any:
        if files is None:
            response = requests.post(f"{self.url}/api/3/action/{action}", json=data,
                                     headers={"Authorization": token}, timeout=600)
        else:
            response = requests.post(f"{self.url}/api/3/action/{action}", data=data, files=files,
                                     headers={"Authorization": token}, timeout=600)
        body = response.json()
        if not body.get("success"):
            raise SystemExit(f"{action}: {response.status_code} {body.get('error')}")
        return body["result"]

    def enlace_for(self, id_dependencia: str, title: str) -> tuple[str, str]:
        """A dependencia with that ID and its enlace de datos abiertos; (org id, token)."""
        suffix = uuid.uuid4().hex[:6]
        org = self.action("organization_create", self.admin, name=f"dep-{id_dependencia}-{suffix}", title=title,
                          id_dependencia=id_dependencia, description="Dependencia del benchmark de entregas.")
        user = f"enlace{suffix}"
        self.action("user_create", self.admin, name=user, email=f"{user}@pueblacapital.gob.mx",
                    password=f"Contrasena-{suffix}-1")
        self.action("workflow_role_assign", self.admin, user=user, role="enlace_datos_abiertos",
                    organization=org["name"])
        return org["id"], self.action("api_token_create", self.admin, user=user, name="bench")["token"]

    def wait(self, action: str, token: str, done: Any, timeout: float = 3600, **data: Any) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = self.action(action, token, **data)
            if done(result):
                return result
            if time.monotonic() > deadline:
                raise SystemExit(f"{action} did not finish in {timeout} s: {result}")
            time.sleep(0.2)


def upload(portal: Portal, folder: Path, owner_org: str, token: str) -> tuple[float, dict]:
    """submission_create with every file of ``folder``; seconds until the report, and the entrega."""
    handles = [(path.name, path.open("rb")) for path in sorted(folder.iterdir()) if path.is_file()]
    files = [("formato" if name == "FORM.317.xlsx" else f"archivo{i}", (name, handle))
             for i, (name, handle) in enumerate(handles)]
    started = time.perf_counter()
    try:
        created = portal.action("submission_create", token, files=files, owner_org=owner_org,
                                oficio_numero="BENCH/0001/2026", oficio_fecha="2026-12-03")
    finally:
        for _, handle in handles:
            handle.close()
    entrega = portal.wait("submission_show", token, lambda e: e["state"] in FINAL, id=created["id"])
    return time.perf_counter() - started, entrega


def to_datastore(portal: Portal, entrega: dict, token: str, started: float) -> float:
    """«Crear borradores», then the server's validation and load of every draft; seconds since ``started``."""
    portal.action("submission_apply", token, id=entrega["id"])
    applied = portal.wait("submission_show", token, lambda e: e["state"] in FINAL - {"valida"}, id=entrega["id"])
    for dataset in applied["datasets"]:
        portal.wait("dataset_validation_show", token,
                    lambda s: s["status"] in ("valido", "con_errores", "fallo") and not s["stale"], id=dataset["id"])
        portal.wait("package_show", token,
                    lambda p: all(r.get("datastore_active") for r in p["resources"]
                                  if (r.get("format") or "").upper() == "CSV"), id=dataset["id"])
    return time.perf_counter() - started


def validar(folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pueblaabierto", "validar", str(folder / "FORM.317.xlsx"), "--json"],
                   capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filas", type=int, default=100_000, help="rows of the generated submission")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    import importlib.util

    from pueblaabierto.workbook.reader import read_submission

    # The publish benchmark's generator and fresh portal (benchmarks/publish/run.py), by path:
    # every benchmark folder has a run.py.
    spec = importlib.util.spec_from_file_location("publish_benchmark", REPO / "benchmarks" / "publish" / "run.py")
    assert spec is not None and spec.loader is not None
    publish_benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(publish_benchmark)
    start_portal, write_submission = publish_benchmark.start_portal, publish_benchmark.write_submission

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    generated = WORK / "generada"
    write_submission(generated, 1, args.filas)

    url, token, server = start_portal()
    portal = Portal(url, token)
    lines = []
    try:
        enlaces: dict[str, tuple[str, str]] = {}  # two examples may share a dependencia
        for name in EXAMPLES:
            folder = EJEMPLOS / name
            dep = read_submission(folder / "FORM.317.xlsx").dependencias[0]
            if str(dep.id_dependencia) not in enlaces:
                enlaces[str(dep.id_dependencia)] = portal.enlace_for(str(dep.id_dependencia), dep.title or name)
            org, enlace = enlaces[str(dep.id_dependencia)]
            seconds, entrega = upload(portal, folder, org, enlace)
            reference = validar(folder)
            lines.append(f"| {name} | {sum(1 for _ in folder.glob('*.csv'))} CSV | {entrega['state']} | "
                         f"{seconds:.1f} | {reference:.1f} | — |")
            print(lines[-1], flush=True)
        org, enlace = portal.enlace_for("101", "Dirección de Atención Ciudadana 101")
        started = time.perf_counter()
        seconds, entrega = upload(portal, generated, org, enlace)
        datastore = to_datastore(portal, entrega, enlace, started) if entrega["state"] == "valida" else float("nan")
        reference = validar(generated)
        lines.append(f"| generada, {args.filas:,} filas | 1 CSV | {entrega['state']} | {seconds:.1f} | "
                     f"{reference:.1f} | {datastore:.1f} |")
        print(lines[-1], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    record = (
        f"\n## {now()} — {describe()} — commit {_commit()} — carga {load}\n\n"
        "| Entrega | Archivos | Estado | Subida → reporte (s) | Referencia: `validar` local (s) | "
        "Subida → DataStore (s) |\n|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n\n"
        f"Metas (issue 17): 100 000 filas subida → reporte ≤ {GOAL_REPORT_S:.0f} s; "
        f"1 000 000 filas subida → DataStore ≤ {GOAL_DATASTORE_S:.0f} s.\n"
    )
    print(record)
    if not args.no_record:
        append_record(
            RESULTS,
            "# Benchmark: Entregas (subida → reporte, subida → DataStore)\n\n"
            "Generado por `benchmarks/entregas/run.py`; cada corrida agrega una sección. La referencia es\n"
            "`pueblaabierto validar` sobre los mismos archivos en la misma corrida.\n",
            record,
        )


if __name__ == "__main__":
    main()
