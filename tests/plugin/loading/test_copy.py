"""The server loads validated files into the DataStore with COPY: typed, documented, atomic, idempotent."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.datastore.backend.postgres import get_read_engine, get_write_engine
from ckanext.pueblaabierto import loading
from ckanext.pueblaabierto.loading import copy
from ckanext.pueblaabierto.portal.datastore_search import pending_expression

from .conftest import PLUGINS, TERMS, entry, obras, write_csv

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]


def run_queued_jobs(function: str) -> int:
    """Run the queued jobs of ``function`` in this process, as the worker would; how many ran.
    (The fixture's dataset also queued its validation, which is not this module's concern.)"""
    from ckan.lib import jobs

    queue = jobs.get_queue()
    ran = 0
    for job_id in queue.job_ids:
        job = queue.fetch_job(job_id)
        if job is not None and job.func_name == function:
            queue.remove(job_id)
            job.func(*job.args, **job.kwargs)
            ran += 1
    return ran


def types_and_info(resource_id: str) -> dict[str, tuple[str, dict]]:
    fields = call_action("datastore_info", id=resource_id)["fields"]
    return {f["id"]: (f["type"], f.get("info") or {}) for f in fields}


def table_oid(resource_id: str) -> int:
    with get_write_engine().connect() as conn:
        return conn.execute(sa.text("SELECT CAST(:t AS regclass)::oid"), {"t": f'"{resource_id}"'}).scalar()


def pending(resource_id: str) -> bool:
    """Whether the table is served with its full text still to compute (the loader's mark)."""
    with get_write_engine().connect() as conn:
        return pending_expression(conn, resource_id) is not None


def test_typed_columns_dictionary_rows_and_views(resource, tmp_path):
    path = write_csv(tmp_path / "obras.csv", obras(250))

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])

    assert outcome["error"] is None and outcome["filas"] == 250
    columns = types_and_info(resource["id"])
    assert {name: kind for name, (kind, _info) in columns.items()} == {
        "numero_contrato": "text", "obra": "text", "colonia": "text", "monto_contratado_mxn": "numeric",
        "fecha_inicio": "date", "avance": "int8"}
    assert columns["monto_contratado_mxn"][1]["notes"] == TERMS["monto_contratado_mxn"]
    assert columns["obra"][1]["label"] == "obra"
    search = call_action("datastore_search", resource_id=resource["id"], sort="_id", limit=1)
    assert search["total"] == 250
    assert float(search["records"][0]["monto_contratado_mxn"]) == 1010.5
    assert search["records"][0]["fecha_inicio"].startswith("2024-02-02")
    shown = call_action("resource_show", id=resource["id"])
    assert shown["datastore_active"] is True
    with get_write_engine().connect() as conn:  # CKAN's names: its key, its full-text index, its trigger
        indexes = set(conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                                   {"t": resource["id"]}).scalars())
        triggers = set(conn.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal"),
            {"t": f'"{resource["id"]}"'}).scalars())
    assert indexes == {f"{resource['id']}_pkey"}  # served before CKAN's search indexes exist
    assert triggers == {"zfulltext"}
    # They come from a job of their own, queued behind the validation's.
    assert run_queued_jobs("ckanext.pueblaabierto.loading.copy.build_indexes") == 1
    with get_write_engine().connect() as conn:
        indexes = set(conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                                   {"t": resource["id"]}).scalars())
    assert len(indexes) == 1 + 1 + 3  # key, _full_text, one per text column (CKAN's default)
    views = call_action("resource_view_list", id=resource["id"])
    assert [v["view_type"] for v in views] == ["datatables_view"]
    assert views[0]["title"] == "Tabla"


def test_reload_of_unchanged_data_writes_nothing(resource, tmp_path):
    path = write_csv(tmp_path / "obras.csv", obras(40))
    loading.after_validation(resource["package_id"], [entry(resource, path)])
    assert pending(resource["id"])  # full text and indexes are the queued job's

    # The job never ran (no worker here): the unchanged load does its work, nothing else.
    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])
    assert outcome["sin_cambios"] is True and outcome["filas"] == 0
    assert not pending(resource["id"])
    with get_write_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"),
                            {"t": resource["id"]}).scalar() == 1 + 1 + 3
    before = (table_oid(resource["id"]), call_action("package_show", id=resource["package_id"])["metadata_modified"],
              len(call_action("resource_view_list", id=resource["id"])))

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])

    assert outcome["sin_cambios"] is True and outcome["filas"] == 0
    after = (table_oid(resource["id"]), call_action("package_show", id=resource["package_id"])["metadata_modified"],
             len(call_action("resource_view_list", id=resource["id"])))
    assert after == before  # same table, same metadata, no new view

    # A changed dictionary is a different table (field info): loaded again.
    changed = dict(entry(resource, path), terms={**TERMS, "obra": "Obra pública contratada."})
    [outcome] = loading.after_validation(resource["package_id"], [changed])
    assert outcome["sin_cambios"] is False
    assert types_and_info(resource["id"])["obra"][1]["notes"] == "Obra pública contratada."


def test_a_client_writing_back_a_stale_resource_does_not_erase_the_load(resource, tmp_path):
    stale = call_action("package_show", id=resource["package_id"])  # read before the load
    path = write_csv(tmp_path / "obras.csv", obras(30))
    loading.after_validation(resource["package_id"], [entry(resource, path)])
    admin = factories.Sysadmin()

    # Written back as a client does it (publicar resuming, a form): an older copy of the resource,
    # and a crafted one claiming a load that never happened.
    stale["resources"][0]["description"] = "Descripción corregida."
    call_action("package_update", context={"user": admin["name"], "ignore_auth": False}, **stale)
    crafted = call_action("package_show", id=resource["package_id"])
    crafted["resources"][0]["datastore_sha256"] = "0" * 64
    call_action("package_update", context={"user": admin["name"], "ignore_auth": False}, **crafted)

    shown = call_action("resource_show", id=resource["id"])
    assert shown["description"] == "Descripción corregida."  # the client's own change is kept
    assert shown["datastore_active"] is True
    assert shown["datastore_sha256"] == copy.table_key(entry(resource, path)["sha256"], dict(TERMS))
    # So the same data again is known as loaded: nothing reloaded.
    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])
    assert outcome["sin_cambios"] is True


def test_readers_see_the_old_table_until_the_new_one_is_complete(resource, tmp_path):
    old = write_csv(tmp_path / "v1.csv", obras(30, tag="-v1"))
    loading.after_validation(resource["package_id"], [entry(resource, old)])
    new = write_csv(tmp_path / "v2.csv", obras(500, tag="-v2"))
    seen: dict[str, object] = {}

    def reader_count(result: dict) -> None:
        with get_read_engine().connect() as conn:
            result["rows"] = conn.execute(sa.text(
                f'SELECT count(*), count(*) FILTER (WHERE numero_contrato LIKE \'%-v2\') FROM "{resource["id"]}"'
            )).one()

    def hook(phase: str, resource_id: str) -> None:
        if phase == "preparada":
            # Staging complete, not swapped in: the DataStore still serves the old table.
            search = call_action("datastore_search", resource_id=resource_id, limit=1)
            seen["preparada"] = (search["total"], search["records"][0]["numero_contrato"])
        elif phase == "intercambio":
            # Inside the swap's transaction: a reader waits for it (never sees a missing or half table).
            result: dict = {}
            thread = threading.Thread(target=reader_count, args=(result,))
            thread.start()
            deadline = time.monotonic() + 30
            with get_write_engine().connect() as conn:
                while not conn.execute(sa.text(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation'")).scalar():
                    assert time.monotonic() < deadline, "the reader never waited for the swap"
                    time.sleep(0.02)
            seen["reader_waiting"] = "rows" not in result
            seen["thread"], seen["result"] = thread, result

    copy.TEST_HOOK = hook
    try:
        [outcome] = loading.after_validation(resource["package_id"], [entry(resource, new)])
    finally:
        copy.TEST_HOOK = None
    seen["thread"].join(30)  # type: ignore[attr-defined]

    assert outcome["filas"] == 500
    assert seen["preparada"] == (30, "SISP-OP-2024-00001-v1")
    assert seen["reader_waiting"] is True
    assert tuple(seen["result"]["rows"]) == (500, 500)  # type: ignore[index]
    assert call_action("datastore_search", resource_id=resource["id"], limit=0)["total"] == 500


def test_a_failed_load_leaves_the_old_table(resource, tmp_path):
    old = write_csv(tmp_path / "v1.csv", obras(12))
    loading.after_validation(resource["package_id"], [entry(resource, old)])
    bad = tmp_path / "v2.csv"
    bad.write_text(open(old, encoding="utf-8").read() + "X,obra,colonia,no es monto,2024-01-01,3\n", encoding="utf-8")
    schema = [{"name": "numero_contrato", "type": "string"}, {"name": "obra", "type": "string"},
              {"name": "colonia", "type": "string"}, {"name": "monto_contratado_mxn", "type": "number"},
              {"name": "fecha_inicio", "type": "date"}, {"name": "avance", "type": "integer"}]

    [outcome] = loading.after_validation(resource["package_id"], [dict(entry(resource, bad), schema=schema)])

    assert "no coinciden con los tipos" in outcome["error"]
    assert call_action("datastore_search", resource_id=resource["id"], limit=0)["total"] == 12
    with get_write_engine().connect() as conn:
        leftovers = conn.execute(sa.text("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_pa\\_carga\\_%'"))
        assert leftovers.scalar() == 0


def test_spanish_full_text_finds_words_without_accents(resource, tmp_path):
    path = write_csv(tmp_path / "obras.csv", obras(8))
    loading.after_validation(resource["package_id"], [entry(resource, path)])

    parque = call_action("datastore_search", resource_id=resource["id"], q="parque")
    sebastian = call_action("datastore_search", resource_id=resource["id"], q="sebastian")
    accented = call_action("datastore_search", resource_id=resource["id"], q="Sebastián")

    assert parque["total"] == 8
    assert sebastian["total"] == 2 == accented["total"]
    assert all(r["colonia"] == "San Sebastián de Aparicio" for r in sebastian["records"])
    # Rows written later by CKAN itself (its trigger) are searchable the same way.
    call_action("datastore_upsert", resource_id=resource["id"], method="insert", force=True,
                records=[{"numero_contrato": "X-1", "obra": "Parques lineales", "colonia": "Xonacatepec"}])
    assert call_action("datastore_search", resource_id=resource["id"], q="parque")["total"] == 9


# What CKAN's own trigger (populate_full_text_trigger) computes for a row, in the portal's configuration.
CKAN_TRIGGER_LEXEMES = """
    SELECT count(*) FROM {table} AS t
    WHERE strip(t._full_text) IS DISTINCT FROM strip((
        SELECT to_tsvector('public.spanish_unaccent', string_agg(value, ' '))
        FROM json_each_text(row_to_json(t.*)) WHERE key NOT LIKE '\\_%'))
"""


@pytest.mark.parametrize("workers", [1, 3])
def test_full_text_has_the_lexemes_of_ckans_trigger_whatever_the_parallelism(resource, tmp_path, workers):
    rows = obras(200)
    rows.append(["SISP-OP-2024-99999", "", "Centro", "-98.205105", "", ""])  # empty cells, a negative number
    path = write_csv(tmp_path / "obras.csv", rows)

    result = copy.load_file(resource["id"], path, sha256="x" * 64, terms=dict(TERMS), workers=workers)

    assert result.rows == 201
    assert result.stemmed_once == ["colonia"]  # 4 colonias in 201 rows: stemmed once each
    with get_write_engine().connect() as conn:
        differing = conn.execute(sa.text(CKAN_TRIGGER_LEXEMES.format(table=f'"{resource["id"]}"'))).scalar()
        ids = conn.execute(sa.text(f'SELECT array_agg(_id ORDER BY _id) FROM "{resource["id"]}"')).scalar()
    assert differing == 0
    assert ids == list(range(1, 202))  # the file's order, whatever range each connection moved
    # Numbers (taken whole) and dates are found like words; the last row's empty cells count for nothing.
    assert call_action("datastore_search", resource_id=resource["id"], q="1105.00")["total"] == 1
    negative = call_action("datastore_search", resource_id=resource["id"], q="-98.205105")
    assert [r["numero_contrato"] for r in negative["records"]] == ["SISP-OP-2024-99999"]
    assert call_action("datastore_search", resource_id=resource["id"], q="2024-03-03")["total"] >= 1


def test_column_names_with_colons_and_percent_signs_load(resource, tmp_path):
    path = tmp_path / "raros.csv"
    path.write_text("clave:zona,avance %,obra\nZ-1,50,Parque Juárez\n", encoding="utf-8")
    terms = {"clave:zona": "Clave de la zona.", "avance %": "Avance físico.", "obra": "Nombre de la obra."}

    copy.load_file(resource["id"], path, sha256="y" * 64, terms=terms, workers=2)

    found = call_action("datastore_search", resource_id=resource["id"], q="juarez")
    assert [(r["clave:zona"], r["avance %"]) for r in found["records"]] == [("Z-1", 50)]


def test_spreadsheet_is_converted_and_loaded_typed(resource, tmp_path):
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["numero_contrato", "obra", "monto_contratado_mxn", "fecha_inicio", "avance"])
    for i in range(1, 21):
        sheet.append([f"C-{i}", f"Parque {i}", 1000.25 * i, date(2024, 1, i), i])
    path = tmp_path / "obras.xlsx"
    book.save(path)

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path, formato="XLSX")])

    assert outcome["error"] is None and outcome["filas"] == 20
    kinds = {name: kind for name, (kind, _info) in types_and_info(resource["id"]).items()}
    assert kinds["avance"] == "int8" and kinds["monto_contratado_mxn"] == "numeric"
    assert kinds["fecha_inicio"] in ("date", "timestamp")
    record = call_action("datastore_search", resource_id=resource["id"], sort="_id", limit=1)["records"][0]
    assert record["avance"] == 1 and record["obra"] == "Parque 1"


def test_excel_style_csv_windows_1252_semicolons_and_a_blank_line(resource, tmp_path):
    # As Excel in Spanish saves a CSV: Windows-1252 and ";".
    text = "numero_contrato;obra;colonia;monto_contratado_mxn\r\n"
    text += "C-1;Rehabilitación de parque;San Sebastián de Aparicio;1500.50\r\n"
    text += "C-2;Bacheo;Ñuñoa;20\r\n"
    path = tmp_path / "obras.csv"
    path.write_bytes(text.encode("cp1252"))

    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, path)])

    assert outcome["error"] is None and outcome["filas"] == 2
    records = call_action("datastore_search", resource_id=resource["id"], sort="_id")["records"]
    assert [r["colonia"] for r in records] == ["San Sebastián de Aparicio", "Ñuñoa"]
    assert types_and_info(resource["id"])["monto_contratado_mxn"][0] == "numeric"
    assert call_action("datastore_search", resource_id=resource["id"], q="sebastian")["total"] == 1

    # A blank line (publicar skipped it) is not a row of empty cells.
    blank = tmp_path / "con_blanco.csv"
    blank.write_text("numero_contrato,obra\nC-1,Parque\n\nC-2,Bacheo\n", encoding="utf-8")
    [outcome] = loading.after_validation(resource["package_id"], [entry(resource, blank)])
    assert outcome["filas"] == 2
    assert call_action("datastore_search", resource_id=resource["id"], limit=0)["total"] == 2


def test_a_resource_with_an_alias_loads_again_and_the_alias_follows(resource, tmp_path):
    """An alias (``datastore_create`` with ``aliases``, a view of the table) must not stop the
    next publication: the swap dropped the old table, and PostgreSQL refuses to drop a table a
    view depends on. The alias answers with the new rows, searches included."""
    old = write_csv(tmp_path / "v1.csv", obras(30, tag="-v1"))
    loading.after_validation(resource["package_id"], [entry(resource, old)])
    call_action("datastore_create", resource_id=resource["id"], aliases="obras-avance", force=True)
    assert call_action("datastore_search", resource_id="obras-avance", limit=0)["total"] == 30
    new = write_csv(tmp_path / "v2.csv", obras(500, tag="-v2"))
    served: dict[str, object] = {}

    def hook(phase: str, resource_id: str) -> None:
        if phase == "servida":  # full text still pending: searches read the fallback, by alias too
            with get_write_engine().connect() as conn:
                served["pending"] = pending_expression(conn, resource_id) is not None
            served["totals"] = [call_action("datastore_search", resource_id=name, q="rehabilitacion", limit=0)["total"]
                                for name in ("obras-avance", resource_id)]

    copy.TEST_HOOK = hook
    try:
        [outcome] = loading.after_validation(resource["package_id"], [entry(resource, new)])
    finally:
        copy.TEST_HOOK = None

    assert outcome.get("error") is None and outcome["filas"] == 500
    assert served["pending"] is True
    by_alias = call_action("datastore_search", resource_id="obras-avance", q="rehabilitacion", limit=1000)
    by_id = call_action("datastore_search", resource_id=resource["id"], q="rehabilitacion", limit=1000)
    assert by_alias["total"] == by_id["total"] > 0
    assert [r["numero_contrato"] for r in by_alias["records"]] == [r["numero_contrato"] for r in by_id["records"]]
    assert all(r["numero_contrato"].endswith("-v2") for r in by_alias["records"])
    assert served["totals"] == [by_id["total"]] * 2
