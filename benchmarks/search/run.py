"""Benchmark: the PostgreSQL search backend as the catalogue grows (issue 17, item 3).

Goals: ``package_search`` p95 <= 25 ms at 10,000 datasets and <= 50 ms at 100,000 over
300 queries mixing text, 2 fq clauses and the portal's 6 facets; a full index rebuild
(``ckan search-index rebuild``) of 10,000 datasets <= 30 s, on our 2-core machine.

Run from the repository root (the embedded PostgreSQL and Redis are started):

    .venv/bin/python benchmarks/search/run.py                       # 10,000 then 100,000
    .venv/bin/python benchmarks/search/run.py --sizes 1000,5000 --queries 100 --no-record

It uses its own databases (ckan_bench_search, datastore_bench_search), recreated on
each run, and benchmarks/.work/search/ (git-ignored). Datasets are generated with a
fixed seed and written straight to CKAN's tables (loading is not what we measure).
At the first size the index is rebuilt by ``ckan search-index rebuild`` (timed, as a
subprocess, so start-up is included), first with the reference commit's backend, then
with the current one; each further size adds datasets and indexes them with
``rebuild -o``. Queries run in-process through the ``package_search`` action as an
anonymous visitor (permission labels applied), each with the reference commit's query
class and with the current one in turn, so both see the same load (the machine is
shared). The growth table is appended to benchmarks/search/RESULTS.md with the date,
the machine, both commits and the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
WORK = ROOT / "benchmarks" / ".work" / "search"
RESULTS = Path(__file__).with_name("RESULTS.md")

import reference as reference_module  # noqa: E402
from machine import describe, now  # noqa: E402

TEMAS = [
    "finanzas",
    "salud",
    "educacion",
    "movilidad",
    "seguridad",
    "medio-ambiente",
    "obras-publicas",
    "desarrollo-social",
    "turismo",
    "cultura",
    "demografia",
    "gobierno",
]
FRECUENCIAS = ["diaria", "semanal", "mensual", "trimestral", "anual", "unica"]
FORMATOS = ["CSV", "XLSX", "JSON", "PDF", "GeoJSON", "SHP"]
VISUALIZACION = ["tabla", "mapa", "grafico"]
LICENCIAS = ["cc-by", "cc-by-sa", "odc-by", "other-open"]
SUSTANTIVOS = [
    "población",
    "licitaciones",
    "presupuesto",
    "alumbrado",
    "agua",
    "bacheo",
    "escuelas",
    "hospitales",
    "accidentes",
    "transporte",
    "árboles",
    "mercados",
    "parques",
    "colonias",
    "contratos",
    "nómina",
    "recaudación",
    "predial",
    "delitos",
    "residuos",
    "calles",
    "semáforos",
    "bibliotecas",
    "museos",
    "vacunación",
    "becas",
    "viviendas",
    "permisos",
    "licencias",
    "inspecciones",
]
CALIFICATIVOS = [
    "municipal",
    "público",
    "mensual",
    "por colonia",
    "de Puebla",
    "histórico",
    "georreferenciado",
    "anual",
    "por dependencia",
    "consolidado",
]
ETIQUETAS = [
    "gasto",
    "ingresos",
    "servicios",
    "infraestructura",
    "ciudadania",
    "transparencia",
    "salud-publica",
    "seguridad-vial",
    "medio-ambiente",
    "educacion-basica",
    "cultura",
    "deporte",
    "agua-potable",
    "movilidad",
    "compras",
    "obras",
    "empleo",
    "turismo",
    "catastro",
    "proteccion-civil",
]


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=check, capture_output=True, text=True, cwd=ROOT)


# -- set-up ---------------------------------------------------------------------------


def prepare(ini: Path) -> None:
    sys.path.insert(0, str(ROOT / "ckanext-pueblaabierto"))
    from ckanext.pueblaabierto.embedded.environment import DatabasePair, Embedded

    env = Embedded()
    env.start_services()
    pair = DatabasePair("ckan_bench_search", "datastore_bench_search")
    env.ensure_databases(pair, recreate=True)
    WORK.mkdir(parents=True, exist_ok=True)
    env.write_ini(
        ini,
        pair,
        site_url="http://bench.ckan.net",
        plugins=["pueblaabierto_search", "pueblaabierto"],
        redis_db=5,
        extra={"ckan.site_id": "bench", "ckan.search.rows_max": "1000"},
    )
    env.init_ckan_database(ini)


def base_objects() -> tuple[list[dict], list[dict], dict[str, str]]:
    """The organizations, groups and tags every generated dataset draws from."""
    import ckan.model as model
    from ckan.tests.helpers import call_action

    admin = model.User(name="bench-admin", email="bench@example.com", sysadmin=True)
    model.Session.add(admin)
    model.Session.commit()
    ctx = {"user": admin.name}
    orgs = [
        call_action(
            "organization_create",
            context=dict(ctx),
            name=f"dependencia-{i:02d}",
            title=f"Dependencia {i:02d}",
            extras=[{"key": "id_dependencia", "value": f"D{i:02d}"}],
        )
        for i in range(20)
    ]
    groups = [call_action("group_create", context=dict(ctx), name=f"grupo-{i}", title=f"Grupo {i}") for i in range(8)]
    tag_ids = {name: str(uuid.uuid4()) for name in ETIQUETAS}
    conn = model.Session.connection()
    conn.execute(model.tag_table.insert(), [{"id": i, "name": t, "vocabulary_id": None} for t, i in tag_ids.items()])
    model.Session.commit()
    return orgs, groups, tag_ids


# Datasets generated and written per round: bounded memory at 100,000 and more.
LOAD_CHUNK = 10_000


def load(n: int, base: tuple[list[dict], list[dict], dict[str, str]], start: int = 0, seed: int = 317) -> None:
    """Write datasets ``start``..``n - 1`` straight to CKAN's tables, in rounds of LOAD_CHUNK.

    Each round has its own seed, so the first 10,000 datasets are the same whatever the
    final size (a growth run measures the same catalogue a 10,000 run does, then more).
    """
    for chunk_start in range(start, n, LOAD_CHUNK):
        _load_chunk(chunk_start, min(n, chunk_start + LOAD_CHUNK), base, random.Random(seed + chunk_start))


def _load_chunk(start: int, end: int, objects: tuple[list[dict], list[dict], dict[str, str]],
                rnd: random.Random) -> None:
    import ckan.model as model
    import sqlalchemy as sa

    orgs, groups, tag_ids = objects
    conn = model.Session.connection()
    base = dt.datetime(2020, 1, 1)
    packages, extras, resources, package_tags, members = [], [], [], [], []
    for i in range(start, end):
        pid = str(uuid.uuid4())
        org = rnd.choice(orgs)
        tema = rnd.choice(TEMAS)
        title = f"{rnd.choice(SUSTANTIVOS).capitalize()} {rnd.choice(CALIFICATIVOS)} {2015 + i % 10}"
        created = base + dt.timedelta(minutes=i * 25)
        state = "draft" if rnd.random() < 0.02 else "active"
        packages.append(
            {
                "id": pid,
                "name": f"conjunto-{i:05d}",
                "title": title,
                "type": "dataset",
                "state": state,
                "private": rnd.random() < 0.1,
                "owner_org": org["id"],
                "license_id": rnd.choice(LICENCIAS),
                "notes": f"Datos de {rnd.choice(SUSTANTIVOS)} y {rnd.choice(SUSTANTIVOS)} publicados por "
                f"{org['title']}. Tema {tema}.",
                "metadata_created": created,
                "metadata_modified": created + dt.timedelta(days=rnd.randint(0, 300)),
                "author": None,
                "maintainer": None,
            }
        )
        fields = {
            "id_dataset": f"{org['name'][-2:]}-{i:05d}",
            "tema": tema,
            "frecuencia": rnd.choice(FRECUENCIAS),
            "responsable_nombre": rnd.choice(["Ana López", "Juan Pérez", "María Hernández", "Luis García"]),
            "responsable_correo": f"enlace{i % 50}@pueblacapital.gob.mx",
            "periodo_inicio": f"{2015 + i % 10}-01-01",
            "periodo_fin": f"{2015 + i % 10}-12-31",
            "diccionario": json.dumps(
                [
                    {"termino": f"campo_{k}", "descripcion": f"Descripción de {rnd.choice(SUSTANTIVOS)}"}
                    for k in range(5)
                ],
                ensure_ascii=False,
            ),
        }
        extras += [
            {"id": str(uuid.uuid4()), "package_id": pid, "key": k, "value": v, "state": "active"}
            for k, v in fields.items()
        ]
        for r in range(rnd.randint(1, 3)):
            fmt = rnd.choice(FORMATOS)
            resources.append(
                {
                    "id": str(uuid.uuid4()),
                    "package_id": pid,
                    "url": f"http://datos.example/{pid}/{r}.{fmt.lower()}",
                    "format": fmt,
                    "name": f"{title} ({fmt})",
                    "description": f"Archivo {r + 1}",
                    "position": r,
                    "state": "active",
                    "url_type": None,
                    "created": created,
                    "extras": json.dumps(
                        {
                            "tipo_visualizacion": rnd.choice(VISUALIZACION),
                            "nombre_archivo": f"archivo_{i}_{r}.{fmt.lower()}",
                        }
                    ),
                }
            )
        for tag in rnd.sample(ETIQUETAS, rnd.randint(1, 4)):
            package_tags.append({"id": str(uuid.uuid4()), "package_id": pid, "tag_id": tag_ids[tag], "state": "active"})
        members.append(
            {
                "id": str(uuid.uuid4()),
                "table_name": "package",
                "table_id": pid,
                "capacity": "organization",
                "group_id": org["id"],
                "state": "active",
            }
        )
        if rnd.random() < 0.3:
            members.append(
                {
                    "id": str(uuid.uuid4()),
                    "table_name": "package",
                    "table_id": pid,
                    "capacity": "public",
                    "group_id": rnd.choice(groups)["id"],
                    "state": "active",
                }
            )
    for table, rows in (
        (model.package_table, packages),
        (model.package_extra_table, extras),
        (model.resource_table, resources),
        (model.package_tag_table, package_tags),
        (model.member_table, members),
    ):
        for offset in range(0, len(rows), 5000):
            conn.execute(table.insert(), rows[offset : offset + 5000])
    model.Session.commit()
    # A portal's tables have planner statistics; freshly bulk-loaded ones do not until
    # autovacuum gets to them (a minute later, in the middle of the first rebuild), and
    # package_show's queries are planned blind meanwhile. Not what we measure.
    conn = model.Session.connection()
    for table in ("package", "package_extra", "resource", "package_tag", "tag", "member", '"group"'):
        conn.execute(sa.text(f"ANALYZE {table}"))
    model.Session.commit()


# -- measuring ------------------------------------------------------------------------


def rebuild(ini: Path, commit: str | None = None) -> float:
    """``ckan search-index rebuild -q`` on an emptied index (as a subprocess: start-up included).

    With ``commit``, the same with the search backend of that commit (reference.py).
    """
    import ckan.model as model
    import sqlalchemy as sa

    model.Session.execute(sa.text("TRUNCATE pueblaabierto_search"))
    model.Session.commit()
    if commit:
        command = [sys.executable, str(Path(__file__).with_name("reference.py")), "rebuild", str(ini), commit]
    else:
        command = [str(ROOT / ".venv" / "bin" / "ckan"), "-c", str(ini), "search-index", "rebuild", "-q"]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - started


def grow_index(size: int, first: int) -> float:
    """Grow the index to ``size`` rows with copies of the ``first`` rows ``rebuild`` wrote.

    Indexing 90,000 more datasets would take hours of CPU on this shared machine (rebuild
    cost is measured at the first size). Row ``i`` is a copy of row ``i mod first`` with its
    own id and name and the dates the generator would have given dataset ``i``
    (``metadata_created`` 25 minutes after dataset ``i - 1``, same modification delay), so
    filters, facets, text and permission labels keep the generator's distribution.
    """
    import ckan.model as model
    import sqlalchemy as sa

    started = time.perf_counter()
    have = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
    columns = ("site_id, title_sort, validated_data_dict, data_dict, doc, fields, search_vector, indexed_at, state, "
               "capacity, dataset_type, permission_labels, text_fields, facet_terms, facet_ids")
    model.Session.execute(
        sa.text(
            f"""
            INSERT INTO pueblaabierto_search (package_id, name, metadata_created, metadata_modified, {columns})
            SELECT gen_random_uuid()::text, s.name || '-' || g.i,
                s.metadata_created + interval '25 minutes' * (g.i - s.n),
                s.metadata_modified + interval '25 minutes' * (g.i - s.n), {columns}
            FROM generate_series(:have, :size - 1) AS g(i)
            JOIN (SELECT * FROM (SELECT row_number() OVER (ORDER BY metadata_created) - 1 AS n, *
                                 FROM pueblaabierto_search) AS ordered WHERE n < :first) AS s ON s.n = g.i % :first
            """
        ),
        {"have": have, "size": size, "first": first},
    )
    model.Session.commit()
    return time.perf_counter() - started


def make_queries(n: int, orgs: list[dict], seed: int = 3170) -> list[dict]:
    rnd = random.Random(seed)
    words = [w for w in SUSTANTIVOS] + ["poblacion", "licitacion", "arboles", "nomina", "recaudacion"]
    facets = ["organization", "tags", "res_format", "tema", "frecuencia", "res_extras_tipo_visualizacion"]
    filters = [
        lambda: f"tema:{rnd.choice(TEMAS)}",
        lambda: f'frecuencia:"{rnd.choice(FRECUENCIAS)}"',
        lambda: f"organization:{rnd.choice(orgs)['name']}",
        lambda: f"res_format:{rnd.choice(FORMATOS)}",
        lambda: f"tags:{rnd.choice(ETIQUETAS)}",
        lambda: f"license_id:{rnd.choice(LICENCIAS)}",
        lambda: f"metadata_modified:[NOW-{rnd.randint(200, 2000)}DAYS TO NOW]",
        lambda: "-dataset_type:harvest",
    ]
    queries = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            q = rnd.choice(words)
        elif kind == 1:
            q = f"{rnd.choice(words)} {rnd.choice(['municipal', 'publico', 'colonia', 'anual'])}"
        elif kind == 2:
            q = rnd.choice(words)[:5] + "*"
        else:
            q = ""
        queries.append({"q": q, "fq": " ".join(f() for f in rnd.sample(filters, 2)), "facet.field": facets, "rows": 20})
    return queries


def run_queries(queries: list[dict], classes: dict[str, type]) -> dict[str, list[float]]:
    """Each query with each backend's query class in turn (same load for both), as a visitor."""
    import ckan.lib.search as search
    from ckan.tests.helpers import call_action

    timings: dict[str, list[float]] = {name: [] for name in classes}
    original = search._QUERIES["package"]
    try:
        for warm_up in (True, False):  # warm caches as a running portal would be
            for i, query in enumerate(queries[:20] if warm_up else queries):
                # Each backend goes first every other query: the first to run a query pays for
                # the pages it brings into shared_buffers, and the second finds them there.
                order = list(classes.items())
                for name, cls in order if i % 2 == 0 else order[::-1]:
                    search._QUERIES["package"] = cls
                    started = time.perf_counter()
                    call_action("package_search", context={"user": "", "ignore_auth": False}, **query)
                    if not warm_up:
                        timings[name].append((time.perf_counter() - started) * 1000)
    finally:
        search._QUERIES["package"] = original
    return timings


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def default_reference() -> str:
    """The commit this branch left ``main`` at: the code before this branch's changes."""
    return sh("git", "merge-base", "HEAD", "main").stdout.strip()[:7]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="catalogue sizes, growing: each adds datasets to the last (default 10000,100000)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reference", default=None,
                        help="commit whose search backend runs side by side (default: merge-base with main)")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--only-queries", action="store_true",
                        help="measure the queries on the index a previous run left (no loading, no rebuild)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    reference = reference_module.resolve(args.reference or default_reference())
    current = sh("git", "rev-parse", "--short", "HEAD").stdout.strip()
    changed = sh("git", "status", "--porcelain", "--", "ckanext-pueblaabierto").stdout
    dirty = " (con cambios sin commit)" if changed else ""

    ini = WORK / "bench.ini"
    if not args.only_queries:
        print("Preparando bases de datos…", flush=True)
        prepare(ini)

    import sqlalchemy as sa
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    records = []
    with app._wsgi_app.test_request_context():
        import ckan.lib.search as search
        import ckan.model as model
        import ckan.plugins as p

        classes = {"anterior": reference_module.load(reference).query.PostgresPackageSearchQuery,
                   "nuevo": search._QUERIES["package"]}
        if args.only_queries:
            orgs = [{"name": f"dependencia-{i:02d}"} for i in range(20)]  # as base_objects() made them
            size = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
            sizes, loaded = [size], size
        else:
            objects = base_objects()
            orgs, loaded = objects[0], 0
        queries = make_queries(args.queries, orgs)
        for size in sizes:
            record: dict = {"size": size}
            if args.only_queries:
                pass
            elif loaded == 0:
                # Loading is not measured: skip per-dataset indexing, rebuild does it below.
                p.unload("synchronous_search")
                started = time.perf_counter()
                load(size, objects)
                print(f"Cargados {size} conjuntos en {time.perf_counter() - started:.1f} s", flush=True)
                p.load("synchronous_search")
                model.Session.remove()
                # Both rebuilds on an emptied index, one right after the other; the current
                # one last, so the queries below read the rows it wrote.
                for name, commit in (("anterior", reference), ("nuevo", None)):
                    record[f"rebuild_{name}"] = rebuild(ini, commit)
                    record[f"rebuild_{name}_load"] = os.getloadavg()[0]
                    print(f"rebuild ({name}): {record[f'rebuild_{name}']:.1f} s, "
                          f"carga {record[f'rebuild_{name}_load']:.1f}", flush=True)
            elif size > loaded:
                record["grown"] = grow_index(size, sizes[0])
                print(f"Índice a {size} filas (copias) en {record['grown']:.1f} s", flush=True)
            loaded = size
            model.Session.execute(sa.text("ANALYZE pueblaabierto_search"))
            if model.Session.execute(sa.text("SELECT to_regclass('pueblaabierto_search_hot')")).scalar():
                model.Session.execute(sa.text("ANALYZE pueblaabierto_search_hot"))  # copy kept by triggers
            model.Session.commit()
            indexed = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
            assert indexed == size, f"{indexed} documentos indexados de {size}"
            timings = run_queries(queries, classes)
            record["load"] = os.getloadavg()[0]
            for name, values in timings.items():
                record[name] = (statistics.median(values), percentile(values, 95), max(values))
                print(f"{size} conjuntos, {name}: {len(values)} consultas, p50 {record[name][0]:.1f} ms, "
                      f"p95 {record[name][1]:.1f} ms, máx {record[name][2]:.1f} ms, carga {record['load']:.1f}",
                      flush=True)
            records.append(record)

    if not args.no_record:
        write_results(records, len(queries), reference, current + dirty)
        print(f"Anotado en {RESULTS.relative_to(ROOT)}")


def write_results(records: list[dict], n_queries: int, reference: str, current: str) -> None:
    """Append this run's growth table to RESULTS.md (a section per run)."""
    lines = [
        "",
        f"### {now()} — {describe()}",
        "",
        f"Código nuevo: commit {current}; anterior: commit {reference} (mismo proceso, misma base,",
        f"alternando consulta por consulta). {n_queries} consultas `package_search` como visitante",
        "(q + 2 fq + 6 facetas). Carga: promedio de 1 min al terminar la fila. Metas: p95 ≤ 25 ms a",
        "10 000 y ≤ 50 ms a 100 000; `rebuild` de 10 000 ≤ 30 s.",
        "",
        "| Conjuntos | Carga | p50 anterior (ms) | p95 anterior (ms) | p50 nuevo (ms) | p95 nuevo (ms) "
        "| máx nuevo (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in records:
        old, new = r["anterior"], r["nuevo"]
        lines.append(f"| {r['size']} | {r['load']:.1f} | {old[0]:.1f} | {old[1]:.1f} | {new[0]:.1f} | {new[1]:.1f} "
                     f"| {new[2]:.1f} |")
    first = records[0]
    if "rebuild_nuevo" not in first:
        lines.append("")
        lines.append("Solo consultas (`--only-queries`), sobre el índice que dejó la corrida anterior.")
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return
    lines += [
        "",
        f"`ckan search-index rebuild` de {first['size']} conjuntos (índice vacío, uno tras otro): anterior "
        f"{first['rebuild_anterior']:.1f} s (carga {first['rebuild_anterior_load']:.1f}), nuevo "
        f"{first['rebuild_nuevo']:.1f} s (carga {first['rebuild_nuevo_load']:.1f}).",
    ]
    if len(records) > 1:
        lines.append(f"De {first['size']} en adelante, filas del índice copiadas de las que escribió `rebuild` "
                     "(id, nombre y fechas propios; `grow_index` en run.py).")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
