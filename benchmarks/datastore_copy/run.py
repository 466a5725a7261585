"""Benchmark: the server's DataStore loader (loading/copy.py) vs a plain psql COPY, same run.

Goal (issue 17, item 1): 1,000,000 rows x 10 columns loaded in <= 2x the time of a plain
``COPY`` of the same CSV into a same-typed table, and >= 100,000 rows/s. For reference, the
old path (rows as JSON through ``datastore_upsert`` in chunks of 2,000, as ``publicar`` did)
on 100,000 rows, called in process (no HTTP: a lower bound of what it cost over the API).
Three moments of the loader are compared with the plain COPY of the same run: the table
served (every row, filters, sort, SQL and ``q`` complete, ``_full_text`` still pending),
the Spanish full text in, and CKAN's indexes built.

    .venv/bin/python benchmarks/datastore_copy/run.py                  # 1,000,000 rows
    .venv/bin/python benchmarks/datastore_copy/run.py --rows 100000 --no-record

Its own databases (ckan_bench_copy / datastore_bench_copy, re-created), the embedded
PostgreSQL. Timings of the loader are split by phase: schema inference, COPY into the staging
table, its key, the swap (the table is served), the Spanish full text (``_full_text``, computed
by several connections at once into a second staging table swapped in), and CKAN's indexes.
The plain COPY is psql's ``\\copy`` into a table with the loader's column types and no
``_full_text``/indexes, run before and after the loader (the machine is shared: the load
average is recorded, and both references are kept). Results: RESULTS.md next to this file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "validate"))
WORK = ROOT / "benchmarks" / ".work" / "datastore_copy"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

from generate import TERMS, generate  # noqa: E402
from machine import append_record, describe, now  # noqa: E402

HEADING = """# Resultados: carga al DataStore en el servidor (COPY) frente a COPY simple

Generados por `benchmarks/datastore_copy/run.py`. Meta (issue 17): 1 000 000 filas × 10 columnas en
≤ 2× el tiempo de un `COPY` simple del mismo CSV a una tabla con los mismos tipos, y ≥ 100 000 filas/s.
«COPY simple» es `psql \\copy` a una tabla con los tipos del cargador, sin `_full_text` ni índices,
medido antes y después del cargador en la misma corrida. «Cargador» es `loading.copy.load_file`
completo (esquema, tabla de preparación con el DDL de CKAN, COPY, `_full_text` en español calculado
en paralelo, intercambio atómico, índices de CKAN). «upsert» es la ruta anterior (filas como JSON por
`datastore_upsert` en bloques de 2 000) en el proceso, sin HTTP. La máquina es compartida con
otras sesiones: «Carga» es el promedio de carga (1 min) al empezar y al terminar.

"""
# From the loader that serves the table before its full text (the columns changed).
SERVED_HEADING = """
## Tabla servida antes del texto completo

«Tabla servida»: filas, llave, intercambio; desde ahí toda búsqueda (también `q`) es completa.
«Texto completo»: además `_full_text` calculado y la tabla intercambiada de nuevo. «Índices»:
además los índices de CKAN. Cada uno en segundos desde el inicio y en × el COPY simple más rápido
de la corrida.

"""
SERVED_HEADING += (
    "| Fecha | Commit | Máquina | Carga | Filas | COPY simple antes/después (s) | Tabla servida (s, ×) "
    "| Texto completo (s, ×) | Índices (s, ×) | Fases del cargador | Filas/s hasta servir "
    "| Sin texto completo, servida (s, ×) | Sin cambios | upsert (filas, s, filas/s) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def prepare(ini: Path) -> None:
    sys.path.insert(0, str(ROOT / "ckanext-pueblaabierto"))
    from ckanext.pueblaabierto.embedded import settings
    from ckanext.pueblaabierto.embedded.environment import DatabasePair, Embedded

    env = Embedded()
    env.start_services()
    pair = DatabasePair("ckan_bench_copy", "datastore_bench_copy")
    env.ensure_databases(pair, recreate=True)
    WORK.mkdir(parents=True, exist_ok=True)
    # The portal's plugins but the FORM.317 schemas (the bench dataset has no FORM.317 metadata).
    plugins = [name for name in settings.PLUGINS if not name.startswith(("scheming", "dcat", "structured"))]
    env.write_ini(ini, pair, site_url="http://bench.ckan.net", plugins=plugins, redis_db=6,
                  extra={"ckan.site_id": "bench-copy"})
    env.init_ckan_database(ini)


def plain_copy(write_url: str, csv_path: Path, fields: list[dict]) -> float:
    columns = ", ".join(f'"{f["id"]}" {f["type"]}' for f in fields)
    script = (
        "DROP TABLE IF EXISTS bench_plain_copy;\n"
        f"CREATE TABLE bench_plain_copy ({columns});\n"
        f"\\copy bench_plain_copy FROM '{csv_path}' WITH (FORMAT csv, HEADER true)\n"
    )
    started = time.perf_counter()
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", write_url], input=script, text=True, check=True)
    seconds = time.perf_counter() - started
    subprocess.run(["psql", "-q", write_url, "-c", "DROP TABLE bench_plain_copy"], check=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--upsert-rows", type=int, default=100_000)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()  # the code this run imports

    csv_path = WORK / f"datos_{args.rows}.csv"
    if not csv_path.exists():
        generate(csv_path, args.rows)
    small = WORK / f"datos_{args.upsert_rows}.csv"
    if not small.exists():
        generate(small, args.upsert_rows)
    ini = WORK / "bench.ini"
    print("Preparando bases de datos…", flush=True)
    prepare(ini)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ini))
    app = make_app(config)
    write_url = config["ckan.datastore.write_url"]
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        from ckan.tests.helpers import call_action
        from ckanext.pueblaabierto.loading import copy
        from pueblaabierto.publish import datastore as shared
        from pueblaabierto.publish.mapping import sha256_file

        admin = model.User(name="bench-admin", email="bench@example.com", sysadmin=True)
        model.Session.add(admin)
        model.Session.commit()
        ctx = {"user": admin.name, "ignore_auth": True}
        org = call_action("organization_create", context=dict(ctx), name="bench", title="Bench")

        def new_resource(name: str) -> str:
            pkg = call_action("package_create", context=dict(ctx), name=name, owner_org=org["id"], private=True,
                              resources=[{"name": name, "url": "http://example.com/x.csv", "format": "CSV"}])
            return pkg["resources"][0]["id"]

        schema = shared.table_schema(csv_path, TERMS, "CSV")
        header, _rows = shared.read_rows(csv_path)
        fields = shared.datastore_fields(header, schema, TERMS)
        print("Tipos:", ", ".join(f"{f['id']}={f['type']}" for f in fields), flush=True)

        copy_before = plain_copy(write_url, csv_path, fields)
        print(f"COPY simple (antes): {copy_before:.2f} s", flush=True)

        resource_id = new_resource("bench-copy")
        digest = sha256_file(csv_path)
        started = time.perf_counter()
        result = copy.load_file(resource_id, csv_path, sha256=digest, terms=TERMS, formato="CSV")
        loader = time.perf_counter() - started
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
        print(f"Cargador: {loader:.2f} s, {result.rows} filas ({result.mode}; {phases})", flush=True)
        assert result.rows == args.rows

        started = time.perf_counter()
        again = copy.load_file(resource_id, csv_path, sha256=digest, terms=TERMS, formato="CSV")
        unchanged = time.perf_counter() - started
        assert again.skipped
        print(f"Repetición sin cambios: {unchanged * 1000:.1f} ms, 0 escrituras", flush=True)

        # Where the time goes: the same loader without the Spanish full text.
        bare_id = new_resource("bench-sin-texto")
        started = time.perf_counter()
        bare = copy.load_file(bare_id, csv_path, sha256=digest, terms=TERMS, formato="CSV", full_text=False)
        bare_total = time.perf_counter() - started
        bare_phases = ", ".join(f"{k} {v:.2f} s" for k, v in bare.seconds.items())
        print(f"Cargador sin texto completo: {bare_total:.2f} s ({bare_phases})", flush=True)

        copy_after = plain_copy(write_url, csv_path, fields)
        print(f"COPY simple (después): {copy_after:.2f} s", flush=True)

        # The old path: JSON rows through datastore_upsert, 2,000 per call, as publicar sent them.
        upsert_id = new_resource("bench-upsert")
        small_schema = shared.table_schema(small, TERMS, "CSV")
        small_header, rows = shared.read_rows(small)
        small_fields = shared.datastore_fields(small_header, small_schema, TERMS)
        converters = [shared.converter(d, False) for d in shared.aligned(small_header, small_schema)]
        started = time.perf_counter()
        call_action("datastore_create", context=dict(ctx), resource_id=upsert_id, fields=small_fields, force=True)
        chunk: list[dict] = []
        sent = 0
        for row in rows:
            chunk.append({n: c(v) for n, c, v in zip(small_header, converters, row, strict=True)})
            if len(chunk) == shared.CHUNK_ROWS:
                call_action("datastore_upsert", context=dict(ctx), resource_id=upsert_id, records=chunk,
                            method="insert", force=True)
                sent += len(chunk)
                chunk = []
        if chunk:
            call_action("datastore_upsert", context=dict(ctx), resource_id=upsert_id, records=chunk,
                        method="insert", force=True)
            sent += len(chunk)
        upsert = time.perf_counter() - started
        print(f"datastore_upsert: {sent} filas en {upsert:.2f} s ({sent / upsert:,.0f} filas/s)", flush=True)

    load_end = os.getloadavg()[0]
    copy_ref = min(copy_before, copy_after)
    moments = milestones(result.seconds)
    served, texted, indexed = moments["servida"], moments["texto completo"], moments["indices"]
    rate = args.rows / served
    bare_served = milestones(bare.seconds)["servida"]  # the same loader, _full_text left empty

    def versus(seconds: float) -> str:
        return f"{seconds:.2f} s = {seconds / copy_before:.1f}× / {seconds / copy_after:.1f}×"

    summary = (
        f"Carga {load_start:.1f} → {load_end:.1f}; COPY simple antes {copy_before:.2f} s / después {copy_after:.2f} s. "
        f"Tabla servida {versus(served)} ({rate:,.0f} filas/s); texto completo {versus(texted)}; "
        f"índices {versus(indexed)}; sin texto completo, servida {versus(bare_served)}; "
        f"upsert {args.upsert_rows:,} filas {upsert:.1f} s ({sent / upsert:,.0f} filas/s)"
    )
    print(summary)
    if not args.no_record:
        existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        if SERVED_HEADING.strip() not in existing:
            append_record(RESULTS, HEADING, SERVED_HEADING)
        append_record(
            RESULTS, HEADING,
            f"| {now()} | {commit} | {describe()} | {load_start:.1f} → {load_end:.1f} | {args.rows:,} "
            f"| {copy_before:.2f} / {copy_after:.2f} | {served:.2f}, {served / copy_ref:.1f} "
            f"| {texted:.2f}, {texted / copy_ref:.1f} | {indexed:.2f}, {indexed / copy_ref:.1f} | {phases} "
            f"| {rate:,.0f} | {bare_served:.2f}, {bare_served / copy_ref:.1f} "
            f"| {unchanged * 1000:.0f} ms | {sent:,}, {upsert:.1f}, {sent / upsert:,.0f} |\n",
        )
        print(f"Anotado en {RESULTS.relative_to(ROOT)}")


def milestones(seconds: dict[str, float]) -> dict[str, float]:
    """Seconds from the start of the load until the table is served (after the swap), the full
    text is in, and the indexes are built (the phases run one after the other)."""
    elapsed = 0.0
    found: dict[str, float] = {}
    for phase, spent in seconds.items():
        elapsed += spent
        if phase == "intercambio":
            found["servida"] = elapsed
        elif phase in ("texto completo", "indices"):
            found[phase] = elapsed
    found.setdefault("texto completo", found["servida"])
    found.setdefault("indices", found["texto completo"])
    return found


if __name__ == "__main__":
    main()
