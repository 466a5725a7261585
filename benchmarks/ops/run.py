"""Benchmark: 50 concurrent readers for 60 s against the portal of ``make portal`` (issue 12).

Reference (Werkzeug, ``ckan run --threaded``, same 2-core machine): 35.7 requests/s, p95 3.05 s,
p99 4.1 s, 9 HTTP 500s. Goal: 0 errors, p95 < 500 ms for pages.

Run from the repository root while ``make portal`` is up (loopback only; wrk from Debian:
``apt-get install wrk``):

    .venv/bin/python benchmarks/ops/run.py                 # pages, API, and API+pages during a batch
    .venv/bin/python benchmarks/ops/run.py --duration 10 --no-record

Three runs of ``wrk -c 50 -t 2 -d 60s``: *páginas* (search pages and dataset pages), *API*
(``package_search`` and ``datastore_search``) on the idle portal, then *todo durante lote*
(both mixes, over the datasets that stay) while ``pueblaabierto lote`` republishes
dataset_forms/ejemplos (two example datasets are purged first, so the batch really publishes). Results are appended to
benchmarks/ops/RESULTS.md with date, machine, commit and the gunicorn worker count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = Path(__file__).with_name("RESULTS.md")

from machine import describe, now  # noqa: E402

LUA = r"""
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "errors": %%d, "http": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, errors, summary.errors.status))
end
"""


def credentials() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".var" / "credentials").read_text().splitlines():
        if line.startswith("export "):
            key, _, value = line[7:].partition("=")
            values[key] = value.strip("'")
    return values


def paths(url: str) -> dict[str, list[str]]:
    found = requests.get(f"{url}/api/3/action/package_search", params={"rows": 50}, timeout=60).json()["result"]
    names = [d["name"] for d in found["results"]]
    resources = [r["id"] for d in found["results"] for r in d["resources"] if r.get("datastore_active")]
    if not names or not resources:
        sys.exit("El portal no tiene conjuntos con DataStore: ejecute «make portal» (carga los ejemplos).")
    words = ["obra", "presupuesto", "internet", "solicitudes", "movilidad", ""]
    pages = [f"/dataset/?q={w}" for w in words] + [f"/dataset/{n}" for n in names]
    api = [f"/api/3/action/package_search?q={w}&rows=10" for w in words]
    api += [f"/api/3/action/datastore_search?resource_id={r}&limit=20" for r in resources]
    api += [f"/api/3/action/datastore_search?resource_id={r}&q=centro&limit=20" for r in resources]
    return {"páginas": pages, "API": api, "todo": pages + api}


def wrk(url: str, mix: list[str], duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(json.dumps(p) for p in mix))
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", "50", "-d", f"{duration}s", "--timeout", "30s", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(re.search(r"RESULT (\{.*\})", out).group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def purge_examples(url: str, token: str, count: int = 2) -> None:
    """Purges ``count`` datasets so the batch publishes them again; the readers use the others."""
    api = {"Authorization": token}
    names = requests.get(f"{url}/api/3/action/package_search", params={"rows": 100}, timeout=60).json()
    for dataset in names["result"]["results"][:count]:
        requests.post(f"{url}/api/3/action/dataset_purge", json={"id": dataset["id"]}, headers=api, timeout=120)


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--url", help="Otro servidor sobre las mismas bases (p. ej. ckan run, para comparar).")
    parser.add_argument("--servidor", help="Cómo anotar ese servidor en RESULTS.md.")
    parser.add_argument("--sin-lote", action="store_true", help="Solo las dos corridas en reposo.")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("Falta wrk: apt-get install wrk")
    access = credentials()
    url = args.url or access["CKAN_URL"]
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Solo contra el portal local (loopback).")
    mixes = paths(url)
    rows = []
    for label in ("páginas", "API"):
        rows.append((f"{label}, en reposo", wrk(url, mixes[label], args.duration)))
        print(rows[-1])
    note = "sin lote"
    if not args.sin_lote:
        note = during_batch(url, access["CKAN_API_TOKEN"], args.duration, rows)
    workers = subprocess.run(
        ["pgrep", "-c", "-f", f"gunicorn --bind 127.0.0.1:{urlsplit(url).port}"], capture_output=True, text=True
    ).stdout.strip()
    server = args.servidor or f"gunicorn sync, {int(workers or 1) - 1} procesos"
    print(note)
    if args.no_record:
        return
    load = os.getloadavg()[0]
    with open(RESULTS, "a", encoding="utf-8") as out:
        for label, r in rows:
            out.write(
                f"| {now()} | {describe()} | {commit()} | {server} | {label} "
                f"| {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} | {load:.1f} |\n"
            )


def during_batch(url: str, token: str, duration: int, rows: list) -> str:
    """The mixed run while ``pueblaabierto lote`` publishes purged examples again."""
    purge_examples(url, token)
    mix = paths(url)["todo"]  # only datasets that stay put while the batch runs
    batch = subprocess.Popen(
        [sys.executable, "-m", "pueblaabierto", "lote", str(ROOT / "dataset_forms" / "ejemplos"), "--ejemplos-demo"],
        env={**os.environ, "CKAN_URL": url, "CKAN_API_TOKEN": token, "PYTHONWARNINGS": "ignore"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    rows.append(("páginas y API, durante lote", wrk(url, mix, duration)))
    print(rows[-1])
    log = batch.communicate()[0]
    published = re.search(r"Publicados: (\d+)", log)
    return f"lote publicó {published.group(1) if published else '?'} conjuntos (código {batch.returncode})"


if __name__ == "__main__":
    main()
