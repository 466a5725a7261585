"""``pueblaabierto_datastore``: the portal's IDatastore hook, a plugin of its own.

CKAN requires ``datastore`` to be the first IDatastore plugin in ``ckan.plugins``, while
``pueblaabierto`` is listed before it (templates, actions); this one goes after it
(embedded/settings.py). Its hook runs after CKAN's, on the clauses CKAN built: while a loaded
table's full text is pending (loading/copy.py), ``q`` and ``full_text`` read the row's
expression instead of the NULL ``_full_text`` (portal/datastore_search.py).
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.datastore.interfaces import IDatastore

from . import datastore_search


class DatastoreSearchPlugin(p.SingletonPlugin):
    p.implements(IDatastore, inherit=True)

    def datastore_search(self, context: Any, data_dict: dict[str, Any], fields_types: dict[str, Any],
                         query_dict: dict[str, Any]) -> dict[str, Any]:
        return datastore_search.search_hook(context, data_dict, query_dict)
