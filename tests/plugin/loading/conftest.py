"""Fixtures of the server-side loading tests: a real CKAN with the DataStore, real files."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from ckan.tests import factories

PLUGINS = ("pueblaabierto_search pueblaabierto activity datastore pueblaabierto_datastore datatables_view "
           "charts_view geojson_view")

HEADER = ["numero_contrato", "obra", "colonia", "monto_contratado_mxn", "fecha_inicio", "avance"]
TERMS = {
    "numero_contrato": "Número del contrato de obra.",
    "obra": "Nombre de la obra pública.",
    "colonia": "Colonia donde se realiza la obra.",
    "monto_contratado_mxn": "Monto contratado en pesos mexicanos.",
    "fecha_inicio": "Fecha de inicio de la obra (AAAA-MM-DD).",
    "avance": "Porcentaje de avance físico.",
}


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def obras(count: int, *, first: int = 1, tag: str = "") -> list[list[Any]]:
    colonias = ["San Sebastián de Aparicio", "Centro", "La Paz", "Amor"]
    rows = []
    for i in range(first, first + count):
        rows.append([f"SISP-OP-2024-{i:05d}{tag}", f"Rehabilitación de parque {i}", colonias[i % len(colonias)],
                     f"{1000 + i * 10.5:.2f}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", i % 101])
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loading_db(clean_db, clean_index):
    """A clean CKAN database; the DataStore tables of earlier tests are dropped."""
    import sqlalchemy as sa
    from ckan.lib import jobs
    from ckanext.datastore.backend.postgres import get_write_engine

    jobs.get_queue().empty()  # jobs queued by earlier tests are not this test's
    with get_write_engine().begin() as conn:
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename !~ '^_'"
            " AND tablename ~ '^[0-9a-f-]{36}$'")).scalars().all()
        for table in tables:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))


@pytest.fixture
def resource(loading_db) -> dict[str, Any]:
    org = factories.Organization(name="obras", title="Secretaría de Infraestructura")
    pkg = factories.Dataset(owner_org=org["id"], private=True, name="obras-publicas",
                            resources=[{"name": "Obras públicas 2024", "url": "http://example.com/obras.csv",
                                        "format": "CSV", "tipo_visualizacion": "tabla",
                                        "nombre_archivo": "obras.csv"}])
    return pkg["resources"][0]


def entry(resource: dict[str, Any], path: Path, formato: str = "CSV") -> dict[str, Any]:
    return {"resource_id": resource["id"], "path": str(path), "sha256": sha256(path), "formato": formato,
            "terms": dict(TERMS)}
