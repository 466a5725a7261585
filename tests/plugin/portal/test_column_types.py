"""The data dictionary names DataStore column types in Spanish."""

from __future__ import annotations

import pytest
from ckan.lib.helpers import helper_functions as h

from tests.plugin.metadata.conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "with_request_context")]


@pytest.mark.parametrize(("pg_type", "shown"), [
    ("text", "Texto"), ("int8", "Número entero"), ("numeric", "Número"), ("date", "Fecha"),
    ("timestamp", "Fecha y hora"), ("bool", "Sí/No"), ("_text", "Texto"), ("tsvector", "tsvector"),
])
def test_column_types_read_in_spanish(pg_type, shown):
    assert h.pa_tipo_columna(pg_type) == shown
