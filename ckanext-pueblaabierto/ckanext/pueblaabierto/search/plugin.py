"""``pueblaabierto_search``: CKAN's dataset search on PostgreSQL, as a plugin of its own.

Any CKAN 2.11 can enable it by configuration alone (``ckan.plugins = ... pueblaabierto_search``,
then ``ckan db upgrade -p pueblaabierto_search`` and ``ckan search-index rebuild``); it needs
nothing else from Puebla Abierto. See ``README.md`` beside this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import backend

PLUGIN_NAME = "pueblaabierto_search"


@tk.blanket.config_declarations(str(Path(__file__).with_name("config_declaration.yaml")))
class PostgresSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        # CKAN checks the Solr schema right after update_config: the swap happens in time.
        backend.configure(config)
