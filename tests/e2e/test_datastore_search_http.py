"""Searching inside the data (DataStore) in Spanish, with or without accents, over HTTP."""

from __future__ import annotations

import pytest

from tests.live_ckan import E2E_DATABASES, upload_table, wait_for_datastore

ROWS = [
    {"folio": 1, "servicio": "Rehabilitación de alumbrado público", "colonia": "San Sebastián de Aparicio"},
    {"folio": 2, "servicio": "Poda en parque", "colonia": "Centro"},
    {"folio": 3, "servicio": "Bacheo", "colonia": "La Paz"},
    {"folio": 4, "servicio": "Limpieza de parques y jardines", "colonia": "Agua Santa"},
]


@pytest.fixture(scope="module")
def table(live_ckan):
    api = live_ckan.api()
    org = api.action.organization_create(name="servicios-fts-e2e", title="Servicios Públicos", id_dependencia="931",
                                         description="Presta los servicios públicos municipales.")
    dataset = api.action.package_create(
        name="solicitudes-fts-e2e", title="Solicitudes de servicios", notes="Solicitudes ciudadanas.",
        owner_org=org["id"], id_dataset="1", tema="infraestructura-y-servicios-publicos", frecuencia="mensual",
        responsable_nombre="Ana Ruiz Soto", responsable_correo="ana.ruiz@pueblacapital.gob.mx",
    )
    # The DataStore is loaded by the server from the uploaded file (datastore_create is refused).
    text = "folio,servicio,colonia\n" + "".join(f"{r['folio']},{r['servicio']},{r['colonia']}\n" for r in ROWS)
    created = upload_table(api, dataset["id"], "solicitudes.csv", text.encode("utf-8"), name="Solicitudes")
    return wait_for_datastore(api, created["id"])["id"]


def folios(live_ckan, resource_id: str, q: str) -> list[int]:
    found = live_ckan.api().action.datastore_search(resource_id=resource_id, q=q, sort="folio")
    return [row["folio"] for row in found["records"]]


@pytest.mark.parametrize(("q", "expected"), [
    ("alumbrado", [1]),
    ("parque", [2, 4]),          # Spanish stemming: «parques» too
    ("Sebastián", [1]),
    ("sebastian", [1]),
    ("rehabilitacion", [1]),     # without the accent people often skip
    ("REHABILITACIÓN", [1]),
])
def test_datastore_search_finds_rows_in_spanish_without_accents(live_ckan, table, q, expected):
    assert folios(live_ckan, table, q) == expected


def test_existing_tables_are_migrated_by_the_cli(live_ckan, table):
    """A table indexed the old way (English, with accents) finds nothing until the command runs."""
    conn = live_ckan.env.postgres.connect(E2E_DATABASES.datastore)
    try:
        with conn.cursor() as cur:
            cur.execute(f'UPDATE "{table}" SET _full_text = to_tsvector(\'english\', servicio || \' \' || colonia)')
        conn.commit()
    finally:
        conn.close()
    assert folios(live_ckan, table, "rehabilitacion") == []

    output = live_ckan.ckan("pueblaabierto", "busqueda-datastore")

    assert "Búsqueda en español sin acentos" in output
    assert folios(live_ckan, table, "rehabilitacion") == [1]
    assert folios(live_ckan, table, "parque") == [2, 4]
