"""The table is served as soon as its rows are in; its Spanish full text follows, and searches never
give an incomplete answer meanwhile (loading/copy.py steps 5-7, portal/datastore_search.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa
from ckan.tests.helpers import call_action
from ckanext.datastore.backend.postgres import get_write_engine
from ckanext.pueblaabierto import loading
from ckanext.pueblaabierto.loading import copy
from ckanext.pueblaabierto.portal.datastore_search import pending_expression

from .conftest import PLUGINS, TERMS, entry, obras, write_csv
from .test_copy import run_queued_jobs, table_oid

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

# What a citizen asks: an accent-less Spanish word (the rows say «Rehabilitación», «Sebastián»),
# per column, with a filter, with full_text, a number; each by _id and by rank (CKAN's default).
SEARCHES: list[dict[str, Any]] = [
    {"q": "rehabilitacion"},
    {"q": "sebastian"},
    {"q": "Sebastián aparicio", "filters": {"avance": [3, 7, 11, 15, 19]}},
    {"q": "rehabilitacion", "filters": {"colonia": "Centro"}},
    {"q": {"colonia": "sebastian"}},
    {"q": {"obra": "parque", "avance": "7"}},
    {"full_text": "aparicio"},
    {"full_text": "parque", "q": {"colonia": "paz"}},
    {"q": "1115.50"},
    {"q": "no-existe-en-ninguna-fila"},
]


def answers(resource_id: str) -> list[tuple[int, list[int], set[int]]]:
    """(total, _ids in order of _id, _ids in order of rank as a set) of each search."""
    found = []
    for search in SEARCHES:
        by_id = call_action("datastore_search", resource_id=resource_id, sort="_id", limit=1000, **search)
        by_rank = call_action("datastore_search", resource_id=resource_id, limit=1000, **search)
        assert by_id["total"] == by_rank["total"]
        found.append((by_id["total"], [r["_id"] for r in by_id["records"]], {r["_id"] for r in by_rank["records"]}))
    return found


def full_text_state(resource_id: str) -> tuple[bool, int, int]:
    """(marked pending, rows, rows with _full_text)."""
    with get_write_engine().connect() as conn:
        rows, filled = conn.execute(sa.text(f'SELECT count(*), count(_full_text) FROM "{resource_id}"')).one()
        return pending_expression(conn, resource_id) is not None, rows, filled


@pytest.fixture
def hook():
    """Install a TEST_HOOK for the test; removed afterwards whatever happens."""
    def install(function):
        copy.TEST_HOOK = function
    yield install
    copy.TEST_HOOK = None


def test_searches_are_complete_while_the_full_text_is_pending(resource, tmp_path, hook):
    path = write_csv(tmp_path / "obras.csv", obras(400))
    seen: dict[str, Any] = {}

    def at(phase: str, resource_id: str) -> None:
        if phase == "servida":
            seen["state"] = full_text_state(resource_id)
            seen["answers"] = answers(resource_id)
            seen["unfiltered"] = call_action("datastore_search", resource_id=resource_id, limit=0,
                                             filters={"colonia": "La Paz"})["total"]

    hook(at)
    result = copy.load_file(resource["id"], path, sha256="a" * 64, terms=dict(TERMS), workers=2)

    assert result.rows == 400
    # Served with the rows only: every _full_text NULL, the table marked.
    assert seen["state"] == (True, 400, 0)
    # The same answers as once the full text is in: rows, totals, order.
    after = answers(resource["id"])
    assert seen["answers"] == after
    assert [total for total, _ids, _ranked in after] == [400, 100, 5, 100, 100, 4, 100, 100, 1, 0]
    assert seen["unfiltered"] == 100
    assert full_text_state(resource["id"]) == (False, 400, 400)
    assert list(result.seconds) == ["esquema", "copy", "llave", "intercambio", "texto completo", "indices"]


def test_the_queued_job_completes_the_full_text_and_searches_agree_before_and_after(resource, tmp_path):
    """The validation's path: served and verdict given, full text and indexes in a job of their own."""
    path = write_csv(tmp_path / "obras.csv", obras(120))

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])

    assert outcome["error"] is None and outcome["filas"] == 120
    assert call_action("resource_show", id=resource["id"])["datastore_active"] is True
    assert full_text_state(resource["id"]) == (True, 120, 0)
    before = answers(resource["id"])
    assert run_queued_jobs("ckanext.pueblaabierto.loading.copy.build_indexes") == 1
    assert full_text_state(resource["id"]) == (False, 120, 120)
    assert answers(resource["id"]) == before


def test_a_write_during_the_full_text_pass_waits_and_lands_in_the_new_table(resource, tmp_path, hook):
    path = write_csv(tmp_path / "obras.csv", obras(50))
    seen: dict[str, Any] = {}

    def insert() -> None:
        # What a trusted writer (datastore_upsert in the server, guard.py) sends: _full_text NULL.
        with get_write_engine().begin() as conn:
            conn.execute(sa.text(f'INSERT INTO "{resource["id"]}" (numero_contrato, obra, colonia) '
                                 "VALUES ('X-1', 'Bacheo de la calle Tecamachalco', 'Xonacatepec')"))
        seen["inserted_at"] = time.monotonic()

    def at(phase: str, resource_id: str) -> None:
        if phase == "texto-preparado":  # the new table is complete; the served one is held
            thread = threading.Thread(target=insert)
            thread.start()
            deadline = time.monotonic() + 30
            with get_write_engine().connect() as conn:
                while not conn.execute(sa.text(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation'")).scalar():
                    assert time.monotonic() < deadline, "the write never waited for the full-text pass"
                    time.sleep(0.02)
            seen["thread"], seen["swapped_at"] = thread, time.monotonic()

    hook(at)
    copy.load_file(resource["id"], path, sha256="b" * 64, terms=dict(TERMS), workers=2)
    seen["thread"].join(30)

    assert seen["inserted_at"] > seen["swapped_at"]
    assert full_text_state(resource["id"]) == (False, 51, 51)  # in the new table, its full text by the trigger
    found = call_action("datastore_search", resource_id=resource["id"], q="tecamachalco")
    assert [r["numero_contrato"] for r in found["records"]] == ["X-1"]
    assert found["records"][0]["_id"] == 51  # the sequence went on where the served table's was


def test_an_interrupted_full_text_pass_leaves_a_complete_table_and_the_next_load_finishes(resource, tmp_path, hook):
    old = write_csv(tmp_path / "v1.csv", obras(20, tag="-v1"))
    copy.load_file(resource["id"], old, sha256="c" * 64, terms=dict(TERMS))
    new = write_csv(tmp_path / "v2.csv", obras(300, tag="-v2"))

    def crash(phase: str, resource_id: str) -> None:
        if phase == "servida":
            raise RuntimeError("el proceso se detuvo")

    hook(crash)
    with pytest.raises(RuntimeError):
        copy.load_file(resource["id"], new, sha256="d" * 64, terms=dict(TERMS))

    # The new rows are served, marked pending; q is complete through the fallback; the key is stored.
    assert full_text_state(resource["id"]) == (True, 300, 0)
    assert call_action("datastore_search", resource_id=resource["id"], q="rehabilitacion")["total"] == 300
    assert call_action("datastore_search", resource_id=resource["id"], q="sebastian", limit=0)["total"] == 75
    stored = call_action("resource_show", id=resource["id"])["datastore_sha256"]
    assert stored == copy.table_key("d" * 64, dict(TERMS))

    def crash_later(phase: str, resource_id: str) -> None:
        if phase == "texto-preparado":
            raise RuntimeError("el proceso se detuvo")

    served = table_oid(resource["id"])
    hook(crash_later)
    with pytest.raises(RuntimeError):
        copy.load_file(resource["id"], new, sha256="d" * 64, terms=dict(TERMS))
    # Interrupted before the second swap: the same served table, still pending, no leftovers.
    assert table_oid(resource["id"]) == served
    assert full_text_state(resource["id"]) == (True, 300, 0)
    with get_write_engine().connect() as conn:
        leftovers = conn.execute(sa.text("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_pa\\_carga\\_%'"))
        assert leftovers.scalar() == 0

    hook(None)
    again = copy.load_file(resource["id"], new, sha256="d" * 64, terms=dict(TERMS))

    assert again.skipped  # the rows were loaded: only the full text (and indexes) were done
    assert full_text_state(resource["id"]) == (False, 300, 300)
    assert call_action("datastore_search", resource_id=resource["id"], q="sebastian", limit=0)["total"] == 75
    with get_write_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"),
                            {"t": resource["id"]}).scalar() == 1 + 1 + 3
