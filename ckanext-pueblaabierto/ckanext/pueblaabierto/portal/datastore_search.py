"""Search inside the data in Spanish, accent-insensitive, in the DataStore.

CKAN fills each row's ``_full_text`` with a trigger calling ``to_tsvector(text)``, i.e. the
database's default configuration (``english``), while ``datastore_search`` asks with
``ckan.datastore.default_fts_lang``: English stems against Spanish queries, and «Sebastián» never
meets «sebastian». Here one configuration, ``spanish_unaccent`` (PostgreSQL's Spanish stemmer after
``unaccent``), serves both sides:

- the trigger function names it, and the DataStore database uses it by default (so CKAN's own
  version of the function, re-created by ``ckan datastore set-permissions``, agrees too);
- ``ckan.datastore.default_fts_lang = spanish_unaccent`` makes the queries use it.

``ensure()`` is idempotent and cheap when everything is in place, so the plugin runs it when CKAN
starts; ``reindex()`` (``ckan pueblaabierto busqueda-datastore``) recomputes existing tables.

A table the loader has just served (loading/copy.py) may have its ``_full_text`` still NULL,
marked by a table comment (``PENDING`` + the SQL of a row's ``_full_text``) until the loader's
full-text pass swaps in the complete table. Meanwhile ``search_hook`` (IDatastore, plugin
``pueblaabierto_datastore``, listed after ``datastore``: datastore_plugin.py) makes CKAN's
``q``/``full_text`` clauses and ranks read ``coalesce(_full_text, <that SQL>)``: the same rows,
the same total, computed per row instead of read from the index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

CONFIG = "spanish_unaccent"
# The table comment of a served table whose _full_text is not computed yet, followed by the
# SQL of a row's _full_text (bare column names). Written by loading/copy.py only.
PENDING = "pueblaabierto: texto completo pendiente; "
# CKAN's own references to the column in its search SQL (``_full_text @@ "query"``,
# ``ts_rank(_full_text, "query", 32)``); a quoted "_full_text" (a filter, a sort) is left alone.
FULL_TEXT_TOKEN = re.compile(r'(?<![\w"])_full_text(?![\w"])')

# Same body as CKAN's set_permissions.sql, with the configuration named explicitly.
TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION populate_full_text_trigger() RETURNS trigger
AS $body$
    BEGIN
        IF NEW._full_text IS NOT NULL THEN
            RETURN NEW;
        END IF;
        NEW._full_text := (
            SELECT to_tsvector('public.{CONFIG}', string_agg(value, ' '))
            FROM json_each_text(row_to_json(NEW.*))
            WHERE key NOT LIKE '\\_%');
        RETURN NEW;
    END;
$body$ LANGUAGE plpgsql
"""

CREATE_CONFIG = f"""
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
                   WHERE c.cfgname = '{CONFIG}' AND n.nspname = 'public') THEN
        CREATE TEXT SEARCH CONFIGURATION public.{CONFIG} (COPY = pg_catalog.spanish);
        ALTER TEXT SEARCH CONFIGURATION public.{CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, spanish_stem;
    END IF;
END
$do$
"""


def write_engine(url: str) -> Engine:
    # Its own connections: a pooled one opened before ALTER DATABASE would keep the old default.
    return sa.create_engine(url, poolclass=NullPool)


def is_ready(conn: Connection) -> bool:
    row = conn.execute(sa.text(
        """SELECT
             EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = :config),
             coalesce((SELECT position(:config IN prosrc) > 0 FROM pg_proc
                       WHERE proname = 'populate_full_text_trigger'), false),
             coalesce((SELECT :config_setting = ANY(setconfig) FROM pg_db_role_setting s
                       JOIN pg_database d ON d.oid = s.setdatabase
                       WHERE d.datname = current_database() AND s.setrole = 0), false)"""
    ), {"config": CONFIG, "config_setting": f"default_text_search_config=public.{CONFIG}"}).one()
    return all(row)


def ensure(engine: Engine) -> bool:
    """Create the configuration and point the trigger and the database at it. True if changed."""
    with engine.begin() as conn:
        if is_ready(conn):
            return False
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        conn.execute(sa.text(CREATE_CONFIG))
        conn.execute(sa.text(TRIGGER_FUNCTION))
        database = conn.execute(sa.text("SELECT current_database()")).scalar()
        quoted = conn.dialect.identifier_preparer.quote(database)
        conn.execute(sa.text(f"ALTER DATABASE {quoted} SET default_text_search_config = 'public.{CONFIG}'"))
    return True


def datastore_tables(conn: Connection) -> list[str]:
    return list(conn.execute(sa.text(
        """SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
           WHERE c.table_schema = 'public' AND c.column_name = '_full_text' AND t.table_type = 'BASE TABLE'
           ORDER BY c.table_name"""
    )).scalars())


def reindex(engine: Engine, progress: Callable[[str, int], None] | None = None) -> int:
    """Recompute ``_full_text`` of every DataStore table (the trigger fills NULLs). Returns tables done."""
    ensure(engine)
    with engine.connect() as conn:
        tables = datastore_tables(conn)
    for table in tables:
        # One transaction per table: a large catalogue never holds every table locked at once.
        with engine.begin() as conn:
            quoted = conn.dialect.identifier_preparer.quote(table)
            rows = conn.execute(sa.text(f"UPDATE {quoted} SET _full_text = NULL")).rowcount
        if progress:
            progress(table, rows)
    return len(tables)


def ensure_on_startup(write_url: str | None) -> None:
    if not write_url:
        return
    try:
        engine = write_engine(write_url)
        try:
            if ensure(engine):
                log.info("DataStore: búsqueda de texto en español sin acentos (%s) configurada", CONFIG)
        finally:
            engine.dispose()
    except sa.exc.SQLAlchemyError as error:  # the portal still serves; searches stay as they were
        log.warning("DataStore: no se pudo configurar la búsqueda en español (%s). "
                    "Ejecute «ckan pueblaabierto busqueda-datastore» con un usuario dueño de la base.", error)


# The table preview (ckanext-datatablesview) asks with language "simple" and a prefix
# ("parque:*"): unstemmed, so «parque» missed the stemmed "parqu" of the index. Its requests
# use our configuration instead; API callers keep whatever language they ask for.
PREVIEW_ENDPOINTS = {"datatablesview.ajax"}


def _request_endpoint() -> str | None:
    try:
        return tk.request.endpoint
    except (RuntimeError, AttributeError):  # no request (CLI, jobs)
        return None


@tk.chained_action
@tk.side_effect_free
def datastore_search(up_func: Callable[..., Any], context: Any, data_dict: dict[str, Any]) -> Any:
    if data_dict.get("language") == "simple" and _request_endpoint() in PREVIEW_ENDPOINTS:
        data_dict = {**data_dict, "language": CONFIG}
    return up_func(context, data_dict)


def get_actions() -> dict[str, Any]:
    import ckan.plugins as plugins

    # Chaining needs the action it chains to: nothing to do on a CKAN without the DataStore.
    return {"datastore_search": datastore_search} if plugins.plugin_loaded("datastore") else {}


def pending_expression(conn: Any, table: str) -> str | None:
    """The SQL of a row's ``_full_text`` if ``table``'s full text is pending, else None (one catalog read).

    The SQL comes from the table's comment, which only the loader writes: CKAN's DataStore
    actions write column comments (field ``info``), never table comments, and the read-only
    user of ``datastore_search_sql`` cannot ``COMMENT`` (it owns no table).
    """
    from ckanext.datastore.backend.postgres import identifier  # only called with the DataStore loaded

    comment = conn.execute(sa.text("SELECT obj_description(to_regclass(:t), 'pg_class')"),
                           {"t": identifier(table)}).scalar()
    if isinstance(comment, str) and comment.startswith(PENDING):
        return comment[len(PENDING):]
    return None


def rewrite(fragment: Any, expression: str) -> Any:
    """``fragment`` (SQL, or a where-clause tuple whose first item is SQL) reading
    ``coalesce(_full_text, expression)`` where CKAN reads ``_full_text``."""
    if isinstance(fragment, str):
        return FULL_TEXT_TOKEN.sub(lambda _m: f"coalesce(_full_text, {expression})", fragment)
    if isinstance(fragment, tuple) and fragment and isinstance(fragment[0], str):
        return (rewrite(fragment[0], expression), *fragment[1:])
    return fragment


def search_hook(context: Any, data_dict: dict[str, Any], query_dict: dict[str, Any]) -> dict[str, Any]:
    """IDatastore ``datastore_search`` (after CKAN's own, plugin ``pueblaabierto_datastore``):
    complete ``q``/``full_text`` answers while a table's full text is pending."""
    if not (data_dict.get("q") or data_dict.get("full_text")) or context.get("connection") is None:
        return query_dict
    expression = pending_expression(context["connection"], str(data_dict.get("resource_id") or ""))
    if expression is None:
        return query_dict
    for key in ("where", "select", "sort"):
        query_dict[key] = [rewrite(fragment, expression) for fragment in query_dict.get(key) or []]
    return query_dict
