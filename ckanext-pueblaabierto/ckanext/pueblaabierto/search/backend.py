"""Select the dataset search backend from ``pueblaabierto.search.backend``.

``postgres`` (default) swaps CKAN's Solr classes for ours everywhere CKAN looks
them up: the registries used by ``index_for``/``query_for`` *and* the module
attributes that core code instantiates by name (group dataset counts, bulk
updates, the DataStore's ``datastore_active`` update). ``solr`` leaves CKAN alone.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ckan.lib.search as ckan_search

from . import rebuild as search_rebuild
from .index import PostgresPackageSearchIndex
from .query import PostgresPackageSearchQuery

log = logging.getLogger(__name__)

CONFIG_KEY = "pueblaabierto.search.backend"
POSTGRES = "postgres"
SOLR = "solr"

# CKAN's own classes, to restore them when a later config selects Solr (tests).
_SOLR_INDEX = ckan_search.index.PackageSearchIndex
_SOLR_QUERY = ckan_search.query.PackageSearchQuery
_SOLR_SCHEMA_CHECK = ckan_search.check_solr_schema_version
_SOLR_CLEAR = ckan_search.clear


def clear_one(package_reference: str) -> None:
    """``ckan search-index clear <dataset>``: remove one dataset from the index, committed."""
    import ckan.model as model

    ckan_search.index_for(model.Package).delete_package({"id": package_reference})
    model.Session.commit()


def _no_solr_to_check(schema_file: str | None = None) -> bool:
    """Without Solr there is no schema to check; CKAN's check would log a connection traceback."""
    return True


def backend_name(config: Any) -> str:
    # Item access, not config.get(): where only the Puebla plugin is enabled the option is
    # not declared (pueblaabierto_search declares it) and get() would warn on every load.
    try:
        value = config[CONFIG_KEY]
    except KeyError:
        value = None
    return (value or POSTGRES).strip().lower()


def is_postgres(config: Any) -> bool:
    return backend_name(config) == POSTGRES


_fork_hook_installed = False


def _fresh_connections_after_fork() -> None:
    """A forked child must not talk on its parent's database connections.

    ``ckan search-index rebuild-fast`` forks one indexer per CPU; with Solr the
    children only shared HTTP, with this backend they write through SQLAlchemy.
    ``dispose(close=False)`` gives the child a new pool without closing the
    parent's sockets, and the child's sessions start from scratch.
    """
    import ckan.model as model

    if model.meta.engine is not None:
        model.meta.engine.dispose(close=False)
    model.Session.registry.clear()


def configure(config: Any) -> None:
    """Install the selected backend (called from IConfigurer.update_config)."""
    global _fork_hook_installed
    if is_postgres(config):
        index_cls, query_cls = PostgresPackageSearchIndex, PostgresPackageSearchQuery
        if not _fork_hook_installed:
            os.register_at_fork(after_in_child=_fresh_connections_after_fork)
            _fork_hook_installed = True
    else:
        index_cls, query_cls = _SOLR_INDEX, _SOLR_QUERY
    ckan_search._INDICES["package"] = index_cls
    ckan_search._QUERIES["package"] = query_cls
    ckan_search.PackageSearchIndex = index_cls  # type: ignore[misc]
    ckan_search.PackageSearchQuery = query_cls  # type: ignore[misc]
    # Also where the Solr classes are defined: code (and CKAN's tests) that reaches them
    # as ``ckan.lib.search.index.PackageSearchIndex`` gets the selected backend too.
    ckan_search.index.PackageSearchIndex = index_cls  # type: ignore[misc]
    ckan_search.query.PackageSearchQuery = query_cls  # type: ignore[misc]
    # CKAN calls this right after IConfigurer.update_config, so swapping it here is in time.
    ckan_search.check_solr_schema_version = (  # type: ignore[assignment]
        _no_solr_to_check if is_postgres(config) else _SOLR_SCHEMA_CHECK
    )
    # Batched (and on big catalogues forked) rebuild; CKAN's when Solr is selected.
    # ``clear``: Solr commits a delete by itself, a database needs the commit.
    if is_postgres(config):
        search_rebuild.install(ckan_search)
        ckan_search.clear = clear_one  # type: ignore[assignment]
    else:
        search_rebuild.uninstall(ckan_search)
        ckan_search.clear = _SOLR_CLEAR  # type: ignore[assignment]
    log.debug("Dataset search backend: %s", backend_name(config))
