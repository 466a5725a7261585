"""Load a validated CSV/XLSX into a resource's DataStore table with ``COPY``, replaced atomically.

What a reader of the DataStore sees is always a whole table: the old one until the new one
has all its rows, then the new one, and every search on it (``q`` and ``full_text`` included)
gives the complete answer from that moment. The steps:

1. Skip when the resource's stored key (``datastore_sha256``: file SHA-256 + dictionary +
   loader version, the same key ``publicar`` writes) says this table is already loaded:
   0 writes (only a full-text pass or indexes left unfinished are completed, see below).
2. Typed fields from the validation's Table Schema and the dictionary as field ``info``
   (``pueblaabierto.publish.datastore``: the same code ``publicar`` used).
3. First load only: ``datastore_create`` (trusted) creates the resource's table, so CKAN's
   own bookkeeping (``datastore_active``, plugin hooks, permissions) is in place.
4. A staging table is created with CKAN's own DDL (``_id``, ``_full_text``, typed columns,
   field info as column comments) under a private name, and ``COPY ... FROM STDIN`` streams
   the file into it (the raw bytes when the file needs no conversion, else rows converted as
   ``publicar`` converted them), ``_full_text`` NULL; then its ``_id`` key is built. The
   table is marked «texto completo pendiente» (``PENDING``, a table comment holding the SQL
   of a row's ``_full_text``, see 7).
5. **Tabla servida.** One short transaction swaps it in: lock the old table, drop it, rename
   the staging table and its key and sequence to CKAN's names, add CKAN's ``zfulltext``
   trigger. The key (``datastore_active``, ``datastore_sha256``) is stored on the resource
   (without a ``package_update``, as CKAN's datastore does, so no new validation starts).
   Rows, filters, sort, SQL and the dictionary are complete from here on.
6. **Texto completo.** A second staging table (CKAN's DDL again) is filled from the served
   one by several connections at once (one per core, ``pueblaabierto.datastore.carga_paralela``),
   each moving a range of rows with ``_full_text`` computed on the way: the text of every
   non-underscore column, as CKAN's trigger builds it, in the portal's Spanish unaccent
   configuration. Spanish stemming is the costly part, so numbers, which the parser keeps
   whole, become lexemes directly (``array_to_tsvector``: the same lexemes, about 15 times
   cheaper), and columns that repeat a few values (colonias, estatus, fechas) are stemmed
   once per value. Its key is built and it is swapped in like in 5, without the mark.
   A new table rather than ``UPDATE ... SET _full_text``: an UPDATE of every row leaves a
   dead copy of each (the table doubles until VACUUM) and rewrites the key's index; the new
   table is written once, compact. No write is lost between the two swaps: the pass holds
   the served table in ``SHARE`` mode (readers read; a writer, which only trusted in-process
   callers can be, see guard.py, waits) from before it reads the rows until the swap commits;
   a waiting write then finds the new table under the same name and lands there (PostgreSQL
   looks the name up again after the wait), where CKAN's trigger computes its ``_full_text``.
7. While the mark is on the table, ``datastore_search`` (``portal/datastore_search.py``,
   IDatastore hook) rewrites CKAN's ``_full_text @@ ...`` and ``ts_rank(_full_text, ...)``
   to ``coalesce(_full_text, <the mark's expression>)``: ``q`` and ``full_text`` give the
   complete answer, only slower (no index yet). ``datastore_search_sql`` sees ``_full_text``
   NULL until the pass ends (docs/datastore.md).
8. CKAN's indexes (``_full_text`` and per text column) are built on the live table, several
   at once (``CREATE INDEX`` does not block readers).

With ``defer_indexes`` (the validation job) 6 and 8 run in a job of their own
(``build_indexes``), so the verdict is given as soon as the table is served.

Interruptions: before 5, the old table is untouched and at most a staging table remains,
which the next load of the resource drops first. After 5, the served table is complete and
marked pending and its key is stored: searches stay complete through the fallback of 7, and
the next load of the same data (skipped as unchanged) or the queued job resumes just the
full-text pass (6) and the missing indexes (8). Tests stop the load at exact moments through
``TEST_HOOK``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from pueblaabierto.publish import datastore as shared
from pueblaabierto.publish import mapping
from sqlalchemy.dialects.postgresql import JSONB

from ..portal.datastore_search import CONFIG as FTS_CONFIG
from ..portal.datastore_search import PENDING, pending_expression
from ..translate import _

log = logging.getLogger(__name__)

STAGING_PREFIX = "_pa_carga_"
TEXT_SUFFIX = "_texto"  # the second staging table, with _full_text (step 6)
RAW_SUFFIX = "_crudo"  # loads before 2026-12-03 (COPY went to an unlogged twin): dropped if left
LEXICON_SUFFIX = "_lexico"
# DataStore column types whose text the full-text parser keeps as one lexeme, unchanged.
WHOLE_LEXEME_TYPES = frozenset({"numeric", "int", "int2", "int4", "int8", "integer", "bigint", "smallint"})
COPY_BUFFER = 1 << 20
# Tests only: called as hook(phase, resource_id) when the staging table is complete but not
# swapped in ("preparada"), inside the swap's transaction before COMMIT ("intercambio"), when
# the table is served with its full text pending ("servida"), when the full-text table is
# complete, the served one held against writes ("texto-preparado"), and inside the second
# swap's transaction ("intercambio-texto"), so a test can read the DataStore at those moments.
TEST_HOOK: Callable[[str, str], None] | None = None


class LoadError(Exception):
    """The file could not be loaded; ``message`` is Spanish, for the enlace."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LoadResult:
    resource_id: str
    rows: int = 0
    skipped: bool = False  # unchanged: nothing written
    mode: str = ""  # "directo" (raw bytes to COPY) or "convertido" (rows converted in Python)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase
    stemmed_once: list[str] = field(default_factory=list)  # columns whose vectors were computed per value
    full_text_pending: bool = False  # served, _full_text left to the queued job (defer_indexes)


def table_key(sha256: str, terms: dict[str, str]) -> str:
    return shared.table_key(sha256, terms)


def site_context() -> dict[str, Any]:
    from ..workflow.state import WORKFLOW_CONTEXT_FLAG

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"], WORKFLOW_CONTEXT_FLAG: True}


def is_loaded(resource_id: str, key: str) -> bool:
    resource = model.Resource.get(resource_id)
    if resource is None:
        return False
    extras = resource.extras or {}
    return extras.get(mapping.DATASTORE_HASH_KEY) == key and _backend().resource_exists(resource_id)


def parallel_connections() -> int:
    """``pueblaabierto.datastore.carga_paralela``, or the machine's cores (at most 4) when 0."""
    configured = tk.asint(tk.config.get("pueblaabierto.datastore.carga_paralela") or 0)
    return configured if configured > 0 else max(1, min(4, os.cpu_count() or 1))


def load_file(resource_id: str, path: Path, *, sha256: str, terms: dict[str, str], formato: str = "",
              schema: list[dict[str, Any]] | None = None, full_text: bool = True,
              workers: int | None = None, defer_indexes: bool = False) -> LoadResult:
    """(Re)load ``path`` into ``resource_id``'s DataStore table; skipped when unchanged.

    ``schema``: the validation's Table Schema fields when the caller has them (else they are
    inferred exactly as the validator infers them). ``full_text=False`` leaves ``_full_text``
    empty and unmarked: only for the benchmark, which measures what the Spanish full text costs.
    ``workers``: connections used at once (default ``parallel_connections()``).
    ``defer_indexes``: the full-text pass and CKAN's indexes are done by a job of their own
    (``build_indexes``) queued after the one running, so the DataStore is active and the
    verdict given as soon as the table is served (searches are complete meanwhile).
    ``result.seconds``: per phase, in order; the table is served after "intercambio".
    """
    workers = workers or parallel_connections()
    result = LoadResult(resource_id)
    key = table_key(sha256, terms)
    if is_loaded(resource_id, key):
        result.skipped = True
        # A pass lost with its job or worker is made good here; with nothing missing, nothing is written.
        finish(resource_id, workers)
        return result
    clock = time.perf_counter()
    as_xlsx = path.suffix.lower() not in (".csv", ".txt", ".tsv")
    try:
        fields_schema = schema if schema is not None else shared.table_schema(path, terms, formato)
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes a Spanish message
        raise LoadError(_("No se pudo leer «{name}» como tabla: {error}").format(name=path.name, error=exc)) from exc
    header, dialect, encoding = _header(path) if not as_xlsx else (None, None, None)
    if header is None:
        header, _rows = shared.read_rows(path)
    fields = shared.datastore_fields(header, fields_schema, terms)
    result.seconds["esquema"] = time.perf_counter() - clock

    context = site_context()
    backend = _backend()
    if not backend.resource_exists(resource_id):
        tk.get_action("datastore_create")(dict(context), {"resource_id": resource_id, "fields": fields,
                                                          "force": True})
    engine = _write_engine()
    staging = staging_name(resource_id)
    _drop(engine, staging)  # what an interrupted load left behind
    try:
        clock = time.perf_counter()
        _create_staging(engine, staging, fields)
        descriptors = shared.aligned(header, fields_schema)
        direct = not as_xlsx and all(_needs_no_conversion(d) for d in descriptors)
        try:
            if direct and dialect is not None and encoding is not None:
                result.mode = "directo"
                result.rows = _copy_raw(engine, staging, header, path, dialect, encoding)
            else:
                result.mode = "convertido"
                result.rows = _copy_rows(engine, staging, header, path, descriptors)
        except sa.exc.DataError:
            if not direct:
                raise
            # A value COPY reads differently from the validator (e.g. blank lines): convert in Python.
            _truncate(engine, staging)
            result.mode = "convertido"
            result.rows = _copy_rows(engine, staging, header, path, descriptors)
        result.seconds["copy"] = time.perf_counter() - clock
        clock = time.perf_counter()
        with engine.begin() as conn:
            _add_key(conn, staging)
            if full_text:
                _mark_pending(conn, staging, full_text_expression(fields, fts_config(conn), alias=None))
        result.seconds["llave"] = time.perf_counter() - clock
        if TEST_HOOK is not None:
            TEST_HOOK("preparada", resource_id)
        clock = time.perf_counter()
        with engine.begin() as conn:
            _swap(conn, staging, resource_id, "intercambio")
        result.seconds["intercambio"] = time.perf_counter() - clock
    except sa.exc.DataError as exc:
        _drop(engine, staging)
        raise LoadError(_("Los datos de «{name}» no coinciden con los tipos de la validación ({error}). "
                          "Vuelva a validar el archivo.").format(name=path.name, error=_pg_message(exc))) from exc
    except BaseException:
        _drop(engine, staging)
        raise
    # Served: every row is there and every search complete (the pending full text is replaced
    # by its expression in searches). The key is stored now; what remains is completed by
    # ``finish`` whoever runs it (this load, the queued job, or the next load of the same data).
    _mark_loaded(resource_id, key)
    if TEST_HOOK is not None:
        TEST_HOOK("servida", resource_id)
    if defer_indexes:
        result.full_text_pending = full_text
        tk.enqueue_job(build_indexes, [resource_id], title=f"Texto completo e índices del DataStore de {resource_id}",
                       rq_kwargs={"timeout": 3600})
        return result
    if full_text:
        clock = time.perf_counter()
        result.stemmed_once = complete_full_text(engine, resource_id, workers) or []
        result.seconds["texto completo"] = time.perf_counter() - clock
    clock = time.perf_counter()
    _create_indexes(engine, resource_id, workers)
    result.seconds["indices"] = time.perf_counter() - clock
    return result


def build_indexes(resource_id: str) -> None:
    """Job: the pending full text and CKAN's missing indexes of a loaded resource's table."""
    if _backend().resource_exists(resource_id):
        finish(resource_id, parallel_connections())


def finish(resource_id: str, workers: int) -> None:
    """The pending full-text pass (if the table is marked), then CKAN's indexes that are missing."""
    engine = _write_engine()
    complete_full_text(engine, resource_id, workers)
    _create_indexes(engine, resource_id, workers)


def staging_name(resource_id: str) -> str:
    return STAGING_PREFIX + hashlib.sha256(resource_id.encode()).hexdigest()[:20]


def _mark_pending(conn: Any, table: str, expression: str) -> None:
    literal = (PENDING + expression).replace("'", "''")
    conn.execution_options(no_parameters=True).exec_driver_sql(f"COMMENT ON TABLE {_ident(table)} IS '{literal}'")


def _add_key(conn: Any, table: str) -> None:
    conn.execute(sa.text(f"ALTER TABLE {_ident(table)} ADD CONSTRAINT {_ident(table + '_pkey')} PRIMARY KEY (_id)"))


def complete_full_text(engine: sa.engine.Engine, resource_id: str, workers: int) -> list[str] | None:
    """Step 6 of the module docstring: a copy of the served table with ``_full_text``, swapped in.

    Returns the columns stemmed once per distinct value, or None when the table was not pending."""
    with engine.connect() as conn:
        if pending_expression(conn, resource_id) is None:
            return None
        fields = _table_fields(conn, resource_id)
    staging = staging_name(resource_id) + TEXT_SUFFIX
    _drop(engine, staging)
    try:
        _create_twin(engine, staging, resource_id)
        with engine.begin() as conn:
            config = fts_config(conn)
            repeated = _repeated_columns(conn, resource_id, fields)
            if repeated:
                _build_lexicon(conn, resource_id, staging + LEXICON_SUFFIX, repeated, config)
        # From here until the swap commits, writes to the served table wait (readers do not).
        with engine.connect() as holder:
            with holder.begin():
                holder.execute(sa.text(f"LOCK TABLE {_ident(resource_id)} IN SHARE MODE"))
                # The rows to move are read after the lock: whatever was written before is in.
                low, high = holder.execute(sa.text(f"SELECT min(_id), max(_id) FROM {_ident(resource_id)}")).one()
                if low is not None:
                    _move_rows(engine, resource_id, staging, fields, config, repeated, int(low), int(high), workers)
                with engine.begin() as conn:
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(staging + LEXICON_SUFFIX)}"))
                    _add_key(conn, staging)
                if TEST_HOOK is not None:
                    TEST_HOOK("texto-preparado", resource_id)
                # The sequence goes on where the served table's left off (upserts get new _ids).
                holder.execute(sa.text(
                    "SELECT setval(pg_get_serial_sequence(:new, '_id'), s.last_value, s.is_called) "
                    "FROM (SELECT last_value, is_called FROM " + _sequence_of(holder, resource_id) + ") AS s"
                ), {"new": _ident(staging)})
                _swap(holder, staging, resource_id, "intercambio-texto")
    except BaseException:
        _drop(engine, staging)
        raise
    return repeated


def _sequence_of(conn: Any, table: str) -> str:
    name = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, '_id')"), {"t": _ident(table)}).scalar()
    if not name:
        raise LoadError(_("La tabla {table} del DataStore no tiene la secuencia de _id de CKAN: vuelva a "
                          "cargar el archivo del recurso.").format(table=table))
    return str(name)  # already quoted by PostgreSQL


def _table_fields(conn: Any, table: str) -> list[dict[str, Any]]:
    """The table's columns as ``{"id", "type"}`` (PostgreSQL's type names), in order."""
    rows = conn.execute(sa.text(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = to_regclass(:t) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
    ), {"t": _ident(table)}).all()
    return [{"id": name, "type": kind} for name, kind in rows]


def _create_twin(engine: sa.engine.Engine, staging: str, table: str) -> None:
    """A table like the served one for the full-text pass: the same columns and column comments
    (the dictionary, whatever CKAN keeps there), ``_id`` numbered by a sequence of its own; no key yet."""
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE {_ident(staging)} (LIKE {_ident(table)} INCLUDING COMMENTS)"))
        conn.execute(sa.text(f"CREATE SEQUENCE {_ident(staging + '__id_seq')} OWNED BY {_ident(staging)}._id"))
        conn.execute(sa.text(f"ALTER TABLE {_ident(staging)} ALTER COLUMN _id SET DEFAULT "
                             f"nextval('{_ident(staging + '__id_seq')}'::regclass)"))


# -- database ---------------------------------------------------------------------------
def _backend() -> Any:
    from ckanext.datastore.backend import DatastoreBackend

    return DatastoreBackend.get_active_backend()


def _write_engine() -> sa.engine.Engine:
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine()


def _ident(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier

    return identifier(name)


def _pg_message(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def _drop(engine: sa.engine.Engine, table: str) -> None:
    """``table`` and what loads of it leave: the full-text twin, lexicons, older loads' raw twin."""
    with engine.begin() as conn:
        for name in (table + TEXT_SUFFIX + LEXICON_SUFFIX, table + TEXT_SUFFIX, table + RAW_SUFFIX + LEXICON_SUFFIX,
                     table + RAW_SUFFIX, table):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(name)}"))
        conn.execute(sa.text(f"DROP FUNCTION IF EXISTS {_ident(table + '_ft')}()"))  # loads before 2026-12


def _truncate(engine: sa.engine.Engine, table: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {_ident(table)} RESTART IDENTITY"))


def fts_config(conn: Any) -> str | None:
    """The portal's Spanish unaccent configuration, or None (the database default) if absent."""
    found = conn.execute(sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = :c"), {"c": FTS_CONFIG}).scalar()
    return f"public.{FTS_CONFIG}" if found else None


def _create_staging(engine: sa.engine.Engine, staging: str, fields: list[dict[str, Any]]) -> None:
    """CKAN's own DDL: columns, ``_id``, ``_full_text``, info comments."""
    from ckanext.datastore.backend.postgres import create_table

    with engine.begin() as conn:
        create_table({"connection": conn}, {"resource_id": staging, "fields": [dict(f) for f in fields]}, {})
        # Bulk-load practice: the key's index is built once after COPY, not row by row during it.
        conn.execute(sa.text(f"ALTER TABLE {_ident(staging)} DROP CONSTRAINT {_ident(staging + '_pkey')}"))


def _vector(config: str | None, text: str) -> str:
    return f"to_tsvector('{config}', {text})" if config else f"to_tsvector({text})"


def full_text_expression(fields: list[dict[str, Any]], config: str | None,
                         lexicon: dict[str, str] | None = None, alias: str | None = "r") -> str:
    """SQL for a row's ``_full_text``: the lexemes CKAN's trigger would give (the text of every
    non-underscore column), with numbers taken whole instead of through the parser.

    ``lexicon``: ``{column: alias}`` of columns whose vectors are looked up per distinct value
    (joined as ``alias``, see ``_build_lexicon``) instead of computed per row; a value missing
    from it is computed. ``alias``: the table's alias in the query, None for bare column names
    (the expression searches use while the full text is pending).
    """
    lexicon = lexicon or {}
    prefix = f"{alias}." if alias else ""
    columns = [f for f in fields if not f["id"].startswith("_")]

    def text(f: dict[str, Any]) -> str:
        return f"{prefix}{_ident(f['id'])}::text"

    looked_up = [f"coalesce({lexicon[f['id']]}.vector, {_vector(config, text(f))}, ''::tsvector)"
                 for f in columns if f["id"] in lexicon]
    texts = [text(f) for f in columns if f.get("type") not in WHOLE_LEXEME_TYPES and f["id"] not in lexicon]
    numbers = [text(f) for f in columns if f.get("type") in WHOLE_LEXEME_TYPES]
    parts = list(looked_up)
    if texts:
        parts.append(_vector(config, f"concat_ws(' ', {', '.join(texts)})"))
    if numbers:
        parts.append(f"array_to_tsvector(array_remove(ARRAY[{', '.join(numbers)}], NULL))")
    return "(" + (" || ".join(parts) or "''::tsvector") + ")"


def _repeated_columns(conn: Any, table: str, fields: list[dict[str, Any]]) -> list[str]:
    """Text columns with few distinct values (colonias, estatus, fechas): PostgreSQL's sample
    estimate, at most 5 % of the rows. Their vectors are computed once per value."""
    conn.exec_driver_sql(f"ANALYZE {_ident(table)}")
    rows = conn.execute(sa.text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"),
                        {"t": _ident(table)}).scalar() or 0
    if rows <= 0:
        return []
    estimates = dict(conn.execute(sa.text(
        "SELECT attname, n_distinct FROM pg_stats WHERE schemaname = 'public' AND tablename = :t"
    ), {"t": table}).all())
    repeated = []
    for f in fields:
        if f["id"].startswith("_") or f.get("type") in WHOLE_LEXEME_TYPES or f["id"] not in estimates:
            continue
        estimate = estimates[f["id"]]
        distinct = estimate if estimate >= 0 else -estimate * rows
        if distinct <= rows * 0.05:
            repeated.append(f["id"])
    return repeated


def _build_lexicon(conn: Any, table: str, lexicon: str, columns: list[str], config: str | None) -> None:
    """``lexicon``: (column, value, vector) for every distinct value of ``columns`` in ``table``."""
    selects = " UNION ALL ".join(
        f"SELECT {i} AS col, v, {_vector(config, 'v')} AS vector "
        f"FROM (SELECT DISTINCT {_ident(name)}::text AS v FROM {_ident(table)}) AS d{i}"
        for i, name in enumerate(columns)
    )
    conn.execution_options(no_parameters=True).exec_driver_sql(
        f"CREATE UNLOGGED TABLE {_ident(lexicon)} AS {selects}")


def _move_rows(engine: sa.engine.Engine, table: str, staging: str, fields: list[dict[str, Any]],
               config: str | None, repeated: list[str], low: int, high: int, workers: int) -> None:
    """Copy ``table``'s rows to ``staging`` computing ``_full_text``, ``workers`` ranges of ``_id`` at once."""
    lexicon_table = staging + LEXICON_SUFFIX
    lexicon = {name: f"l{i}" for i, name in enumerate(repeated)}
    joins = "".join(
        f" LEFT JOIN {_ident(lexicon_table)} AS l{i} ON l{i}.col = {i} AND l{i}.v = r.{_ident(name)}::text"
        for i, name in enumerate(repeated)
    )
    names = [_ident(f["id"]) for f in fields if not f["id"].startswith("_")]
    move_rows = (f"INSERT INTO {_ident(staging)} (_id, _full_text, {', '.join(names)}) "
                 f"SELECT r._id, {full_text_expression(fields, config, lexicon)}, "
                 f"{', '.join('r.' + n for n in names)} FROM {_ident(table)} AS r{joins} WHERE r._id BETWEEN ")
    step = (high - low) // workers + 1
    ranges = [(start, min(start + step - 1, high)) for start in range(low, high + 1, step)]

    def move(bounds: tuple[int, int]) -> None:
        # No parameters at all: column names are the enlace's, and may hold «:» or «%».
        with engine.begin() as conn:
            conn.execution_options(no_parameters=True).exec_driver_sql(
                f"{move_rows}{int(bounds[0])} AND {int(bounds[1])}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(move, ranges))


def _copy(engine: sa.engine.Engine, staging: str, header: list[str], stream: Any, options: str) -> int:
    columns = ", ".join(_ident(name) for name in header)
    raw: Any = engine.raw_connection()  # psycopg2's connection: copy_expert streams the file
    try:
        cursor = raw.cursor()
        cursor.copy_expert(f"COPY {_ident(staging)} ({columns}) FROM STDIN WITH ({options})", stream,
                           size=COPY_BUFFER)
        rows = cursor.rowcount
        raw.commit()
        return int(rows)
    except Exception as exc:
        raw.rollback()
        import psycopg2

        if isinstance(exc, psycopg2.DataError):
            raise sa.exc.DataError("COPY", {}, exc) from exc
        raise
    finally:
        raw.close()


def _copy_raw(engine: sa.engine.Engine, staging: str, header: list[str], path: Path, dialect: Any,
              encoding: str) -> int:
    delimiter = dialect.delimiter.replace("'", "''")
    quote = (dialect.quotechar or '"').replace("'", "''")
    pg_encoding = "WIN1252" if encoding == "cp1252" else "UTF8"
    options = f"FORMAT csv, HEADER true, DELIMITER '{delimiter}', QUOTE '{quote}', ENCODING '{pg_encoding}'"
    with path.open("rb") as stream:
        if encoding == "utf-8-sig" and stream.read(3) != b"\xef\xbb\xbf":
            stream.seek(0)
        rows = _copy(engine, staging, header, stream, options)
    # Blank lines (publicar skipped them) arrive as rows of NULLs: drop them.
    columns = ", ".join(_ident(name) for name in header)
    with engine.begin() as conn:
        rows -= conn.execute(sa.text(f"DELETE FROM {_ident(staging)} WHERE ROW({columns}) IS NULL")).rowcount
    return rows


def _copy_rows(engine: sa.engine.Engine, staging: str, header: list[str], path: Path,
               descriptors: list[dict[str, Any]]) -> int:
    _header_again, rows = shared.read_rows(path)
    converters = [shared.converter(d, False) for d in descriptors]
    width = len(header)

    def lines() -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            if not any(str(cell).strip() for cell in row):
                continue
            row = (list(row) + [""] * width)[:width]
            writer.writerow([_csv_value(convert(cell)) for convert, cell in zip(converters, row, strict=True)])
            if buffer.tell() >= COPY_BUFFER:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")

    return _copy(engine, staging, header, _IterStream(lines()), "FORMAT csv, NULL '\\N'")


def _csv_value(value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _IterStream(io.RawIOBase):
    """A readable file over an iterator of byte chunks (what ``copy_expert`` reads)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            size = len(self._pending)
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def _needs_no_conversion(descriptor: dict[str, Any]) -> bool:
    """Whether PostgreSQL reads this column's text exactly as the validator did."""
    kind = descriptor.get("type", "string")
    if kind == "number":
        return not descriptor.get("groupChar") and descriptor.get("decimalChar", ".") == "."
    if kind in ("date", "datetime", "time"):
        return descriptor.get("format") in (None, "", "default", "any")
    if kind == "boolean":
        allowed = {"true", "false", "1", "0", "t", "f", "yes", "no", "y", "n", "on", "off"}
        return {str(v).lower() for v in (descriptor.get("trueValues") or []) + (
            descriptor.get("falseValues") or [])} <= allowed
    if kind in ("object", "array"):
        return True
    return kind in ("string", "integer", "year", "any")


def _header(path: Path) -> tuple[list[str], Any, str]:
    """Header, CSV dialect and encoding as ``publicar`` reads them."""
    encoding = shared.encoding_of(path)
    with path.open("r", encoding=encoding, newline="") as stream:
        sample = stream.read(65536)
        dialect = shared.dialect_of(sample)
        stream.seek(0)
        header = next(csv.reader(stream, dialect), [])
    return [h.strip() for h in header], dialect, encoding


def _create_indexes(engine: sa.engine.Engine, resource_id: str, workers: int = 1) -> None:
    """CKAN's indexes (``create_indexes``), each statement on its own connection, ``workers`` at once."""
    from ckanext.datastore.backend.postgres import _build_fts_indexes, _get_fields, _get_index_names

    template = 'CREATE {unique} INDEX "{name}" ON "{res_id}" USING {method}({fields})'
    with engine.connect() as conn:
        fields = _get_fields(conn, resource_id)
        statements, _unindexed = _build_fts_indexes({"resource_id": resource_id}, template, fields)
        existing = _get_index_names(conn, resource_id)
    pending = [sql for sql in statements if not any(name in sql for name in existing)]

    def build(statement: str) -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
            conn.execution_options(no_parameters=True).exec_driver_sql(statement)

    # The _full_text index comes first in CKAN's list and is the largest: it starts at once.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(build, pending))


def _swap(conn: Any, staging: str, resource_id: str, phase: str) -> None:
    """In the caller's transaction: the staging table takes the resource table's place."""
    from ckanext.datastore.backend.postgres import _create_fulltext_trigger, _get_aliases

    target = _ident(resource_id)
    conn.execute(sa.text(f"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE"))
    # The resource's aliases (views CKAN's datastore_create makes, ``aliases``) depend on the
    # old table, which could then not be dropped: they are made again on the new one, with
    # its columns, in this transaction.
    aliases = _get_aliases({"connection": conn}, {"resource_id": resource_id})
    for alias in aliases:
        conn.execute(sa.text(f"DROP VIEW {_ident(alias)}"))
    conn.execute(sa.text(f"DROP TABLE {target}"))
    conn.execute(sa.text(f"ALTER TABLE {_ident(staging)} RENAME TO {target}"))
    for alias in aliases:
        conn.execute(sa.text(f"CREATE VIEW {_ident(alias)} AS SELECT * FROM {target}"))
    conn.execute(sa.text(f"ALTER SEQUENCE IF EXISTS {_ident(staging + '__id_seq')} "
                         f"RENAME TO {_ident(resource_id + '__id_seq')}"))
    conn.execute(sa.text(f"ALTER INDEX IF EXISTS {_ident(staging + '_pkey')} "
                         f"RENAME TO {_ident(resource_id + '_pkey')}"))
    _create_fulltext_trigger(conn, resource_id)
    if TEST_HOOK is not None:
        TEST_HOOK(phase, resource_id)


def _mark_loaded(resource_id: str, key: str) -> None:
    """``datastore_active`` and the load key on the resource, without a package_update (as CKAN does).

    One statement that sets only those two keys (``jsonb_set``, like CKAN's own flag): a
    concurrent update of the resource's other fields is neither lost nor overwritten."""
    from ckan.lib import search

    resource = model.Resource.get(resource_id)
    assert resource is not None
    extras = dict(resource.extras or {})
    if extras.get("datastore_active") is True and extras.get(mapping.DATASTORE_HASH_KEY) == key:
        return
    column = model.resource_table.c.extras
    merged = sa.func.coalesce(column, "{}").cast(JSONB).op("||")(
        sa.cast(sa.literal(json.dumps({"datastore_active": True, mapping.DATASTORE_HASH_KEY: key}), sa.TEXT), JSONB))
    model.Session.query(model.Resource).filter(model.Resource.id == resource_id).update(
        {"extras": merged.cast(sa.TEXT)}, synchronize_session=False)
    model.Session.commit()
    model.Session.expire_all()
    pkg = tk.get_action("package_show")({"ignore_auth": True, "validate": False, "use_cache": False},
                                        {"id": resource.package_id})
    search.PackageSearchIndex().index_package(pkg)
    from ..portal import page_cache

    page_cache.invalidate()  # the rows citizens read changed: no stored page or API answer stays
