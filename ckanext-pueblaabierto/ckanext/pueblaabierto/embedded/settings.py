"""Ports, plugin list and CKAN options of the embedded default, in one place.

The Docker deployment (docker/) uses the same plugin list; a test keeps them in step.
"""

from __future__ import annotations

import os
from pathlib import Path

import pueblaabierto.schemas as schemas


def _port(variable: str, default: int) -> int:
    return int(os.environ.get(variable, default))


PG_PORT = _port("PUEBLAABIERTO_PG_PORT", 55432)
REDIS_PORT = _port("PUEBLAABIERTO_REDIS_PORT", 56379)
CKAN_PORT = _port("PUEBLAABIERTO_CKAN_PORT", 5000)
# The embedded portal's outgoing mail (workflow notices) lands in .var/correo/ through a local SMTP sink.
SMTP_PORT = _port("PUEBLAABIERTO_SMTP_PORT", 58025)
MAIL_FROM = "datosabiertos@pueblacapital.gob.mx"
CKAN_HOST = "127.0.0.1"

# PUEBLAABIERTO_TEST_SUFFIX gives concurrent test runs in one checkout their own databases
# and configs (ckan_test<suffix>, ckan_e2e<suffix>, .var/test<suffix>.ini); CI leaves it empty.
TEST_SUFFIX = os.environ.get("PUEBLAABIERTO_TEST_SUFFIX", "")

# Order matters to CKAN: our plugin first so its templates and schema win.
PLUGINS = [
    "pueblaabierto_search",  # dataset search on PostgreSQL (ckanext/pueblaabierto/search/)
    "pueblaabierto",
    "activity",
    "datastore",
    "datatables_view",
    "text_view",
    "image_view",
    # FORM.317 metadata (issue 4): schemas/*.yaml through scheming, DCAT with our profile.
    "scheming_datasets",
    "scheming_organizations",
    "dcat",
    "dcat_json_interface",
    "structured_data",
    # Views for the form's "Tipo de Visualización" (issue 6): mapa -> GeoJSON map, gráfico -> chart.
    "geojson_view",
    "charts_view",
]

SYSADMIN_NAME = "admin"
SYSADMIN_EMAIL = "admin@pueblacapital.gob.mx"

# Options every CKAN of ours runs with (embedded portal, tests, end-to-end server).
COMMON_OPTIONS = {
    "ckan.site_title": "Puebla Abierto",
    "ckan.site_description": "Portal de datos abiertos del Municipio de Puebla",
    "ckan.site_logo": "/pueblaabierto/logo.svg",
    "ckan.locale_default": "es",
    "ckan.locales_offered": "es en",
    "ckan.display_timezone": "America/Mexico_City",
    "ckan.auth.create_user_via_web": "false",
    "ckan.datastore.default_fts_lang": "spanish",
    "ckan.datastore.sqlsearch.enabled": "true",
    "ckan.views.default_views": "datatables_view image_view text_view",
    "ckan.max_resource_size": "100",
    # Base map of the "mapa" previews (ckanext-geoview); without one it shows an English notice.
    "ckanext.spatial.common_map.type": "custom",
    "ckanext.spatial.common_map.custom_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "ckanext.spatial.common_map.attribution": "Mapa © colaboradores de OpenStreetMap",
    "pueblaabierto.search.backend": "postgres",
    "debug": "false",
    # FORM.317 metadata (issue 4): schemas shipped in pueblaabierto.schemas, licence list from vocabularios.yaml.
    "scheming.dataset_schemas": "pueblaabierto.schemas:dataset.yaml",
    "scheming.organization_schemas": "pueblaabierto.schemas:dependencia.yaml",
    "scheming.presets": "ckanext.scheming:presets.json",
    "scheming.dataset_fallback": "false",
    "licenses_group_url": "file://" + str(Path(schemas.__file__).parent / "licencias.json"),
    "ckanext.dcat.rdf.profiles": "euro_dcat_ap_3 pueblaabierto_form317",
    "ckanext.dcat.resource.inherit.license": "true",
    # FORM.317 asks for the dependencia's logo and the resource files as uploads, not only URLs;
    # CKAN 2.11 hides the upload inputs unless this is on (storage_path alone is not enough).
    "ckan.uploads_enabled": "true",
}
