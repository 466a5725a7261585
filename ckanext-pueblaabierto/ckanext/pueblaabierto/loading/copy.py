"""Load a validated CSV/XLSX into a resource's DataStore table with ``COPY``, replaced atomically.

What a reader of the DataStore sees is always a whole table: the old one until the new one
is complete, then the new one. The steps:

1. Skip when the resource's stored key (``datastore_sha256``: file SHA-256 + dictionary +
   loader version, the same key ``publicar`` writes) says this table is already loaded:
   0 writes.
2. Typed fields from the validation's Table Schema and the dictionary as field ``info``
   (``pueblaabierto.publish.datastore``: the same code ``publicar`` used).
3. First load only: ``datastore_create`` (trusted) creates the resource's table, so CKAN's
   own bookkeeping (``datastore_active``, plugin hooks, permissions) is in place.
4. A staging table is created with CKAN's own DDL (``_id``, ``_full_text``, typed columns,
   field info as column comments) under a private name. ``COPY ... FROM STDIN`` streams the
   file into an unlogged twin of it (the raw bytes when the file needs no conversion, else
   rows converted as ``publicar`` converted them); then several connections at once (one per
   core, ``pueblaabierto.datastore.carga_paralela``) move ranges of rows into the staging
   table with ``_full_text`` computed on the way: the text of every non-underscore column, as
   CKAN's trigger builds it, in the portal's Spanish unaccent configuration. Spanish
   stemming is the costly part, so numbers, which the parser keeps whole, become lexemes
   directly (``array_to_tsvector``: the same lexemes, about 15 times cheaper), and columns
   that repeat a few values (colonias, estatus, fechas) are stemmed once per value.
5. One short transaction swaps it in: lock the old table, drop it, rename the staging
   table and its key and sequence to CKAN's names, add CKAN's ``zfulltext`` trigger.
6. CKAN's indexes (``_full_text`` and per text column) are built on the live table, several
   at once: rows and ``_full_text`` are complete already, so searches give the full answer
   meanwhile (``CREATE INDEX`` does not block readers), only slower.
7. The resource's ``datastore_active`` and ``datastore_sha256`` are set without a
   ``package_update`` (as CKAN's datastore does), so the load starts no new validation.

A load interrupted before step 5 leaves the old table untouched and at most a staging
table, which the next load of the resource drops first; interrupted after it, the key is not
stored and the next run loads again (it is resumable by running again). Tests read the
DataStore mid-load through ``TEST_HOOK``.
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
from ..translate import _

log = logging.getLogger(__name__)

STAGING_PREFIX = "_pa_carga_"
RAW_SUFFIX = "_crudo"
LEXICON_SUFFIX = "_lexico"
# DataStore column types whose text the full-text parser keeps as one lexeme, unchanged.
WHOLE_LEXEME_TYPES = frozenset({"numeric", "int", "int2", "int4", "int8", "integer", "bigint", "smallint"})
COPY_BUFFER = 1 << 20
# Tests only: called as hook(phase, resource_id) when the staging table is complete but not
# swapped in ("preparada"), and inside the swap's transaction before COMMIT ("intercambio"),
# so a test can read the DataStore at those exact moments.
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
    empty: only for the benchmark, which measures what the Spanish full text costs.
    ``workers``: connections used at once (default ``parallel_connections()``).
    ``defer_indexes``: CKAN's indexes are built by a job of their own (``build_indexes``) queued
    after the one running, so the DataStore is active and the verdict given as soon as the
    table is served.
    """
    workers = workers or parallel_connections()
    result = LoadResult(resource_id)
    key = table_key(sha256, terms)
    if is_loaded(resource_id, key):
        result.skipped = True
        # An index job lost with its worker is made good here; with nothing missing, nothing is written.
        _create_indexes(_write_engine(), resource_id, workers)
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
    staging = STAGING_PREFIX + hashlib.sha256(resource_id.encode()).hexdigest()[:20]
    _drop(engine, staging)  # what an interrupted load left behind
    try:
        clock = time.perf_counter()
        _create_staging(engine, staging, fields)
        # Without full text, rows go straight to the staging table; with it, to an unlogged
        # twin first, from which the parallel pass computes _full_text.
        target = _create_raw(engine, staging) if full_text else staging
        descriptors = shared.aligned(header, fields_schema)
        direct = not as_xlsx and all(_needs_no_conversion(d) for d in descriptors)
        try:
            if direct and dialect is not None and encoding is not None:
                result.mode = "directo"
                result.rows = _copy_raw(engine, target, header, path, dialect, encoding)
            else:
                result.mode = "convertido"
                result.rows = _copy_rows(engine, target, header, path, descriptors)
        except sa.exc.DataError:
            if not direct:
                raise
            # A value COPY reads differently from the validator (e.g. blank lines): convert in Python.
            _truncate(engine, target)
            result.mode = "convertido"
            result.rows = _copy_rows(engine, target, header, path, descriptors)
        result.seconds["copy"] = time.perf_counter() - clock
        if full_text:
            clock = time.perf_counter()
            result.stemmed_once = _fill_full_text(engine, target, staging, fields, workers)
            result.seconds["texto completo"] = time.perf_counter() - clock
        clock = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text(f"ALTER TABLE {_ident(staging)} ADD CONSTRAINT {_ident(staging + '_pkey')} "
                                 "PRIMARY KEY (_id)"))
        result.seconds["llave"] = time.perf_counter() - clock
        if TEST_HOOK is not None:
            TEST_HOOK("preparada", resource_id)
        clock = time.perf_counter()
        _swap(engine, staging, resource_id)
        result.seconds["intercambio"] = time.perf_counter() - clock
    except sa.exc.DataError as exc:
        _drop(engine, staging)
        raise LoadError(_("Los datos de «{name}» no coinciden con los tipos de la validación ({error}). "
                          "Vuelva a validar el archivo.").format(name=path.name, error=_pg_message(exc))) from exc
    except BaseException:
        _drop(engine, staging)
        raise
    # The table is whole (rows and _full_text) and served from here on: the load is done. CKAN's
    # indexes only make searches faster, so they are built on the live table (CREATE INDEX lets
    # readers read); if they never finish, the next load of the same data builds what is missing.
    _mark_loaded(resource_id, key)
    if defer_indexes:
        tk.enqueue_job(build_indexes, [resource_id], title=f"Índices del DataStore de {resource_id}",
                       rq_kwargs={"timeout": 3600})
        return result
    clock = time.perf_counter()
    _create_indexes(engine, resource_id, workers)
    result.seconds["indices"] = time.perf_counter() - clock
    return result


def build_indexes(resource_id: str) -> None:
    """Job: CKAN's indexes on a loaded resource's table, those missing only."""
    if _backend().resource_exists(resource_id):
        _create_indexes(_write_engine(), resource_id, parallel_connections())


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
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(table + RAW_SUFFIX + LEXICON_SUFFIX)}"))
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(table + RAW_SUFFIX)}"))
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(table)}"))
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


def _create_raw(engine: sa.engine.Engine, staging: str) -> str:
    """An unlogged twin of the staging table that COPY fills; its ``_id`` comes from the staging
    table's sequence, so the rows keep their numbers (and order) when they move over."""
    raw = staging + RAW_SUFFIX
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE UNLOGGED TABLE {_ident(raw)} (LIKE {_ident(staging)} INCLUDING DEFAULTS)"))
    return raw


def _vector(config: str | None, text: str) -> str:
    return f"to_tsvector('{config}', {text})" if config else f"to_tsvector({text})"


def full_text_expression(fields: list[dict[str, Any]], config: str | None,
                         lexicon: dict[str, str] | None = None) -> str:
    """SQL for a row's ``_full_text``: the lexemes CKAN's trigger would give (the text of every
    non-underscore column), with numbers taken whole instead of through the parser.

    ``lexicon``: ``{column: alias}`` of columns whose vectors are looked up per distinct value
    (joined as ``alias``, see ``_build_lexicon``) instead of computed per row.
    """
    lexicon = lexicon or {}
    columns = [f for f in fields if not f["id"].startswith("_")]
    looked_up = [f"coalesce({lexicon[f['id']]}.vector, ''::tsvector)" for f in columns if f["id"] in lexicon]
    texts = [f"r.{_ident(f['id'])}::text" for f in columns
             if f.get("type") not in WHOLE_LEXEME_TYPES and f["id"] not in lexicon]
    numbers = [f"r.{_ident(f['id'])}::text" for f in columns if f.get("type") in WHOLE_LEXEME_TYPES]
    parts = list(looked_up)
    if texts:
        parts.append(_vector(config, f"concat_ws(' ', {', '.join(texts)})"))
    if numbers:
        parts.append(f"array_to_tsvector(array_remove(ARRAY[{', '.join(numbers)}], NULL))")
    return " || ".join(parts) or "''::tsvector"


def _repeated_columns(conn: Any, raw: str, fields: list[dict[str, Any]], rows: int) -> list[str]:
    """Text columns with few distinct values (colonias, estatus, fechas): PostgreSQL's sample
    estimate, at most 5 % of the rows. Their vectors are computed once per value."""
    conn.exec_driver_sql(f"ANALYZE {_ident(raw)}")
    estimates = dict(conn.execute(sa.text(
        "SELECT attname, n_distinct FROM pg_stats WHERE schemaname = 'public' AND tablename = :t"
    ), {"t": raw}).all())
    repeated = []
    for f in fields:
        if f["id"].startswith("_") or f.get("type") in WHOLE_LEXEME_TYPES or f["id"] not in estimates:
            continue
        estimate = estimates[f["id"]]
        distinct = estimate if estimate >= 0 else -estimate * rows
        if distinct <= rows * 0.05:
            repeated.append(f["id"])
    return repeated


def _build_lexicon(conn: Any, raw: str, columns: list[str], config: str | None) -> None:
    """``raw``_lexico: (column, value, vector) for every distinct value of ``columns``."""
    selects = " UNION ALL ".join(
        f"SELECT {i} AS col, v, {_vector(config, 'v')} AS vector "
        f"FROM (SELECT DISTINCT {_ident(name)}::text AS v FROM {_ident(raw)}) AS d{i}"
        for i, name in enumerate(columns)
    )
    conn.execution_options(no_parameters=True).exec_driver_sql(
        f"CREATE UNLOGGED TABLE {_ident(raw + LEXICON_SUFFIX)} AS {selects}")


def _fill_full_text(engine: sa.engine.Engine, raw: str, staging: str, fields: list[dict[str, Any]],
                    workers: int) -> list[str]:
    """Move the rows from ``raw`` to ``staging`` computing ``_full_text``, ``workers`` ranges at once.
    Returns the columns stemmed once per distinct value."""
    with engine.begin() as conn:
        config = fts_config(conn)
        low, high, rows = conn.execute(sa.text(f"SELECT min(_id), max(_id), count(*) FROM {_ident(raw)}")).one()
        repeated = _repeated_columns(conn, raw, fields, rows) if rows else []
        if repeated:
            _build_lexicon(conn, raw, repeated, config)
    if low is not None:
        lexicon = {name: f"l{i}" for i, name in enumerate(repeated)}
        joins = "".join(
            f" LEFT JOIN {_ident(raw + LEXICON_SUFFIX)} AS l{i} ON l{i}.col = {i} AND l{i}.v = r.{_ident(name)}::text"
            for i, name in enumerate(repeated)
        )
        names = [_ident(f["id"]) for f in fields if not f["id"].startswith("_")]
        move_rows = (f"INSERT INTO {_ident(staging)} (_id, _full_text, {', '.join(names)}) "
                     f"SELECT r._id, {full_text_expression(fields, config, lexicon)}, "
                     f"{', '.join('r.' + n for n in names)} FROM {_ident(raw)} AS r{joins} WHERE r._id BETWEEN ")
        step = (high - low) // workers + 1
        ranges = [(start, min(start + step - 1, high)) for start in range(low, high + 1, step)]

        def move(bounds: tuple[int, int]) -> None:
            # No parameters at all: column names are the enlace's, and may hold «:» or «%».
            with engine.begin() as conn:
                conn.execution_options(no_parameters=True).exec_driver_sql(
                    f"{move_rows}{int(bounds[0])} AND {int(bounds[1])}")

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(move, ranges))
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(raw + LEXICON_SUFFIX)}"))
        conn.execute(sa.text(f"DROP TABLE {_ident(raw)}"))
    return repeated


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


def _swap(engine: sa.engine.Engine, staging: str, resource_id: str) -> None:
    from ckanext.datastore.backend.postgres import _create_fulltext_trigger

    with engine.begin() as conn:
        target = _ident(resource_id)
        conn.execute(sa.text(f"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE"))
        conn.execute(sa.text(f"DROP TABLE {target}"))
        conn.execute(sa.text(f"ALTER TABLE {_ident(staging)} RENAME TO {target}"))
        conn.execute(sa.text(f"ALTER SEQUENCE IF EXISTS {_ident(staging + '__id_seq')} "
                             f"RENAME TO {_ident(resource_id + '__id_seq')}"))
        conn.execute(sa.text(f"ALTER INDEX IF EXISTS {_ident(staging + '_pkey')} "
                             f"RENAME TO {_ident(resource_id + '_pkey')}"))
        _create_fulltext_trigger(conn, resource_id)
        if TEST_HOOK is not None:
            TEST_HOOK("intercambio", resource_id)


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
