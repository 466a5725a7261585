"""The Puebla Abierto CKAN plugin. Thin by design: every hook delegates to a module.

Sections, one per area (each owned by its package):
- configuration and CLI        -> config_declaration.yaml, cli.py
- search backend (PostgreSQL)  -> search/
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import cli
from .search import backend as search_backend


class PueblaAbiertoPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration, inherit=True)
    p.implements(p.IClick)

    # -- IConfigurer ------------------------------------------------------------
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        search_backend.configure(config)

    # -- IClick ---------------------------------------------------------------------
    def get_commands(self) -> list:
        return cli.get_commands()
