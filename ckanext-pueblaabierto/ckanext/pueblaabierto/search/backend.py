"""Select the dataset search backend from ``pueblaabierto.search.backend``.

``postgres`` (default) swaps CKAN's Solr classes for ours everywhere CKAN looks
them up: the registries used by ``index_for``/``query_for`` *and* the module
attributes that core code instantiates by name (group dataset counts, bulk
updates, the DataStore's ``datastore_active`` update). ``solr`` leaves CKAN alone.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.lib.search as ckan_search

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


def _no_solr_to_check(schema_file: str | None = None) -> bool:
    """Without Solr there is no schema to check; CKAN's check would log a connection traceback."""
    return True


def backend_name(config: Any) -> str:
    return (config.get(CONFIG_KEY) or POSTGRES).strip().lower()


def is_postgres(config: Any) -> bool:
    return backend_name(config) == POSTGRES


def configure(config: Any) -> None:
    """Install the selected backend (called from IConfigurer.update_config)."""
    if is_postgres(config):
        index_cls, query_cls = PostgresPackageSearchIndex, PostgresPackageSearchQuery
    else:
        index_cls, query_cls = _SOLR_INDEX, _SOLR_QUERY
    ckan_search._INDICES["package"] = index_cls
    ckan_search._QUERIES["package"] = query_cls
    ckan_search.PackageSearchIndex = index_cls  # type: ignore[misc]
    ckan_search.PackageSearchQuery = query_cls  # type: ignore[misc]
    # CKAN calls this right after IConfigurer.update_config, so swapping it here is in time.
    ckan_search.check_solr_schema_version = (  # type: ignore[assignment]
        _no_solr_to_check if is_postgres(config) else _SOLR_SCHEMA_CHECK
    )
    log.debug("Dataset search backend: %s", backend_name(config))
