"""Benchmark: the PostgreSQL search backend at 10,000 FORM.317-like datasets.

Goal (issue 3): package_search p95 <= 50 ms over >= 200 queries mixing text, 2 fq
clauses and 6 facets, and a full index rebuild (``ckan search-index rebuild``)
<= 60 s, on our 2-core machines.

Run from the repository root (the embedded PostgreSQL and Redis are started):

    .venv/bin/python benchmarks/search/run.py                  # 10,000 datasets, 300 queries
    .venv/bin/python benchmarks/search/run.py --datasets 1000 --queries 100 --no-record

It uses its own databases (ckan_bench_search, datastore_bench_search), recreated on
each run, and benchmarks/.work/search/ (git-ignored). Datasets are generated with a
fixed seed and written straight to CKAN's tables (loading is not what we measure);
then the index is rebuilt by ``ckan search-index rebuild`` (timed, as a subprocess, so
start-up is included) and queries run in-process through the ``package_search`` action
as an anonymous visitor (permission labels applied). Results are appended to
benchmarks/search/RESULTS.md with the date and the machine.
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


def load(n: int, seed: int = 317) -> list[dict]:
    """Write n datasets straight to CKAN's tables; return the organizations made."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckan.tests.helpers import call_action

    rnd = random.Random(seed)
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
    base = dt.datetime(2020, 1, 1)
    packages, extras, resources, package_tags, members = [], [], [], [], []
    for i in range(n):
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
        for start in range(0, len(rows), 5000):
            conn.execute(table.insert(), rows[start : start + 5000])
    model.Session.commit()
    # A portal's tables have planner statistics; freshly bulk-loaded ones do not until
    # autovacuum gets to them (a minute later, in the middle of the first rebuild), and
    # package_show's queries are planned blind meanwhile. Not what we measure.
    conn = model.Session.connection()
    for table in ("package", "package_extra", "resource", "package_tag", "tag", "member", '"group"'):
        conn.execute(sa.text(f"ANALYZE {table}"))
    model.Session.commit()
    return orgs


# -- measuring ------------------------------------------------------------------------


def rebuild(ini: Path, command: str = "rebuild") -> float:
    """``ckan search-index rebuild`` (one process) or ``rebuild-fast`` (one per CPU)."""
    ckan = str(ROOT / ".venv" / "bin" / "ckan")
    if command == "rebuild-fast":
        sh(ckan, "-c", str(ini), "search-index", "clear")
    started = time.perf_counter()
    sh(ckan, "-c", str(ini), "search-index", command, *(["-q"] if command == "rebuild" else []))
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


def run_queries(queries: list[dict]) -> list[float]:
    from ckan.tests.helpers import call_action

    timings = []
    for query in queries[:20]:  # warm caches as a running portal would be
        call_action("package_search", context={"user": "", "ignore_auth": False}, **query)
    for query in queries:
        started = time.perf_counter()
        call_action("package_search", context={"user": "", "ignore_auth": False}, **query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    ini = WORK / "bench.ini"
    print("Preparando bases de datos…", flush=True)
    prepare(ini)

    import sqlalchemy as sa
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins as p

        # Loading is not measured: skip per-dataset indexing, rebuild does it below.
        p.unload("synchronous_search")
        started = time.perf_counter()
        orgs = load(args.datasets)
        print(f"Cargados {args.datasets} conjuntos en {time.perf_counter() - started:.1f} s", flush=True)
        p.load("synchronous_search")
        model.Session.remove()

        seconds_fast = rebuild(ini, "rebuild-fast")
        indexed_fast = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
        print(f"rebuild-fast: {seconds_fast:.1f} s ({indexed_fast} documentos, solo activos)", flush=True)
        seconds = rebuild(ini)
        indexed = model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_search")).scalar()
        print(f"rebuild: {seconds:.1f} s ({indexed} documentos)", flush=True)
        model.Session.commit()

        queries = make_queries(args.queries, orgs)
        timings = run_queries(queries)
    p50, p95 = statistics.median(timings), percentile(timings, 95)
    print(f"package_search: {len(timings)} consultas, p50 {p50:.1f} ms, p95 {p95:.1f} ms, máx {max(timings):.1f} ms")

    if not args.no_record:
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Resultados: búsqueda en PostgreSQL\n\n"
                "Generados por `benchmarks/search/run.py`. Meta: p95 ≤ 50 ms a 10 000 conjuntos; "
                "reconstrucción ≤ 60 s en máquinas de 2 núcleos.\n\n"
                "`rebuild` es `ckan search-index rebuild` (un proceso, todos los conjuntos); `rebuild-fast` es\n"
                "`ckan search-index rebuild-fast` (un proceso por núcleo, solo conjuntos activos). Carga: promedio\n"
                "de carga del sistema (1 min) al terminar, pues la máquina es compartida.\n\n"
                "| Fecha | Máquina | Carga | Conjuntos | Consultas | p50 (ms) | p95 (ms) | rebuild (s) "
                "| rebuild-fast (s) |\n"
                "|---|---|---|---|---|---|---|---|---|\n",
                encoding="utf-8",
            )
        row = (
            f"| {now()} | {describe()} | {os.getloadavg()[0]:.1f} | {args.datasets} | {len(timings)} "
            f"| {p50:.1f} | {p95:.1f} | {seconds:.1f} | {seconds_fast:.1f} |"
        )
        # Append to the table, which notes may follow.
        lines = RESULTS.read_text(encoding="utf-8").splitlines()
        last_row = max(i for i, line in enumerate(lines) if line.startswith("|"))
        lines.insert(last_row + 1, row)
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"Anotado en {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
